"""`postman-mock check`, `routes` and `serve --watch`, run as real processes."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import requests

from . import builders
from .conftest import poll, start_serve


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest_postman_mock.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def write_messy(tmp_path: Path) -> Path:
    doc = builders.collection(
        builders.request("Orphan", "https://x.test/orphan"),
        builders.request(
            "Get user",
            "https://x.test/users/:id",
            builders.example("Found", "https://x.test/users/:id", body='{"id": "{{id}}"}', id="a"),
            builders.example("Gone", "https://x.test/users/:id", code=404, id="b"),
        ),
        builders.request(
            "Profile",
            "https://x.test/me",
            builders.example("Found", "https://x.test/me", body='{"plan": "{{plan}}"}', id="a"),
        ),
    )
    doc["item"][2]["response"].append({"name": "Broken", "code": "abc"})
    return builders.write(tmp_path / "messy.json", doc)


def test_check_reports_each_kind_of_finding_and_exits_1(tmp_path: Path) -> None:
    result = run("check", str(write_messy(tmp_path)))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "no-examples: Orphan: has no saved examples" in lines
    assert any(
        line.startswith(
            "malformed: example: skipped example 'Broken' of request "
            "'Profile' at /item/2/response/1"
        )
        for line in lines
    )
    assert (
        'unreachable: Get user / Gone: GET /users/:id always loses to "Found" (same path, '
        "query and body); only x-mock-response-name, -id or -code can select it"
    ) in lines
    assert (
        "unresolved: Profile / Found: the response uses {{plan}}, which no variable "
        "defines; it is sent as written"
    ) in lines
    assert any(line.startswith("duplicate-id: a: 2 examples share it") for line in lines)
    assert (
        "duplicate-name: Found: 2 examples share this name, so x-mock-response-name picks by id"
    ) in lines
    assert lines[-1] == '"Test API": 3 examples, 6 findings'


def test_check_is_clean_on_the_example_project() -> None:
    root = Path(__file__).resolve().parents[1] / "example_project"
    result = run(
        "check",
        str(root / "bookshop.postman_collection.json"),
        "--environment",
        str(root / "local.postman_environment.json"),
    )
    assert (result.returncode, result.stdout) == (0, '"Bookshop API": 8 examples, no findings\n')


def test_check_on_unusable_input_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = run("check", str(bad))
    assert result.returncode == 2
    assert result.stderr == (
        f"postman-mock: error: {bad}: invalid JSON at line 1 column 2: "
        "Expecting property name enclosed in double quotes\n"
    )


def test_routes_lists_method_path_examples_and_statuses(users_api: Path) -> None:
    result = run("routes", str(users_api))
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "GET     /users             All users (200)",
        "GET     /users?role=admin  Admins (200)",
        "GET     /users/:userId     User found (200), User not found (404)",
        "POST    /users             Created (201)",
    ]


def test_serve_watch_reloads_without_dropping_calls(tmp_path: Path) -> None:
    path = builders.write(
        tmp_path / "api.json",
        builders.collection(
            builders.request(
                "Ping",
                "https://x.test/ping",
                builders.example("Pong", "https://x.test/ping", body="v1"),
            )
        ),
    )
    errors = tmp_path / "stderr.txt"
    with errors.open("w") as stderr:
        process = start_serve(str(path), "--watch", stderr=stderr)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().rsplit(" ", 1)[1].strip()
        session = requests.Session()
        assert session.get(url + "/ping", timeout=5).text == "v1"
        doc = json.loads(path.read_text())
        doc["item"][0]["response"][0]["body"] = "v2"
        path.write_text(json.dumps(doc))
        bodies = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (not bodies or bodies[-1] != "v2"):
            response = session.get(url + "/ping", timeout=5)
            assert response.status_code == 200  # every call answered, during the reload too
            bodies.append(response.text)
            time.sleep(0.05)  # stdout is read only at the end: keep the call lines few
        assert bodies[-1] == "v2"
        path.write_text("{broken")
        assert poll(lambda: "reload failed" in errors.read_text())  # the watcher saw it
        assert session.get(url + "/ping", timeout=5).text == "v2"  # the old examples stay
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=10)
    err = errors.read_text()
    assert 'Reloaded "Test API": 1 examples' in out
    assert "reload failed, still serving the previous examples:" in err
