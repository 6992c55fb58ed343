"""The suite's per-test cost counted in instructions (callgrind), a figure that a busy
shared machine does not move the way it moves CPU seconds.

    python benchmarks/instructions.py [--tests 100]    # needs valgrind (apt-get install valgrind)

The same generated project as `suite.py` (each test makes `suite.CALLS` `requests.get`
calls), one pytest run per tool under `valgrind --tool=callgrind`, two at a time; each
tool's count minus the trivial suite's, per test, and ours over pytest-httpserver's.
Callgrind counts what runs in user space, every thread of the process: the kernel's
share of a connection (accepting it, starting a thread) is not in it.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import gen_collections
import suite
from startup import as_users_run

TOOLS = ("trivial", "ours", "httpserver", "responses")
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def count(project: Path, tool: str) -> int:
    """Instructions of one pytest run of the tool's test file."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    command += [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += ["-p", "no:randomly", f"test_{tool}.py"]
    done = subprocess.run(
        command, cwd=project, capture_output=True, text=True, timeout=1800, env=as_users_run()
    )
    found = _REFS.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"the {tool} run failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return int(found[1].replace(",", ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests", type=int, default=100)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("instructions: valgrind is not installed (apt-get install valgrind)")
        return 1
    with tempfile.TemporaryDirectory(prefix="postman-mock-instructions-") as name:
        project = Path(name)
        collection = gen_collections.write(suite.SIZE, project)
        written = suite.write_project(project, collection, args.tests)
        tools = [tool for tool in TOOLS if tool in written]
        with ThreadPoolExecutor(max_workers=2) as pool:
            counts = dict(zip(tools, pool.map(lambda tool: count(project, tool), tools)))
    floor = counts["trivial"]
    per_test = {tool: (counts[tool] - floor) / args.tests for tool in tools}
    print(f"SUITE  {args.tests} tests x {suite.CALLS} requests.get, instructions per test above")
    print("       the trivial suite (callgrind: user space, every thread)")
    for tool in tools[1:]:
        print(f"  {tool:12} {per_test[tool] / 1e6:8.2f} M")
    if "httpserver" in per_test:
        ratio = per_test["ours"] / per_test["httpserver"]
        print(f"ours / httpserver: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
