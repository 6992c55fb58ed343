"""The full-size reliability run: 32 client threads x 500 mixed requests (endpoints, delays,
overrides), checking that all 16,000 calls are answered right and logged once, each paired
with its own response. It is the suite's tests/test_concurrency.py at full size."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    size = sys.argv[1] if len(sys.argv) > 1 else "32x500"
    env = {**os.environ, "POSTMAN_MOCK_SOAK": size}
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(ROOT / "tests" / "test_concurrency.py"),
        ],
        cwd=ROOT,
        env=env,
        check=False,
    )
    print(
        f"soak {size}: {'passed' if result.returncode == 0 else 'FAILED'} "
        f"in {time.monotonic() - started:.1f} s"
    )
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
