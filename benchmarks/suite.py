"""What a user feels: a suite of tests that each make a few HTTP calls, per tool.

A generated project has `TESTS` tests that each send `CALLS` `requests.get` calls
(one new connection each, as `requests.get` does), once per tool:

- `ours`: the `postman_mock` fixture on a 100-request collection;
- `httpserver`: pytest-httpserver, each test registering a handler per call;
- `responses`: in-process patching of `requests` (no socket), when installed;
- `trivial`: the same number of tests doing nothing, the floor.

Each project runs in a fresh pytest process, the tools in turn, `repeats` times;
the fastest run of each counts, and the cost per test is its time minus the
trivial suite's, divided by the tests. CPU time (user + system) is reported
beside wall time: wall time beyond CPU time is waiting, not working.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import gen_collections
from startup import as_users_run, pytest_seconds

TESTS = 500
CALLS = 5
SIZE = 100


def _paths() -> list[str]:
    every = gen_collections.scan_paths(SIZE)
    return [every[i * (SIZE // CALLS)] for i in range(CALLS)]


def _sources(tests: int) -> dict[str, str]:
    paths = _paths()
    calls = "".join(
        f"    assert requests.get(base + {p!r}, timeout=10).status_code == 200\n" for p in paths
    )
    handlers = "".join(
        f"    httpserver.expect_request({p!r}).respond_with_json({{'id': '42'}})\n" for p in paths
    )
    patches = "".join(
        f"    responses.get('http://api.test' + {p!r}, json={{'id': '42'}})\n" for p in paths
    )
    head = "import requests\n\n\n"
    found = {
        "ours": head
        + "".join(
            f"def test_{n:04}(postman_mock):\n    base = postman_mock.url\n{calls}\n\n"
            for n in range(tests)
        ),
        "httpserver": head
        + "".join(
            f"def test_{n:04}(httpserver):\n{handlers}"
            f"    base = httpserver.url_for('').rstrip('/')\n{calls}\n\n"
            for n in range(tests)
        ),
        "responses": "import responses\n"
        + head
        + "".join(
            f"@responses.activate\ndef test_{n:04}():\n{patches}"
            f"    base = 'http://api.test'\n{calls}\n\n"
            for n in range(tests)
        ),
        "trivial": "".join(f"def test_{n:04}():\n    assert True\n\n\n" for n in range(tests)),
    }
    if importlib.util.find_spec("responses") is None:
        del found["responses"]
    if importlib.util.find_spec("pytest_httpserver") is None:
        del found["httpserver"]
    return found


def write_project(project: Path, collection: Path, tests: int) -> list[str]:
    """Write the suite's test files and pytest.ini into `project`, with the bytecode and
    assertion-rewrite caches warm, as users have them; the tools written."""
    (project / "pytest.ini").write_text(f"[pytest]\npostman_mock_collection = {collection}\n")
    sources = _sources(tests)
    for tool, text in sources.items():
        (project / f"test_{tool}.py").write_text(text)
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--collect-only", "-p", "no:randomly"],
        cwd=project,
        capture_output=True,
        timeout=900,
        check=False,
        env=as_users_run(),
    )
    return list(sources)


def _run(folder: Path, test_file: str) -> tuple[float, float]:
    return pytest_seconds(folder, test_file, "-p", "no:randomly")


def run(folder: Path, repeats: int, tests: int = TESTS) -> dict[str, Any]:
    """Fastest wall and CPU seconds per tool, and the cost per test above the trivial suite."""
    collection = gen_collections.write(SIZE, folder)
    with tempfile.TemporaryDirectory(prefix="postman-mock-suite-") as name:
        project = Path(name)
        sources = write_project(project, collection, tests)
        runs: dict[str, list[tuple[float, float]]] = {tool: [] for tool in sources}
        for _ in range(repeats):
            for tool in sources:
                runs[tool].append(_run(project, f"test_{tool}.py"))
    best = {tool: (min(w for w, _ in r), min(c for _, c in r)) for tool, r in runs.items()}
    floor_wall, floor_cpu = best["trivial"]
    return {
        "tests": tests,
        "calls": CALLS,
        "tools": {
            tool: {
                "wall_s": wall,
                "cpu_s": cpu,
                "per_test_wall_ms": (wall - floor_wall) / tests * 1000,
                "per_test_cpu_ms": (cpu - floor_cpu) / tests * 1000,
            }
            for tool, (wall, cpu) in best.items()
        },
    }


if __name__ == "__main__":
    import json

    with tempfile.TemporaryDirectory() as where:
        print(json.dumps(run(Path(where), int(sys.argv[1]) if len(sys.argv) > 1 else 1), indent=1))
