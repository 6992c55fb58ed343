"""Fixtures shared by the test suite: the corpus, a users API, and a running server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest

from pytest_postman_mock import MockServer

from . import builders

CORPUS = Path(
    os.environ.get("POSTMAN_MOCK_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus")
)


def start_serve(
    *args: str, command: str = "serve", stderr: IO[str] | int = subprocess.PIPE
) -> subprocess.Popen[str]:
    """`postman-mock serve ARGS` (or another serving command) as a user runs it, output
    piped as text; `stderr` may be a file, for a test that watches it while the server runs."""
    return subprocess.Popen(
        [sys.executable, "-m", "pytest_postman_mock.cli", command, *args],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )


def poll(check: Callable[[], bool], timeout: float = 10.0, every: float = 0.05) -> bool:
    """Whether `check()` holds within `timeout` seconds, asked every `every` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every)
    return check()


def require_corpus() -> None:
    """Skip a corpus module when the corpus is missing, or fail it loudly under CI."""
    if (CORPUS / "collections").is_dir():
        return
    problem = f"no Postman corpus at {CORPUS} (set POSTMAN_MOCK_CORPUS to point at one)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true: {problem}", pytrace=False)
    pytest.skip(problem, allow_module_level=True)


def corpus_files(kind: str) -> list[Path]:
    folder = CORPUS / kind
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


@pytest.fixture
def users_api(tmp_path: Path) -> Path:
    """A small collection: users with path variables, several examples, a folder."""
    doc = builders.collection(
        builders.folder(
            "Users",
            builders.request(
                "List users",
                "{{baseUrl}}/users",
                builders.json_example(
                    "All users", "{{baseUrl}}/users", [{"id": 1, "name": "Ada"}], id="u-list"
                ),
                builders.json_example(
                    "Admins",
                    "{{baseUrl}}/users?role=admin",
                    [{"id": 1, "name": "Ada", "role": "admin"}],
                    id="u-admins",
                ),
            ),
            builders.request(
                "Get user",
                "{{baseUrl}}/users/:userId",
                builders.json_example(
                    "User found",
                    "{{baseUrl}}/users/:userId",
                    {"id": "{{userId}}", "name": "Ada"},
                    id="u-get-200",
                ),
                builders.json_example(
                    "User not found",
                    "{{baseUrl}}/users/:userId",
                    {"error": "no such user"},
                    code=404,
                    id="u-get-404",
                ),
            ),
            builders.request(
                "Create user",
                "{{baseUrl}}/users",
                builders.json_example(
                    "Created",
                    "{{baseUrl}}/users",
                    {"id": 2},
                    method="POST",
                    code=201,
                    id="u-create",
                ),
                method="POST",
            ),
        ),
        variables={"baseUrl": "https://api.example.com"},
    )
    return builders.write(tmp_path / "users.postman_collection.json", doc)


@pytest.fixture
def users_server(users_api: Path) -> Iterator[MockServer]:
    with MockServer(users_api) as server:
        yield server


@pytest.fixture(autouse=True)
def _inner_runs_keep_file_order(request: pytest.FixtureRequest) -> None:
    """Runs that pytester starts keep their tests in file order (their output is read in
    order), and do not inherit the outer run's CI=true (which turns recording off): a test
    that is about CI sets it itself."""
    if "pytester" in request.fixturenames:
        monkeypatch = request.getfixturevalue("monkeypatch")
        request.getfixturevalue("pytester")
        monkeypatch.setenv("PYTEST_ADDOPTS", "-p no:randomly")
        monkeypatch.delenv("CI", raising=False)
