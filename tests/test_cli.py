"""`postman-mock serve`, run as a user runs it: a real process, real HTTP, real signals."""

from __future__ import annotations

import re
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from .conftest import CORPUS, require_corpus, start_serve

TODO = CORPUS / "collections" / "kevinswiber__postman2openapi__todo.postman.json"
SERVING = re.compile(r'^Serving "(?P<name>.+)" at (?P<url>http://127\.0\.0\.1:\d+)$')


@pytest.fixture
def todo_server() -> Iterator[tuple[subprocess.Popen[str], str]]:
    require_corpus()
    process = start_serve(str(TODO), "--port", "0")
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    found = SERVING.match(first)
    assert found, f"unexpected first line {first!r}"
    assert found["name"] == "Todo Live Collection"
    yield process, found["url"]
    if process.poll() is None:
        process.kill()
        process.wait(timeout=5)


def test_serve_answers_a_corpus_example_and_logs_the_call(
    todo_server: tuple[subprocess.Popen[str], str],
) -> None:
    process, url = todo_server
    response = requests.get(url + "/todos/1", timeout=5)
    assert response.status_code == 200
    assert response.json()["title"] == "create a new app"
    missing = requests.get(url + "/nothing", timeout=5)
    assert missing.status_code == 404
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    lines = out.splitlines()
    assert re.match(r"^\d\d:\d\d:\d\d\.\d{3}  GET     /todos/1 +200  \"200 OK\"$", lines[0]), lines
    assert re.match(
        r"^\d\d:\d\d:\d\d\.\d{3}  GET     /nothing +404  No matching requests "
        r"\(nearest: .+\)$",
        lines[1],
    ), lines
    assert lines[-1] == "Stopped."


def test_serve_quiet_prints_no_line_per_call(users_api: Path) -> None:
    process = start_serve(str(users_api), "--port", "0", "--quiet")
    assert process.stdout is not None
    found = SERVING.match(process.stdout.readline().strip())
    assert found, "serve did not start"
    assert requests.get(found["url"] + "/users", timeout=5).status_code == 200
    assert requests.get(found["url"] + "/nothing", timeout=5).status_code == 404
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "/users" not in out and "/nothing" not in out
    assert out.splitlines()[-1] == "Stopped."


def test_serve_stops_on_ctrl_c(todo_server: tuple[subprocess.Popen[str], str]) -> None:
    process, _ = todo_server
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=10)
    assert process.returncode == 0


def test_serve_a_missing_file_exits_2_with_one_line(tmp_path: Path) -> None:
    process = start_serve(str(tmp_path / "missing.json"))
    _out, err = process.communicate(timeout=20)
    assert process.returncode == 2
    assert err.strip() == f"postman-mock: error: {tmp_path / 'missing.json'}: file not found"
    assert "Traceback" not in err


def test_serve_a_bad_setting_exits_2_naming_it() -> None:
    require_corpus()
    process = start_serve(str(TODO), "--delay", "soon")
    _, err = process.communicate(timeout=20)
    assert process.returncode == 2
    assert "delay='soon': expected milliseconds from 0 to 180000, or 2g / 3g" in err


def test_serve_errors_name_the_flag_and_say_the_seed(tmp_path: Path) -> None:
    require_corpus()
    process = start_serve(str(TODO), "--port", "abc")
    _, err = process.communicate(timeout=20)
    assert process.returncode == 2
    assert err.strip() == "postman-mock: error: command line: --port='abc': expected a whole number"
    process = start_serve(str(TODO), "--seed", "41")
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stderr.readline()  # the call-log viewer's address comes first
    seed_line = process.stderr.readline().strip()
    process.terminate()
    process.communicate(timeout=10)
    assert seed_line == "Random values from seed 41 (repeat them with --seed 41)"
