"""`postman-mock` messages from issue 15: new `check` findings, `--version`, a closed pipe."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pytest_postman_mock import __version__

from . import builders

CLI = [sys.executable, "-m", "pytest_postman_mock.cli"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=60)


def test_version() -> None:
    result = run("--version")
    assert (result.returncode, result.stdout) == (0, f"postman-mock {__version__}\n")


def test_check_reports_duplicate_request_names_and_empty_path_variables(tmp_path: Path) -> None:
    doc = builders.collection(
        builders.folder(
            "Admin",
            builders.request("Get user", "/admin/users/1", builders.example("OK", "/users/1")),
        ),
        builders.request(
            "Get user",
            "{{baseUrl}}/accounts/{{accountId}}",
            builders.example("Account", "{{baseUrl}}/accounts/{{accountId}}"),
        ),
    )
    collection = builders.write(tmp_path / "api.json", doc)
    environment = builders.write(
        tmp_path / "dev.json", builders.environment({"accountId": "", "baseUrl": "https://x.io"})
    )
    result = run("check", str(collection), "--environment", str(environment))
    lines = result.stdout.splitlines()
    assert result.returncode == 1
    assert (
        "duplicate-request: Get user: 2 requests share this name (Admin / Get user; Get user): "
        'name one in override() or assert_all_called() as "Folder / Request"'
    ) in lines
    assert (
        f"empty-variable: accountId: {{{{accountId}}}} is empty in {environment}, so its path "
        "segment (first in Get user / Account) matches any value; set it or leave it out"
    ) in lines
    assert lines[-1] == '"Test API": 2 examples, 2 findings'


def test_one_example_and_one_finding_are_singular(tmp_path: Path) -> None:
    doc = builders.collection(
        builders.request("A", "/a", builders.example("OK", "/a", body="{{nope}}")),
    )
    result = run("check", str(builders.write(tmp_path / "api.json", doc)))
    assert result.stdout.splitlines()[-1] == '"Test API": 1 example, 1 finding'


def test_check_into_a_closed_pipe_ends_without_a_traceback(tmp_path: Path) -> None:
    requests = [
        builders.request(f"R{i}", f"/r{i}", builders.example("OK", f"/r{i}", body="{{nope}}"))
        for i in range(3000)
    ]
    collection = builders.write(tmp_path / "big.json", builders.collection(*requests))
    check = subprocess.Popen(
        [*CLI, "check", str(collection)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert check.stdout is not None and check.stderr is not None
    first = check.stdout.readline()
    check.stdout.close()  # what `| head -1` does after its line
    errors = check.stderr.read().decode()
    check.wait(timeout=60)
    assert first.startswith(b"unresolved: R0 / OK")
    assert "Traceback" not in errors and "BrokenPipeError" not in errors, errors
    assert check.returncode == 0
