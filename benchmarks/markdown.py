"""The goals and figures of one benchmark run as Markdown tables, written into the pages.

    python benchmarks/markdown.py benchmarks/results/quick-....json          # print it
    python benchmarks/markdown.py benchmarks/results/quick-....json --write  # README, docs

`README.md` holds the goal table and `docs/performance.md` that and the figures by
collection size, each between two marker comments; `--write` replaces what is between
them, so the pages show one run's figures, as `run.py` measured them, and nothing
typed by hand.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOALS, FIGURES = "benchmark-goals", "benchmark-figures"
PAGES = {ROOT / "README.md": (GOALS,), ROOT / "docs" / "performance.md": (GOALS, FIGURES)}
"""Which blocks each page holds, between `<!-- NAME:start -->` and `<!-- NAME:end -->`."""
RUNS = {"full": "run.py", "quick": "run.py --quick"}
"""The command of each plan."""
SERVERS = (
    ("ours", "pytest-postman-mock, `MockServer` (call log on)"),
    ("httpserver", "pytest-httpserver (a handler per request, scanned in order)"),
    ("prism", "Prism (`-v error`, same collection)"),
    ("plms", "PLMS, Postman's local mock server (same collection)"),
    ("werkzeug", "bare Werkzeug threaded server, fixed body"),
    ("werkzeug-keepalive", "fixed body behind our connection handler"),
    ("raw", "raw asyncio socket, fixed bytes (the machine)"),
)
ENGINE_ROWS = (
    ("all hot kinds", "engine p50, usual requests (match + render)"),
    ("var + unsaved query", "engine p50, path variable + a query no example saved"),
    ("typo (tier 70)", "engine p50, typo (document distance, tier 70)"),
    ("unmatched 404", "engine p50, unmatched 404 with near misses"),
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def table(results: dict[str, Any]) -> str:
    """The run's machine line and its goals: target, bound, measured, pass or miss."""
    machine = results["machine"]
    versions = machine.get("versions", {})
    peers = ", ".join(
        f"{name} {versions[name]}"
        for name in ("prism", "plms", "pytest-httpserver")
        if name in versions
    )
    lines = [
        f"One `{RUNS[results['plan']['mode']]}` run, {machine['date']}: {machine['cores']} "
        f"cores (load average {machine['load_average']:.1f} at its start), Python "
        f"{machine['python']}, {machine['wrk'] or 'no wrk'}, {peers}; "
        f"{results['elapsed_s']:.0f} s.",
        "",
        "| goal | target | measured | result |",
        "|---|---|---|---|",
    ]
    for goal in results["targets"]:
        name = goal["target"]
        if not name.startswith("goal: "):
            continue
        ratio = f" ({goal['ratio']:.2f}x)" if goal["ratio"] is not None else ""
        note = f"; {goal['note']}" if goal["note"] else ""
        lines.append(
            f"| {_cell(name.removeprefix('goal: '))} | {_cell(goal['bound'])} "
            f"| {_cell(goal['measured'] + ratio + note)} | {'pass' if goal['passed'] else 'miss'} |"
        )
    for name, why in results.get("unavailable", {}).items():
        lines.append(f"| {_cell(name)}: not measured | | {_cell(why.splitlines()[0])} | |")
    missed = [
        goal["target"].removeprefix("goal: ")
        for goal in results["targets"]
        if goal["target"].startswith("goal: ") and not goal["passed"]
    ]
    lines += ["", f"Missed in this run: {'; '.join(missed)}." if missed else "Every goal met."]
    return "\n".join(lines)


def _us(value: float) -> str:
    return f"{value / 1000:,.2f} ms" if value >= 1000 else f"{value:,.1f} µs"


def figures(results: dict[str, Any]) -> str:
    """The run's figures by collection size: engine, servers, start-up, memory, tail."""
    sizes = sorted(int(size) for size in results["collections"])
    lines = [
        "| | " + " | ".join(f"{size:,} requests" for size in sizes) + " |",
        "|---" * (len(sizes) + 1) + "|",
    ]

    def row(label: str, cells: dict[int, str]) -> None:
        if cells:
            lines.append(f"| {label} | " + " | ".join(cells.get(s, "") for s in sizes) + " |")

    engine = {int(size): kinds for size, kinds in results["engine"].items()}
    for kind, label in ENGINE_ROWS:
        row(label, {s: _us(k[kind]["p50_us"]) for s, k in engine.items() if kind in k})
    servers = results["server"]
    for name, label in SERVERS:
        row(
            f"{label}: requests/s (server CPU per request)",
            {
                r["size"]: f"{r['rps']:,.0f} ({r['cpu_us_per_request']:,.0f} µs)"
                for r in servers
                if r["server"] == name
            },
        )
    tail = {int(size): t for size, t in results.get("tail", {}).items()}
    row(
        "`serve --quiet`, 16 connections: p50 / p99",
        {s: f"{t['p50_ms']:.1f} / {t['p99_ms']:.1f} ms" for s, t in tail.items()},
    )
    startup = {int(size): t for size, t in results["startup"].items()}
    row(
        "start-up: load + index + first answer",
        {s: f"{t['total_s']:.3f} s" for s, t in startup.items()},
    )
    by_size = {r["examples"]: r for r in results["memory"]}
    row(
        "idle memory of the built server",
        {
            int(s): f"{by_size[n]['idle_mb']:.1f} MB"
            for s, n in results["collections"].items()
            if n in by_size
        },
    )
    return "\n".join(lines)


def write(blocks: dict[str, str], page: Path, names: tuple[str, ...]) -> None:
    """Replace each named block between its markers in `page`."""
    content = page.read_text(encoding="utf-8")
    for name in names:
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        found = re.search(re.escape(start) + r".*?" + re.escape(end), content, re.DOTALL)
        if found is None:
            raise SystemExit(f"{page}: no {start} ... {end} block to fill")
        filled = f"{start}\n{blocks[name]}\n{end}"
        content = content[: found.start()] + filled + content[found.end() :]
    page.write_text(content, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="a JSON file run.py wrote")
    parser.add_argument("--write", action="store_true", help="fill README.md and the docs page")
    args = parser.parse_args(argv)
    results = json.loads(args.results.read_text(encoding="utf-8"))
    blocks = {GOALS: table(results), FIGURES: figures(results)}
    if not args.write:
        print("\n\n".join(blocks.values()))
        return 0
    for page, names in PAGES.items():
        write(blocks, page, names)
    return 0


if __name__ == "__main__":
    sys.exit(main())
