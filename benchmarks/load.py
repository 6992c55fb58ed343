"""Load generators: `wrk` when installed, else a bounded Python one with keep-alive clients.

Both return a `LoadResult`. The Python generator runs its client threads in
this process, so the server under test must run in another one (the GIL would
otherwise share one core between client and server and blur the comparison).
Every run stops by itself: after `duration` seconds or `max_requests` requests.
"""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class LoadResult:
    """Throughput and latency of one load run against one server."""

    tool: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    non_2xx: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _millis(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"unreadable wrk latency {text!r}")
    return float(match.group(1)) * UNITS[match.group(2)]


def parse_wrk(output: str) -> LoadResult:
    """Read requests/s, the 50th/99th latency percentiles and errors from `wrk --latency`."""
    total = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    if not (total and rps and p50 and p99):
        raise ValueError(f"unreadable wrk output:\n{output}")
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return LoadResult(
        tool="wrk",
        requests=int(total.group(1)),
        seconds=_millis(total.group(2) + total.group(3)) / 1000,
        rps=float(rps.group(1)),
        p50_ms=_millis(p50.group(1)),
        p99_ms=_millis(p99.group(1)),
        # wrk counts a server closing after each response as a read error; report, not fail
        errors=sum(int(n) for n in errors.groups()) if errors else 0,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
    )


def run_wrk(url: str, duration: float, connections: int) -> LoadResult:
    """`wrk -t1` (one client thread: the other core is the server's) with keep-alive."""
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--latency",
        "--timeout",
        "5s",
        url,
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 30, check=False
    )
    return parse_wrk(done.stdout)


def _percentile(ordered: list[float], share: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run_python(
    url: str, duration: float, connections: int, max_requests: int = 200_000
) -> LoadResult:
    """Threads that each send GETs over one kept-alive `http.client` connection
    (reconnecting when the server closes it), until the time or count runs out."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    target = parts.path + ("?" + parts.query if parts.query else "")
    latencies: list[list[float]] = [[] for _ in range(connections)]
    counts = {"errors": 0, "non_2xx": 0}
    lock = threading.Lock()
    budget = [max_requests]
    deadline = time.perf_counter() + duration

    def take() -> bool:
        with lock:
            budget[0] -= 1
            return budget[0] >= 0

    def client(mine: list[float]) -> None:
        connection: http.client.HTTPConnection | None = None
        while time.perf_counter() < deadline and take():
            if connection is None:
                connection = http.client.HTTPConnection(host, port, timeout=5)
            started = time.perf_counter()
            try:
                connection.request("GET", target)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                with lock:
                    counts["errors"] += 1
                connection.close()
                connection = None
                continue
            mine.append((time.perf_counter() - started) * 1000)
            if not 200 <= response.status < 400:
                with lock:
                    counts["non_2xx"] += 1
            if response.will_close:
                connection.close()
                connection = None
        if connection is not None:
            connection.close()

    threads = [threading.Thread(target=client, args=(mine,)) for mine in latencies]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(x for mine in latencies for x in mine)
    return LoadResult(
        tool="python",
        requests=len(ordered),
        seconds=elapsed,
        rps=len(ordered) / elapsed if elapsed else 0.0,
        p50_ms=_percentile(ordered, 0.50),
        p99_ms=_percentile(ordered, 0.99),
        errors=counts["errors"],
        non_2xx=counts["non_2xx"],
    )


def connections_for(url: str, requests: int = 50) -> int:
    """How many TCP connections `requests` sequential GETs needed: 1 when the server keeps
    HTTP/1.1 connections alive, `requests` when it closes each one."""
    parts = urlsplit(url)
    target = parts.path + ("?" + parts.query if parts.query else "")
    opened, connection = 0, None
    for _ in range(requests):
        if connection is None:
            connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
            opened += 1
        connection.request("GET", target)
        response = connection.getresponse()
        response.read()
        if response.will_close:
            connection.close()
            connection = None
    if connection is not None:
        connection.close()
    return opened


def run_load(url: str, duration: float, connections: int, use_wrk: bool) -> LoadResult:
    if use_wrk:
        return run_wrk(url, duration, connections)
    return run_python(url, duration, connections)
