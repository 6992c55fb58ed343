"""`postman-mock serve --handlers FILE [--watch]`, run as a user runs it: a real process,
a real handlers module, and a module that changes (or breaks) while it serves."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from . import builders
from .conftest import start_serve
from .support_serve import Lines, write_module

MODULE = """
from pytest_postman_mock import handler

@handler("POST", "/orders")
def create(request):
    orders = request.state.setdefault("orders", [])
    with request.state.lock:
        orders.append(request.json())
    return {{"status": 201, "json": {{"version": "{version}", "count": len(orders)}}}}

@handler("GET", "/ping")
def ping(request):
    return None  # the collection answers
"""


@pytest.fixture
def api(tmp_path: Path) -> Path:
    return builders.write(
        tmp_path / "api.json",
        builders.collection(
            builders.request(
                "Ping",
                "https://x.test/ping",
                builders.example("Pong", "https://x.test/ping", body="pong"),
            )
        ),
    )


@pytest.fixture
def serving(api: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    mocks = tmp_path / "mocks.py"
    write_module(mocks, MODULE.format(version="v1"))
    process = start_serve(str(api), "--handlers", str(mocks), "--watch", "--no-viewer")
    yield process, mocks
    if process.poll() is None:
        process.terminate()
        process.communicate(timeout=10)


def test_serve_handlers_answer_keep_state_and_reload_on_change(
    serving: tuple[subprocess.Popen[str], Path],
) -> None:
    process, mocks = serving
    out, err = Lines(process.stdout), Lines(process.stderr)
    url = out.wait_for("Serving ").rsplit(" ", 1)[1]
    assert out.wait_for("Handlers from ") == (
        f"Handlers from {mocks}: handler create for POST /orders, handler ping for GET /ping"
    )
    session = requests.Session()
    first = session.post(url + "/orders", json={"sku": "A1"}, timeout=5)
    assert (first.status_code, first.json()) == (201, {"version": "v1", "count": 1})
    assert session.get(url + "/ping", timeout=5).text == "pong"  # None: the collection

    write_module(mocks, MODULE.format(version="version-2"))
    out.wait_for(f"Reloaded handlers from {mocks}: 2 handler(s)")
    second = session.post(url + "/orders", json={"sku": "B2"}, timeout=5)
    # the server's state outlives a reload of the module
    assert second.json() == {"version": "version-2", "count": 2}

    write_module(mocks, "from pytest_postman_mock import handler\n\ndef broken(:\n")
    failure = err.wait_for("handlers reload failed")
    assert failure.startswith(
        "handlers reload failed, still serving the previous ones: "
        f"handlers file {mocks}, line 3: SyntaxError: "
    )
    third = session.post(url + "/orders", json={"sku": "C3"}, timeout=5)
    assert third.json() == {"version": "version-2", "count": 3}  # the previous handlers
    assert sum("handlers reload failed" in line for line in err.seen) == 1  # said once


def test_serve_with_a_broken_handlers_file_exits_2_with_one_line(api: Path, tmp_path: Path) -> None:
    mocks = tmp_path / "mocks.py"
    mocks.write_text("import no_such_module_here\n", encoding="utf-8")
    process = start_serve(str(api), "--handlers", str(mocks))
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert err.strip().splitlines() == [
        f"postman-mock: error: handlers file {mocks}, line 1: ModuleNotFoundError: "
        "No module named 'no_such_module_here'"
    ]


def test_serve_with_a_module_without_handlers_says_how_to_mark_them(
    api: Path, tmp_path: Path
) -> None:
    mocks = tmp_path / "mocks.py"
    mocks.write_text("def create(request):\n    return None\n", encoding="utf-8")
    process = start_serve(str(api), "--handlers", str(mocks))
    _, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "no function is decorated with @handler(...)" in err
