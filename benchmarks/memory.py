"""Resident memory with the call log on: is it bounded by `max_calls`, not by traffic?

Each run is a fresh process (`python memory.py COLLECTION PATH CALLS MAX_CALLS`
prints one JSON line) that calls the mock's WSGI app in-process, CALLS times,
with a real request environ: the same code path as over HTTP, minus the socket,
so that 100,000 calls take seconds. RSS is read when the log first fills up,
halfway through the calls after that, and at the end: with a bounded log the last
half of the calls adds nothing. The collection's idle
footprint is the RSS the built server adds to the interpreter and its imports.
"""

from __future__ import annotations

import gc
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

WARM_UP = 200


def rss_mb() -> float:
    """This process's resident set size, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def measure_once(collection: str, path: str, calls: int, max_calls: int) -> dict[str, Any]:
    from werkzeug.test import EnvironBuilder

    from pytest_postman_mock import MockServer

    gc.collect()
    before = rss_mb()  # the interpreter and the imports, no collection yet
    mock = MockServer(collection, max_calls=max_calls)
    gc.collect()
    idle = rss_mb() - before
    template = EnvironBuilder(
        path=path, headers=[("Host", "127.0.0.1"), ("User-Agent", "bench")]
    ).get_environ()
    statuses: set[str] = set()

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        statuses.add(status)
        return lambda data: None

    def call() -> None:
        environ = dict(template)
        environ["wsgi.input"] = io.BytesIO(b"")
        b"".join(mock.app(environ, start_response))

    for _ in range(WARM_UP):
        call()
    gc.collect()
    base = rss_mb()
    for _ in range(max_calls):
        call()
    gc.collect()
    full = rss_mb()
    rest = calls - max_calls - WARM_UP
    for _ in range(rest // 2):
        call()
    gc.collect()
    middle = rss_mb()  # the log has been full for a while: what follows should add nothing
    for _ in range(rest - rest // 2):
        call()
    gc.collect()
    end = rss_mb()
    return {
        "examples": len(mock.engine.index.examples),
        "idle_mb": idle,
        "calls": mock.journal.total,
        "max_calls": max_calls,
        "logged": len(mock.calls),
        "dropped": mock.journal.dropped,
        "statuses": sorted(statuses),
        "base_mb": base,
        "full_mb": full,
        "end_mb": end,
        "growth_at_cap_mb": full - base,
        "growth_end_mb": end - base,
        "growth_last_half_mb": end - middle,
    }


def launch(collection: Path, path: str, calls: int, max_calls: int) -> subprocess.Popen[str]:
    command = [sys.executable, str(Path(__file__).resolve()), str(collection), path]
    return subprocess.Popen(
        [*command, str(calls), str(max_calls)], stdout=subprocess.PIPE, text=True
    )


def collect(process: subprocess.Popen[str]) -> dict[str, Any]:
    """The result of a run started with `launch` (waits for it)."""
    out, _ = process.communicate(timeout=900)
    if process.returncode != 0:
        raise RuntimeError("the memory benchmark failed")
    return dict(json.loads(out.strip().splitlines()[-1]))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    collection_file, request_path, total, cap = sys.argv[1:5]
    print(json.dumps(measure_once(collection_file, request_path, int(total), int(cap))))
