"""The HTTP layer's cost against another checkout's, side by side, printed as ratios.

    python benchmarks/parser_ratio.py BASELINE [--rounds 5] [--seconds 2]

BASELINE is the root of another checkout of this project (e.g. `git archive <commit>`
unpacked in a temporary folder): its `src` and its `benchmarks/serve_peer.py` run the
baseline servers. Two pairs are measured in alternating rounds on this machine now:
`ours` (the mock on a 100-request collection) and `werkzeug-keepalive` (a fixed-body
app behind the connection handler alone, where the parser is most of the cost).
Ratios are this tree / baseline: throughput above 1 and CPU per request below 1 are
better. Servers bind 127.0.0.1 only, and every run stops by itself.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen_collections  # noqa: E402
import load  # noqa: E402
import peers  # noqa: E402

SIZE = 100
CONNECTIONS = 4


def launch(name: str, script: Path, kind: str, collection: Path, src: Path | None) -> peers.Peer:
    """A peer from `script`, importing the package from `src` when given."""
    command = [sys.executable, str(script), kind, str(SIZE), str(collection)]
    saved = os.environ.get("PYTHONPATH")
    if src is not None:
        os.environ["PYTHONPATH"] = str(src)  # ahead of this tree's editable install
    try:
        return peers.Peer(name, command).launch()
    finally:
        if src is not None:
            if saved is None:
                del os.environ["PYTHONPATH"]
            else:
                os.environ["PYTHONPATH"] = saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("baseline", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--load", choices=("auto", "wrk", "python"), default="auto")
    args = parser.parse_args(argv)
    use_wrk = args.load == "wrk" or (args.load == "auto" and load.wrk_available())
    base = args.baseline.resolve()
    with tempfile.TemporaryDirectory(prefix="postman-mock-parser-") as folder:
        collection = gen_collections.write(SIZE, Path(folder))
        target = gen_collections.last_endpoint(SIZE).target
        lineup = []
        for kind in ("ours", "werkzeug-keepalive"):
            lineup.append(
                launch(f"{kind} (this tree)", HERE / "serve_peer.py", kind, collection, None)
            )
            lineup.append(
                launch(
                    f"{kind} (baseline)",
                    base / "benchmarks" / "serve_peer.py",
                    kind,
                    collection,
                    base / "src",
                )
            )
        try:
            for peer in lineup:
                peer.ready(target)
                load.run_python(peer.url + target, 0.3, CONNECTIONS)  # warm-up
            rates: dict[str, list[float]] = {p.name: [] for p in lineup}
            cpus: dict[str, list[float]] = {p.name: [] for p in lineup}
            for round_number in range(args.rounds):
                order = lineup if round_number % 2 == 0 else lineup[::-1]
                for peer in order:
                    before = peer.cpu_seconds()
                    result = load.run_load(peer.url + target, args.seconds, CONNECTIONS, use_wrk)
                    rates[peer.name].append(result.rps)
                    cpus[peer.name].append(
                        (peer.cpu_seconds() - before) / max(1, result.requests) * 1e6
                    )
        finally:
            for peer in lineup:
                peer.stop()
    print(f"{'server':32} {'req/s':>9} {'CPU us/req':>11}")
    for name in rates:
        rps, cpu = statistics.median(rates[name]), statistics.median(cpus[name])
        print(f"{name:32} {rps:9.0f} {cpu:11.0f}")
    for kind in ("ours", "werkzeug-keepalive"):
        new, old = f"{kind} (this tree)", f"{kind} (baseline)"
        rps = statistics.median(rates[new]) / statistics.median(rates[old])
        cpu = statistics.median(cpus[new]) / statistics.median(cpus[old])
        print(f"{kind}: throughput x{rps:.2f}, CPU per request x{cpu:.2f} (this tree / baseline)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
