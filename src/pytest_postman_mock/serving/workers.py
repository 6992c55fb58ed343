"""Threads kept for the next connection: waking a waiting thread costs about half as
much as starting one.

Each connection is served in a thread of its own, and a test's `requests.get` opens a
new connection for every call. So a thread that has served its connection waits a
little (`KEEP_SECONDS`) for the next one instead of ending; at most `MOST_KEPT` wait at
once, the most recently finished first (its memory is the warmest). `close` lets every
waiting thread end; a busy one ends once its connection does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

KEEP_SECONDS = 5.0
MOST_KEPT = 16

Job = Callable[[], None]


class _Slot:
    """A waiting thread's mailbox: the job it is handed, and the lock that wakes it."""

    __slots__ = ("job", "wake")

    def __init__(self) -> None:
        self.job: Job | None = None
        self.wake = threading.Lock()
        self.wake.acquire()


class Workers:
    """Runs each job in a kept thread, or in a new one when none is waiting."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._lock = threading.Lock()
        self._waiting: list[_Slot] = []
        self._closed = False

    def run(self, job: Job) -> None:
        """Run `job` in a thread (`RuntimeError` when no thread can be started)."""
        with self._lock:
            slot = self._waiting.pop() if self._waiting else None
        if slot is not None:
            slot.job = job
            slot.wake.release()
            return
        slot = _Slot()
        slot.job = job  # through the slot: in the thread's arguments it, and the connection
        # it serves, would be kept for as long as the thread lives
        threading.Thread(target=self._work, args=(slot,), name=self._name, daemon=True).start()

    @property
    def waiting(self) -> int:
        """Threads waiting for a job now."""
        return len(self._waiting)

    def close(self) -> None:
        """Wake every waiting thread with no job, so that it ends; keep none from now on."""
        with self._lock:
            self._closed = True
            waiting, self._waiting = self._waiting, []
        for slot in waiting:
            slot.wake.release()

    def _work(self, slot: _Slot) -> None:
        job, slot.job = slot.job, None
        while job is not None:
            job()  # the server's job handles its own errors
            job = None
            with self._lock:
                if self._closed or len(self._waiting) >= MOST_KEPT:
                    return
                self._waiting.append(slot)
            if not slot.wake.acquire(timeout=KEEP_SECONDS):
                with self._lock:
                    if slot in self._waiting:  # nobody handed it a job: end
                        self._waiting.remove(slot)
                        return
                slot.wake.acquire()  # handed one just as the wait ran out: it is coming
            job, slot.job = slot.job, None
