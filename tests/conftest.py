"""Fixtures shared by the test suite: the corpus, a users API, and a running server."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_postman_mock import MockServer

from . import builders

CORPUS = Path(
    os.environ.get("POSTMAN_MOCK_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus")
)


def start_serve(*args: str, command: str = "serve") -> subprocess.Popen[str]:
    """`postman-mock serve ARGS` (or another serving command) as a user runs it, output
    piped as text."""
    return subprocess.Popen(
        [sys.executable, "-m", "pytest_postman_mock.cli", command, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


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
    """Runs that pytester starts keep their tests in file order: their output is read in order."""
    if "pytester" in request.fixturenames:
        monkeypatch = request.getfixturevalue("monkeypatch")
        request.getfixturevalue("pytester")
        monkeypatch.setenv("PYTEST_ADDOPTS", "-p no:randomly")
