"""Turns: a server's connection threads work on their requests one at a time, first come,
first served.

With a thread per connection, Python hands the interpreter lock from thread to thread
in no particular order: under 16 busy connections on 2 cores some threads wait many
rounds while others go again, and the slowest requests take 5 to 20 times the median.
A `Turnstile` queues the threads that have a request to work on and lets them through
in the order they came; the waiting ones sleep on a lock of their own instead of
competing for the interpreter.

A turn is for work, never for waiting: a thread takes its turn once a request has
arrived, gives it up before sending the answer, and steps `outside()` its turn around
anything that may block or run someone else's code (reading more of the request, a
delay, a proxy, handlers, hooks and listeners). So a slow client, a long delay or a
handler that calls the mock itself never holds up the others.
"""

from __future__ import annotations

import threading
from collections import deque


class _Holding(threading.local):
    turnstile: Turnstile | None = None


_holding = _Holding()
"""The turnstile whose turn this thread holds, if any."""


class Turnstile:
    """A first-come, first-served lock whose holder is known to its thread (`outside`);
    `with turnstile:` holds a turn for the body."""

    __slots__ = ("_busy", "_lock", "_queue")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[threading.Lock] = deque()
        self._busy = False

    def take(self) -> None:
        """Wait for this thread's turn (behind every thread that asked before it).

        Not re-entrant: a thread that holds the turn and asks again would wait for itself.
        """
        if _holding.turnstile is self:
            raise RuntimeError("this thread already holds its turn")
        with self._lock:
            if not self._busy:
                self._busy = True
                _holding.turnstile = self
                return
            ticket = threading.Lock()
            ticket.acquire()
            self._queue.append(ticket)
        ticket.acquire()  # `give` releases it: the turn is handed over, still busy
        _holding.turnstile = self

    def give(self) -> None:
        """End this thread's turn: the longest-waiting thread has the next."""
        _holding.turnstile = None
        with self._lock:
            if self._queue:
                self._queue.popleft().release()
            else:
                self._busy = False

    def __enter__(self) -> None:
        self.take()

    def __exit__(self, *exc_info: object) -> None:
        self.give()

    @property
    def waiting(self) -> int:
        """Threads waiting for a turn now."""
        return len(self._queue)


class _Outside:
    __slots__ = ("_turnstile",)
    _turnstile: Turnstile | None

    def __enter__(self) -> None:
        self._turnstile = _holding.turnstile
        if self._turnstile is not None:
            self._turnstile.give()

    def __exit__(self, *exc_info: object) -> None:
        if self._turnstile is not None:
            self._turnstile.take()


def outside() -> _Outside:
    """`with outside():` runs its body without this thread's turn, if it holds one, and
    takes a new turn after: for what may block, or run code that is not the server's."""
    return _Outside()
