"""Benchmarks of pytest-postman-mock beside its peers, measured in one run, printed as ratios.

    python benchmarks/run.py --quick     # under 2 minutes on 2 cores
    python benchmarks/run.py             # every size, longer runs (about 10 minutes)

The machine is shared and noisy, so nothing here is compared with a number
from another run: every ratio has both sides measured now, side by side
(servers alternate round after round; engine sizes alternate too). Results go
to stdout as a table and to benchmarks/results/ as JSON. Servers bind
127.0.0.1 only, and every load run stops by itself.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import engine_bench  # noqa: E402
import gen_collections  # noqa: E402
import load  # noqa: E402
import peers  # noqa: E402
import report  # noqa: E402
import startup  # noqa: E402
import suite  # noqa: E402

import memory  # noqa: E402

KEEPALIVE_CHECK = 50
"""Sequential requests sent on one client to see whether the server keeps the connection."""


@dataclass(frozen=True)
class Plan:
    """How much of everything to measure."""

    mode: str
    sizes: tuple[int, ...]
    server_sizes: tuple[int, ...]
    scan_peer_sizes: tuple[int, ...]
    engine_rounds: int
    engine_budget_s: float
    cold_max_size: int
    server_rounds: int
    server_seconds: float
    connections: int
    startup_repeats: int
    fixture_tests: int
    fixture_repeats: int
    memory_runs: tuple[tuple[int, int, int], ...]
    """(collection size, calls, call-log cap) per memory run; the largest collection gets
    100,000 calls at the default cap 10,000."""
    tail_sizes: tuple[int, ...]
    """`postman-mock serve --quiet` at these sizes under `TAIL_CONNECTIONS` connections,
    for p99 / p50."""
    tail_rounds: int
    tail_seconds: float
    suite_tests: int
    suite_repeats: int


QUICK = Plan(
    mode="quick",
    sizes=(10, 100, 1_000, 10_000),
    server_sizes=(10, 100, 1_000),
    scan_peer_sizes=(10, 1_000),
    engine_rounds=3,
    engine_budget_s=0.12,
    cold_max_size=10_000,
    server_rounds=3,
    server_seconds=1.0,
    connections=4,
    startup_repeats=3,
    fixture_tests=500,
    fixture_repeats=2,
    memory_runs=((10_000, 30_000, 10_000), (100, 20_000, 1_000)),
    tail_sizes=(10, 10_000),
    tail_rounds=3,
    tail_seconds=1.5,
    suite_tests=100,
    suite_repeats=1,
)
FULL = Plan(
    mode="full",
    sizes=(10, 100, 1_000, 10_000),
    server_sizes=(10, 100, 1_000, 10_000),
    scan_peer_sizes=(10, 100, 1_000, 10_000),
    engine_rounds=5,
    engine_budget_s=1.0,
    cold_max_size=10_000,
    server_rounds=5,
    server_seconds=3.0,
    connections=4,
    startup_repeats=5,
    fixture_tests=1_000,
    fixture_repeats=3,
    memory_runs=((10_000, 100_000, 10_000), (100, 100_000, 1_000)),
    tail_sizes=(10, 10_000),
    tail_rounds=3,
    tail_seconds=5.0,
    suite_tests=suite.TESTS,
    suite_repeats=3,
)
TAIL_CONNECTIONS = 16


def machine() -> dict[str, Any]:
    wrk = None
    if load.wrk_available():
        done = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
        wrk = (done.stdout or done.stderr).split("[")[0].strip()
    return {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "load_average": os.getloadavg()[0],
        "wrk": wrk,
        "versions": peers.versions(),
    }


def npm_peers(no_prism: bool, no_plms: bool, say: report.Progress) -> dict[str, str]:
    """Why Prism or PLMS cannot run (skipped, or not installable here), by name."""
    problems = {}
    for name, skip, ready in (
        ("prism", no_prism, peers.prism_ready),
        ("plms", no_plms, peers.plms_ready),
    ):
        if skip:
            problems[name] = f"skipped (--no-{name})"
            continue
        say(f"checking for {name} (npm)")
        problem = ready()
        if problem is not None:
            problems[name] = problem
    return problems


def server_lineup(
    plan: Plan, collections: dict[int, Path], problems: dict[str, str]
) -> list[tuple[peers.Peer, int]]:
    """(peer, size) pairs: ours at every size, the scanning peers at some, bare Werkzeug once."""
    lineup = [(peers.python_peer("ours", s, collections[s]), s) for s in plan.server_sizes]
    first = plan.server_sizes[0]
    lineup.append((peers.python_peer("werkzeug", first), first))
    lineup.append((peers.python_peer("werkzeug-keepalive", first), first))
    lineup.append((peers.python_peer("raw", first), first))
    lineup += [(peers.python_peer("httpserver", s), s) for s in plan.scan_peer_sizes]
    if "prism" not in problems:
        lineup += [(peers.prism_peer(collections[s]), s) for s in plan.scan_peer_sizes]
    if "plms" not in problems:
        lineup += [(peers.plms_peer(collections[s]), s) for s in plan.scan_peer_sizes]
    return lineup


def measure_servers(
    lineup: list[tuple[peers.Peer, int]], plan: Plan, use_wrk: bool
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Every ready server, `server_rounds` times in turn; the median run of each is kept."""
    unavailable: dict[str, str] = {}
    ready: list[tuple[peers.Peer, int, str]] = []
    for peer, size in lineup:
        target = gen_collections.last_endpoint(size).target
        try:
            peer.ready(target)
            ready.append((peer, size, peer.url + target))
        except peers.PeerUnavailable as problem:
            unavailable[f"{peer.name}@{size}"] = str(problem)
    connections = {}
    for i, (_peer, _size, url) in enumerate(ready):  # warm-up: first connections, JITs, caches
        load.run_python(url, 0.3, plan.connections)
        connections[i] = load.connections_for(url, KEEPALIVE_CHECK)
    runs: dict[int, list[tuple[load.LoadResult, float]]] = {i: [] for i in range(len(ready))}
    for round_number in range(plan.server_rounds):
        # forwards, then backwards: neighbours stay neighbours (for same-round ratios),
        # and no server is always the first after a pause
        order = range(len(ready)) if round_number % 2 == 0 else range(len(ready) - 1, -1, -1)
        for i in order:
            peer, _size, url = ready[i]
            cpu_before = peer.cpu_seconds()
            result = load.run_load(url, plan.server_seconds, plan.connections, use_wrk)
            cpu_us = (peer.cpu_seconds() - cpu_before) / max(1, result.requests) * 1e6
            runs[i].append((result, cpu_us))
    rows = []
    for i, (peer, size, url) in enumerate(ready):
        ordered = sorted(runs[i], key=lambda r: r[0].rps)
        median = ordered[len(ordered) // 2][0]
        rates = [r.rps for r, _ in runs[i]]
        rows.append(
            {
                "server": peer.name,
                "size": size,
                "url": url,
                **median.as_dict(),
                "rps_runs": rates,
                "rps_spread": (max(rates) - min(rates)) / median.rps if median.rps else 0.0,
                "cpu_us_per_request": statistics.median(cpu for _, cpu in runs[i]),
                "cpu_runs": [cpu for _, cpu in runs[i]],
                "connections_per_50": connections[i],
            }
        )
    return rows, unavailable


def measure_tail(tail: list[tuple[peers.Peer, int]], plan: Plan, use_wrk: bool) -> dict[int, Any]:
    """p50 and p99 of ours under `TAIL_CONNECTIONS` connections per size, sizes in turn;
    the round with the median p99 / p50 of each size is kept."""
    ready = []
    for peer, size in tail:
        target = gen_collections.last_endpoint(size).target
        try:
            ready.append((size, peer.ready(target).url + target))
        except peers.PeerUnavailable:
            continue
    runs: dict[int, list[load.LoadResult]] = {size: [] for size, _ in ready}
    for _size, url in ready:
        load.run_load(url, 1.0, TAIL_CONNECTIONS, use_wrk)  # warm-up
    for _ in range(plan.tail_rounds):
        for size, url in ready:
            runs[size].append(load.run_load(url, plan.tail_seconds, TAIL_CONNECTIONS, use_wrk))
    found = {}
    for size, results in runs.items():
        ordered = sorted(results, key=lambda r: r.p99_ms / r.p50_ms if r.p50_ms else 0.0)
        median = ordered[len(ordered) // 2]
        found[size] = {**median.as_dict(), "ratio_runs": [r.p99_ms / r.p50_ms for r in ordered]}
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer sizes, shorter runs")
    parser.add_argument("--load", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--no-prism", action="store_true", help="skip Prism (npx)")
    parser.add_argument("--no-plms", action="store_true", help="skip PLMS (npm, node)")
    parser.add_argument("--out", type=Path, help="JSON file (default: benchmarks/results/)")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    use_wrk = args.load == "wrk" or (args.load == "auto" and load.wrk_available())
    if args.load == "wrk" and not load.wrk_available():
        parser.error("wrk is not installed (apt-get install wrk), use --load python")
    began = time.perf_counter()
    say = report.Progress(began)
    results: dict[str, Any] = {"machine": machine(), "plan": asdict(plan)}
    results["machine"]["load_tool"] = "wrk" if use_wrk else "python"

    with tempfile.TemporaryDirectory(prefix="postman-mock-bench-") as folder:
        say("generating collections")
        collections = {s: gen_collections.write(s, Path(folder)) for s in plan.sizes}
        results["collections"] = {s: gen_collections.example_count(s) for s in plan.sizes}
        problems = npm_peers(args.no_prism, args.no_plms, say)
        say("starting servers, and the memory runs meanwhile (neither is timed)")
        lineup = server_lineup(plan, collections, problems)
        memory_runs = [
            memory.launch(collections[size], gen_collections.last_endpoint(size).target, calls, cap)
            for size, calls, cap in plan.memory_runs
        ]
        tail = [(peers.serve_peer(collections[s]), s) for s in plan.tail_sizes]
        for peer, _ in lineup + tail:
            peer.launch()
        try:
            results["memory"] = [memory.collect(p) for p in memory_runs]
            say("engine: match + render per request")
            timings = engine_bench.run(
                collections, plan.engine_rounds, plan.engine_budget_s, plan.cold_max_size
            )
            results["engine"] = {
                s: {k: asdict(t) for k, t in rows.items()} for s, rows in timings.items()
            }
            say(f"servers: {'wrk' if use_wrk else 'python load'} against each, in turn")
            results["server"], unavailable = measure_servers(lineup, plan, use_wrk)
            say(f"tail latency: serve --quiet under {TAIL_CONNECTIONS} connections")
            results["tail"] = measure_tail(tail, plan, use_wrk)
        finally:
            for peer, _ in lineup + tail:
                peer.stop()
        unavailable.update(problems)
        results["unavailable"] = unavailable
        say("start-up: fresh processes per size")
        results["startup"] = startup.run(collections, plan.startup_repeats)
        say(f"fixture: {plan.fixture_tests} tests with and without postman_mock")
        results["fixture"] = startup.fixture_overhead(
            collections[plan.sizes[0]], plan.fixture_tests, plan.fixture_repeats
        )
        say(f"suite: {plan.suite_tests} tests x {suite.CALLS} calls, per tool")
        results["suite"] = suite.run(Path(folder), plan.suite_repeats, plan.suite_tests)
    results["machine"]["versions"] = peers.versions()
    results["targets"] = report.targets(results)
    results["elapsed_s"] = time.perf_counter() - began
    print(report.render(results))
    out = args.out or HERE / "results" / f"{plan.mode}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nJSON: {out}   ({results['elapsed_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
