"""Without the corpus, its tests skip on a laptop and fail loudly under CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run_corpus_tests(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    env["POSTMAN_MOCK_CORPUS"] = str(tmp_path / "no-corpus")
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:randomly",
            "-p",
            "no:xdist",
            "-q",
            "-rs",
            "tests/test_corpus_load.py",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("ci", [None, "false"])
def test_a_missing_corpus_skips_outside_ci(tmp_path: Path, ci: str | None) -> None:
    run = run_corpus_tests(tmp_path, ci)
    assert run.returncode == 5, run.stdout + run.stderr  # pytest: nothing ran, nothing failed
    assert "1 skipped" in run.stdout
    assert "set POSTMAN_MOCK_CORPUS to point at one" in run.stdout


def test_a_missing_corpus_fails_under_ci(tmp_path: Path) -> None:
    run = run_corpus_tests(tmp_path, "true")
    assert run.returncode != 0
    assert "1 error" in run.stdout
    assert (
        f"CI=true: no Postman corpus at {tmp_path / 'no-corpus'} "
        "(set POSTMAN_MOCK_CORPUS to point at one)"
    ) in run.stdout
