"""Where one request's time goes, per function, in microseconds per request.

    python benchmarks/profile_hot_path.py [--size 1000] [--calls 20000] [--kind var]
    python benchmarks/profile_hot_path.py --py-spy [--size 1000]   # needs py-spy and wrk

The default mode calls the WSGI app in-process under cProfile (the mock's own
work, no socket). `--py-spy` profiles the real threaded server under `wrk` load
from outside, sampling only the thread that holds the GIL (`py-spy --gil`):
with one core's worth of Python, that thread's stack is where throughput goes,
transport (http.server, header parsing) included. A plain sample of every
thread would show the threads waiting for the GIL inside socket calls instead.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen_collections  # noqa: E402
import load  # noqa: E402
import peers  # noqa: E402

PATHS = {
    "var": lambda size: f"/api/res{size - 1}/items/42",
    "literal": lambda size: f"/api/res{size - 1}/items/0",
    "var-query": lambda size: f"/api/res{size - 1}/items/42?expand=1",
}


def in_process(collection: Path, target: str, calls: int, top: int) -> None:
    from werkzeug.test import EnvironBuilder

    from pytest_postman_mock import MockServer

    app = MockServer(collection).app
    path, _, query = target.partition("?")
    template = EnvironBuilder(
        path=path, query_string=query, headers=[("Host", "127.0.0.1"), ("User-Agent", "wrk")]
    ).get_environ()

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        return lambda data: None

    def call() -> None:
        environ = dict(template)
        environ["wsgi.input"] = io.BytesIO(b"")
        b"".join(app(environ, start_response))

    for _ in range(min(2_000, calls)):
        call()
    started = time.perf_counter()
    for _ in range(calls):
        call()
    plain_us = (time.perf_counter() - started) / calls * 1e6
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        call()
    profiler.disable()
    stats = pstats.Stats(profiler)
    print(f"{target}: {plain_us:.1f} us per call without the profiler")
    print(f"{'cum us/req':>10} {'own us/req':>10}  function (under cProfile, which inflates)")
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][3], reverse=True)  # type: ignore[attr-defined]
    for (file, line, name), (_, _, own, cumulative, _) in rows[:top]:
        where = f"{Path(file).parent.name}/{Path(file).name}:{line}" if line else file
        print(f"{cumulative / calls * 1e6:>10.1f} {own / calls * 1e6:>10.1f}  {name} ({where})")


def with_py_spy(collection: Path, size: int, target: str, seconds: int, top: int) -> None:
    raw = Path(tempfile.mkdtemp(prefix="postman-mock-spy-")) / "spy.txt"
    with peers.python_peer("ours", size, collection).start(target) as peer:
        assert peer.process is not None
        command = ["py-spy", "record", "--pid", str(peer.process.pid), "--gil", "--nonblocking"]
        command += ["--rate", "500", "--duration", str(seconds + 1), "--format", "raw"]
        spy = subprocess.Popen(
            [*command, "--output", str(raw)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.5)
        result = load.run_wrk(peer.url + target, seconds, 4)
        spy.wait(timeout=seconds + 30)
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        total += int(samples)
        frames = {
            f.split(" (")[0] + " (" + f.split("(")[-1].split(":")[0].split("/")[-1] + ")"
            for f in stack.split(";")
        }
        for frame in frames:
            inclusive[frame] += int(samples)
    us_per_request = 1e6 / result.rps
    print(f"{target}: {result.rps:,.0f} req/s under wrk, {us_per_request:.0f} us per request")
    print(f"{'share':>6} {'us/req':>7}  function holding the GIL (inclusive)")
    for frame, hits in inclusive.most_common(top):
        share = hits / total
        print(f"{share:>6.1%} {share * us_per_request:>7.1f}  {frame}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000)
    parser.add_argument("--kind", choices=sorted(PATHS), default="var")
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--py-spy", action="store_true", help="profile the server under wrk")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="postman-mock-profile-") as folder:
        collection = gen_collections.write(args.size, Path(folder))
        target = PATHS[args.kind](args.size)
        if args.py_spy:
            with_py_spy(collection, args.size, target, args.seconds, args.top)
        else:
            in_process(collection, target, args.calls, args.top)


if __name__ == "__main__":
    main()
