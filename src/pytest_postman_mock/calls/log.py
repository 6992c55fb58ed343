"""The call log: every request the mock saw, what it answered, and why.

A `Journal` belongs to one server and is shared by its handler threads: it is
bounded (the oldest calls are dropped, and counted, past `max_calls`), and a
call is appended before its response leaves the server, so a client that has
its answer can always find its call in the log. `CallLog` is a read-only,
filterable view, used both for a whole session and for one test.
"""

from __future__ import annotations

import fnmatch
import functools
import logging
import re
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Callable, overload
from urllib.parse import unquote, urlencode

from ..engine import paths
from ..engine.bodies import parse_json
from ..engine.near_misses import NearMiss
from ..frozen import quick_init
from .kinds import Kind
from .redaction import Redactor

logger = logging.getLogger("pytest_postman_mock")


@quick_init  # one per request: see frozen.py
@dataclass(frozen=True)
class Call:
    """One request to the mock and the response it got (Postman's call-log row, richer)."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...]
    body: bytes
    status: int
    response_headers: tuple[tuple[str, str], ...]
    response_body: bytes
    example: str | None
    matched: bool
    time: datetime
    duration_ms: float = 0.0
    score: float | None = None
    near_misses: tuple[NearMiss, ...] = ()
    test_id: str | None = None
    error: str | None = None
    """A traceback summary when the server itself failed on this call."""
    notes: tuple[str, ...] = ()
    """Things the server ignored or decided on the way (a bad control header, ...)."""
    request_name: str | None = None
    kind: Kind = Kind.MATCHED
    raw_path: str = ""
    """The path as sent, still percent-encoded (`path` is decoded)."""
    scenario: str | None = None
    """The scenario active for this call (a server's, a test's, or `x-mock-scenario`)."""
    seq: int = field(default=0, compare=False)
    request_label: str | None = None
    """The matched request's full name, `Folder / Request` (request names may repeat)."""
    example_label: str | None = None
    """The served example's full name, `Folder / Request / Example`."""
    fuzzy: bool = False
    """Served only by document distance (path score 70): strict mode fails the test for it
    unless `allow_fuzzy` is set."""

    def __repr__(self) -> str:
        """The dataclass repr with secret headers (and their echoes) as `[redacted]`: pytest
        prints it in assertion failures, which end up in CI logs. The fields keep them."""
        shown = Redactor().call(self)
        values = ", ".join(f"{f.name}={getattr(shown, f.name)!r}" for f in fields(self) if f.repr)
        return f"Call({values})"

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The request body parsed as JSON (raises ValueError when it is not JSON, or nests
        deeper than the engine reads JSON: `MAX_JSON_DEPTH`)."""
        return parse_json(self.text)

    @property
    def response_text(self) -> str:
        return self.response_body.decode("utf-8", errors="replace")

    def header(self, name: str) -> str | None:
        """A request header by case-insensitive name (first value)."""
        wanted = name.lower()
        return next((v for k, v in self.headers if k.lower() == wanted), None)

    def query_values(self, key: str) -> list[str]:
        """Every value of a query key, in order."""
        return [v for k, v in self.query if k == key]

    @property
    def full_path(self) -> str:
        return self.path + ("?" + urlencode(self.query) if self.query else "")

    @property
    def outcome(self) -> str:
        """What answered: the example's name in quotes, else how the call's kind reads."""
        return f'"{self.example}"' if self.example else self.kind.label

    def summary(self) -> str:
        """`GET /users/7 -> 200 "User found"`: the one way every report writes a call."""
        return f"{self.method} {self.full_path} -> {self.status} {self.outcome}"


@functools.lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A path glob as a regex: `*` and `?` stay inside one segment, `**` spans any number
    of them (`/users/*` is `/users/1`, not `/users/1/orders`; `/users/**` is both)."""
    parts = re.split(r"(\*\*|\*|\?|\[[^\]/]*\])", pattern)
    regex = []
    for part in parts:
        if part == "**":
            regex.append(".*")
        elif part == "*":
            regex.append("[^/]*")
        elif part == "?":
            regex.append("[^/]")
        elif part.startswith("[") and part.endswith("]") and len(part) > 2:
            regex.append(fnmatch.translate(part)[4:-3])
        else:
            regex.append(re.escape(part))
    return re.compile("".join(regex), re.DOTALL)


def path_matches(pattern: str, path: str) -> bool:
    """Exact path, a template with `:name`/`{{name}}` segments, or a glob: `*` is one
    segment (or part of one), `**` any number (`/users/**`).

    `path` is as sent, still percent-encoded, so that an encoded slash (`%2F`) stays
    inside its segment, as it does for the matcher.
    """
    decoded = unquote(path)
    if pattern in (path, decoded):
        return True
    if any(ch in pattern for ch in "*?["):
        return glob_regex(pattern).fullmatch(decoded) is not None
    wanted = paths.split(pattern)
    given = paths.split(path)
    if len(wanted) != len(given):
        return False
    for part, segment in zip(wanted, given):
        parsed = paths.parse_segment(part)
        if isinstance(parsed, str):
            if parsed != segment:
                return False
        elif parsed.capture(segment) is None:
            return False
    return True


def path_captures(pattern: str, path: str) -> dict[str, str]:
    """The values a template's `:name` / `{{name}}` segments take from `path` (as sent)."""
    wanted, given = paths.split(pattern), paths.split(path)
    found: dict[str, str] = {}
    if len(wanted) != len(given):
        return found
    for part, segment in zip(wanted, given):
        parsed = paths.parse_segment(part)
        if isinstance(parsed, paths.Wildcard):
            found.update(parsed.capture(segment) or {})
    return found


class CallLog(Sequence[Call]):
    """A read-only, filterable list of calls, oldest first."""

    def __init__(self, calls: Sequence[Call]) -> None:
        self._calls = list(calls)

    @overload
    def __getitem__(self, index: int) -> Call: ...
    @overload
    def __getitem__(self, index: slice) -> CallLog: ...
    def __getitem__(self, index: int | slice) -> Call | CallLog:
        if isinstance(index, slice):
            return CallLog(self._calls[index])
        return self._calls[index]

    def __len__(self) -> int:
        return len(self._calls)

    def __iter__(self) -> Iterator[Call]:
        return iter(self._calls)

    def __repr__(self) -> str:
        return f"CallLog({[c.summary() for c in self._calls]!r})"

    def __eq__(self, other: object) -> bool:
        """Equal to any sequence of the same calls, so `assert calls == []` reads naturally."""
        if isinstance(other, (CallLog, list, tuple)):
            return self._calls == list(other)
        return NotImplemented

    @property
    def last(self) -> Call | None:
        return self._calls[-1] if self._calls else None

    @property
    def call_count(self) -> int:
        return len(self._calls)

    @property
    def unmatched(self) -> CallLog:
        """Calls that got Postman's 404 because no example fit (not overrides or outages)."""
        return CallLog([c for c in self._calls if c.kind == Kind.UNMATCHED])

    def filter(
        self,
        method: str | None = None,
        path: str | None = None,
        *,
        example: str | None = None,
        status: int | None = None,
        matched: bool | None = None,
        kind: str | None = None,
        where: Callable[[Call], bool] | None = None,
    ) -> CallLog:
        """Calls that fit every given criterion (path: exact, `/users/:id` or a glob).

        `path` is the path alone; the query is in `Call.query`.
        """

        def keep(call: Call) -> bool:
            return (
                (method is None or call.method == method.upper())
                and (path is None or path_matches(path, call.raw_path or call.path))
                and (example is None or call.example == example)
                and (status is None or call.status == status)
                and (matched is None or call.matched == matched)
                and (kind is None or call.kind == kind)
                and (where is None or where(call))
            )

        return CallLog([c for c in self._calls if keep(c)])

    def search(self, text: str) -> CallLog:
        """Case-insensitive search over method, path, example and both bodies, like Postman's."""
        needle = text.lower()
        return CallLog(
            [
                c
                for c in self._calls
                if needle
                in " ".join(
                    (c.method, c.full_path, c.example or "", c.text, c.response_text)
                ).lower()
            ]
        )


class Journal:
    """A thread-safe, bounded log of calls with listeners and a way to wait for calls."""

    def __init__(self, max_calls: int = 10_000) -> None:
        self._calls: deque[Call] = deque(maxlen=max_calls)
        self._by_test: dict[str | None, deque[Call]] = {}
        """The same calls by test, so a test's calls are found without a pass over all."""
        self._mutex = threading.RLock()  # re-entrant: a `wait_for` predicate may read the log
        self._lock = threading.Condition(self._mutex)
        """Waiting for calls; `append` holds the lock itself (a `Condition`'s own `with`
        is two Python calls more per request)."""
        self._seq = 0
        self._waiting = 0
        """Threads in `wait_for`: a call wakes them only when there are any."""
        self.dropped = 0
        self.listeners: list[Callable[[Call], None]] = []

    def append(self, call: Call) -> Call:
        """Record a call (numbered in arrival order) and tell the listeners."""
        calls = self._calls
        with self._mutex:
            self._seq += 1
            object.__setattr__(call, "seq", self._seq)
            if len(calls) == calls.maxlen:
                self.dropped += 1
                if calls:
                    self._forget(calls[0])
            if calls.maxlen != 0:  # a cap of 0 keeps nothing
                calls.append(call)
                own = self._by_test.get(call.test_id)
                if own is None:
                    own = self._by_test[call.test_id] = deque()
                own.append(call)
            if self._waiting:
                self._lock.notify_all()
        return self._told(call) if self.listeners else call

    def _forget(self, oldest: Call) -> None:
        """Drop the oldest call from its test's calls too (it is that test's oldest)."""
        own = self._by_test[oldest.test_id]
        own.popleft()
        if not own:
            del self._by_test[oldest.test_id]

    def _told(self, call: Call) -> Call:
        """Tell the listeners (outside the lock: a listener may read the log)."""
        for listener in list(self.listeners):
            try:
                listener(call)
            except Exception as problem:  # a listener must not cost the client its response
                logger.exception("postman_mock: a call-log listener failed on %s", call.summary())
                note = f"a call-log listener failed: {type(problem).__name__}: {problem}"
                object.__setattr__(call, "notes", (*call.notes, note))
        return call

    @property
    def total(self) -> int:
        """Calls ever recorded, including those dropped past the cap."""
        return self._seq

    def snapshot(self, test_id: str | None = None) -> CallLog:
        """Every logged call, or those of one test."""
        with self._lock:
            if test_id is None:
                return CallLog(self._calls)
            return CallLog(self._by_test.get(test_id, ()))

    def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Block until `predicate()` holds (re-checked on each new call) or `timeout` passes."""
        with self._lock:
            self._waiting += 1
            try:
                return self._lock.wait_for(predicate, timeout)
            finally:
                self._waiting -= 1

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()
            self._by_test.clear()
