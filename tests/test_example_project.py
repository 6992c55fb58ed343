"""The example project's own tests pass against the mock built from its collection."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from pytest_postman_mock import MockServer

from . import upstream

EXAMPLE = Path(__file__).resolve().parents[1] / "example_project"


def run_example(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(EXAMPLE / "src"), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=EXAMPLE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_example_project_passes(workers: list[str]) -> None:
    result = run_example(*workers)
    assert result.returncode == 0, result.stdout + result.stderr
    last = result.stdout.splitlines()[-1]
    assert re.fullmatch(r"\d+ passed in [\d.]+s", last), last
    assert "0 unmatched" in result.stdout


def test_the_readme_record_flow_records_against_the_stand_in_then_mocks(tmp_path: Path) -> None:
    """The example README's flow: record `/v1/authors/1` from the stand-in API, then serve it."""
    spec = importlib.util.spec_from_file_location("stand_in_api", EXAMPLE / "stand_in_api.py")
    assert spec is not None and spec.loader is not None
    stand_in = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(stand_in)
    collection = tmp_path / "bookshop.postman_collection.json"
    shutil.copy(EXAMPLE / "bookshop.postman_collection.json", collection)
    environment = EXAMPLE / "local.postman_environment.json"
    with upstream.running(wsgi=stand_in.app) as (url, _):
        mock = MockServer(collection, environment, proxy=url, record="new").start()
        try:
            live = requests.get(mock.url + "/v1/authors/1")
            known = requests.get(mock.url + "/v1/books")
        finally:
            mock.stop()
    with MockServer(collection, environment) as mock:
        replayed = requests.get(mock.url + "/v1/authors/1")
        assert mock.calls.last is not None and mock.calls.last.kind == "matched"
    assert live.json()["name"] == "Ursula K. Le Guin" and known.status_code == 200
    assert (replayed.status_code, replayed.json()) == (200, live.json())
    doc = json.loads(collection.read_text(encoding="utf-8"))
    recorded = next(i for i in doc["item"] if i["name"] == "Recorded")["item"][0]
    assert recorded["request"]["url"]["raw"] == "{{baseUrl}}/authors/1"
