"""Start-up cost: load, index and first answer per collection size, and the fixture's
cost per test.

Each start-up is measured in a fresh interpreter (run as `python startup.py
COLLECTION`, it prints one JSON line), so no cache of an earlier run helps.
The fixture overhead runs pytest twice on a generated project of 1,000 trivial
tests, with and without the `postman_mock` fixture, and divides the difference.
"""

from __future__ import annotations

import http.client
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PHASES = ("import_s", "load_s", "index_s", "ready_s", "total_s")


def as_users_run() -> dict[str, str]:
    """The environment for a child process as users have it: with bytecode caching on.
    Some environments (CI images among them) turn it off with PYTHONDONTWRITEBYTECODE; a
    pytest run would then compile this project's modules (installed editable, so never
    compiled by pip) and rewrite every test file's asserts each time, a cost that falls
    on ours and not on a peer that pip compiled."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def measure_once(collection: str, probe: str) -> dict[str, float]:
    """In this (fresh) process: import, load the file, build the engine, serve one answer."""
    started = time.perf_counter()
    from pytest_postman_mock import MockServer
    from pytest_postman_mock.collection import load_collection
    from pytest_postman_mock.engine.collector import loading

    imported = time.perf_counter()
    with loading():  # as `MockServer(path)` loads: the collector paused, then frozen
        loaded_collection = load_collection(collection)
        loaded = time.perf_counter()
        server = MockServer(loaded_collection)  # compiles and indexes every example
    indexed = time.perf_counter()
    server.start()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", probe)  # a matched path: a miss would time near misses
    connection.getresponse().read()
    ready = time.perf_counter()
    connection.close()
    server.stop()
    return {
        "import_s": imported - started,
        "load_s": loaded - imported,
        "index_s": indexed - loaded,
        "ready_s": ready - indexed,
        "total_s": ready - imported,  # the collection's own cost; imports are paid once
    }


def probe_for(size: int) -> str:
    import gen_collections

    return gen_collections.last_endpoint(size).target


def run(collections: dict[int, Path], repeats: int) -> dict[int, dict[str, float]]:
    """Median of each phase over `repeats` fresh processes per size (sizes interleaved)."""
    runs: dict[int, list[dict[str, float]]] = {size: [] for size in collections}
    for _ in range(repeats):
        for size, path in collections.items():
            done = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), str(path), probe_for(size)],
                capture_output=True,
                text=True,
                timeout=300,
                check=True,
                env=as_users_run(),
            )
            runs[size].append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {
        size: {phase: statistics.median(r[phase] for r in found) for phase in PHASES}
        for size, found in runs.items()
    }


def _project(folder: Path, collection: Path, tests: int) -> None:
    (folder / "pytest.ini").write_text(
        f"[pytest]\npostman_mock_collection = {collection}\naddopts = -p no:randomly\n"
    )
    with_fixture = "".join(
        f"def test_{n:04}(postman_mock):\n    assert postman_mock.url\n\n\n" for n in range(tests)
    )
    without = "".join(f"def test_{n:04}():\n    assert True\n\n\n" for n in range(tests))
    (folder / "test_with.py").write_text(with_fixture)
    (folder / "test_without.py").write_text(without)


def pytest_seconds(folder: Path, test_file: str, *options: str) -> tuple[float, float]:
    """(wall, CPU) seconds of one pytest run; CPU (user + system, every thread of the
    run) is what the tests cost, wall adds whatever the neighbours took."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options, test_file],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env=as_users_run(),
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"the {test_file} run failed:\n{done.stdout[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def fixture_overhead(collection: Path, tests: int, repeats: int) -> dict[str, float]:
    """Seconds for `tests` tests with and without the fixture (the fastest of `repeats`
    alternating runs each), and the difference per test in milliseconds."""
    with tempfile.TemporaryDirectory(prefix="postman-mock-fixture-") as name:
        folder = Path(name)
        _project(folder, collection, tests)
        with_runs, without_runs = [], []
        for _ in range(repeats):
            without_runs.append(pytest_seconds(folder, "test_without.py"))
            with_runs.append(pytest_seconds(folder, "test_with.py"))
    with_wall, without_wall = min(r[0] for r in with_runs), min(r[0] for r in without_runs)
    with_cpu, without_cpu = min(r[1] for r in with_runs), min(r[1] for r in without_runs)
    return {
        "tests": tests,
        "with_wall_s": with_wall,
        "without_wall_s": without_wall,
        "with_cpu_s": with_cpu,
        "without_cpu_s": without_cpu,
        "per_test_wall_ms": (with_wall - without_wall) / tests * 1000,
        "per_test_cpu_ms": (with_cpu - without_cpu) / tests * 1000,
    }


if __name__ == "__main__":
    print(json.dumps(measure_once(sys.argv[1], sys.argv[2])))
