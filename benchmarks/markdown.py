"""The goals of one benchmark run as a Markdown table, written into the pages that show it.

    python benchmarks/markdown.py benchmarks/results/quick-....json          # print it
    python benchmarks/markdown.py benchmarks/results/quick-....json --write  # README, docs

`README.md` and `docs/performance.md` hold the table between two marker comments;
`--write` replaces what is between them, so the pages show one run's figures, as
`run.py` measured them, and nothing typed by hand.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGES = (ROOT / "README.md", ROOT / "docs" / "performance.md")
START, END = "<!-- benchmark-goals:start -->", "<!-- benchmark-goals:end -->"


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
        f"One `run.py --{results['plan']['mode']}` run, {machine['date']}: {machine['cores']} "
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
    return "\n".join(lines)


def write(text: str, page: Path) -> None:
    """Replace the block between the markers of `page` with `text`."""
    content = page.read_text(encoding="utf-8")
    block = re.compile(re.escape(START) + r".*?" + re.escape(END), re.DOTALL)
    if not block.search(content):
        raise SystemExit(f"{page}: no {START} ... {END} block to fill")
    page.write_text(block.sub(lambda _: f"{START}\n{text}\n{END}", content), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="a JSON file run.py wrote")
    parser.add_argument("--write", action="store_true", help="fill README.md and the docs page")
    args = parser.parse_args(argv)
    text = table(json.loads(args.results.read_text(encoding="utf-8")))
    if not args.write:
        print(text)
        return 0
    for page in PAGES:
        write(text, page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
