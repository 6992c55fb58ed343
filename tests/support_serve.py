"""Helpers for tests that run `postman-mock serve` as a process and change its files."""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from pathlib import Path


class Lines:
    """Lines of a process's stream, read in a thread, so a test can wait for one."""

    def __init__(self, stream: object) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self._queue.put(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            found = next((line for line in self.seen if text in line), None)
            if found is not None:
                return found
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no line with {text!r} in {self.seen!r}")
            with contextlib.suppress(queue.Empty):
                self.seen.append(self._queue.get(timeout=left))


def write_module(path: Path, source: str) -> None:
    """Write the file and move its mtime forward, so a change is never hidden by the clock."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(source, encoding="utf-8")
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))
