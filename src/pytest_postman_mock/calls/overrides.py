"""Overrides: a test's own answers, layered over the collection and rolled back after it.

An override is chosen by method and path (exact, a `/users/:id` template or a
glob) or by the name of a request in the collection; it answers with a given
status/JSON/body/headers, with another saved example, or with each of a
sequence of responses in turn; it may be limited to `times` calls and may add
a delay. Ad-hoc routes answer paths the collection does not have. The newest
override that fits a call wins; one that is used up stops answering, and the
collection (or an older override) answers again. A sequence without `times`
serves each response once; with `times`, its last response repeats. A rule may
instead answer with a handler, and may ask for more of a call (`when=` criteria).
Rules are built from a test's words in `building.py`.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Callable

from ..behavior_settings import Delay
from ..engine import paths
from ..engine.index import CompiledExample
from ..engine.plans import Rendered, ResponsePlan
from .behaviors import DEFAULT, Behaviors
from .criteria import Criteria
from .handlers import Handler, describe_handler
from .log import path_matches


@dataclass(frozen=True)
class Reply:
    """One answer an override gives: a canned response, or a saved example to render."""

    response: Rendered | None = None
    example: CompiledExample | None = None
    delay: Delay = 0
    plan: ResponsePlan | None = None
    """`response` with its `{{...}}` compiled, when it has any (rendered per call)."""
    behaviors: Behaviors = DEFAULT
    """Errors, a rate limit or a fault of this reply's own (`fault="reset"`)."""


@dataclass(eq=False)
class Override:
    """A rule of the test's: which calls it takes, and what it answers."""

    method: str | None
    path: str | None
    request_name: str | None
    replies: Sequence[Reply]
    times: int | None = None
    sequence: bool = False
    """Given as `responses=[...]`: without `times`, each is served once, then it is used up."""
    scope: tuple[tuple[str, str], ...] = ()
    """For a request-name rule, its examples' (method, path): calls that may turn out to be it."""
    owner: OverrideSet | None = field(default=None, repr=False)
    used: int = 0
    """How many calls this override has answered."""
    handler: Handler | None = None
    """A function that answers instead of `replies` (returning None falls through)."""
    criteria: Criteria | None = None
    """`when=`: what else a call must have for this rule to answer it."""
    label: str | None = None
    """How the call log names the rule, when not by its selector (a resource's)."""

    @property
    def limit(self) -> int | None:
        """How many calls it answers (None: every one until the test ends)."""
        if self.times is not None:
            return self.times
        return len(self.replies) if self.sequence else None

    @property
    def exhausted(self) -> bool:
        limit = self.limit
        return limit is not None and self.used >= limit

    def may_take(self, method: str, path: str) -> bool:
        """Whether a call, not yet matched, could turn out to be this rule's request."""
        return self.request_name is not None and any(
            method == m and _could_be(path, p) for m, p in self.scope
        )

    def takes(self, method: str, path: str, request_name: str | None) -> bool:
        """`request_name` is the matched request's full label (`Folder / Request`)."""
        if self.request_name is not None:
            return request_name == self.request_name and (
                self.method is None or self.method == method
            )
        return (self.method is None or self.method == method) and (
            self.path is None or path_matches(self.path, path)
        )

    def captures(self, raw_path: str) -> dict[str, str]:
        """The path parameters this rule's template takes from a call's path."""
        if self.path is None or any(ch in self.path for ch in "*?["):
            return {}
        found: dict[str, str] = {}
        for part, segment in zip(paths.split(self.path), paths.split(raw_path)):
            parsed = paths.parse_segment(part)
            if isinstance(parsed, paths.Wildcard):
                found.update(parsed.capture(segment) or {})
        return found

    def remove(self) -> None:
        if self.owner is not None:
            self.owner.remove(self)

    def __enter__(self) -> Override:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.remove()

    def describe(self) -> str:
        if self.label is not None:
            return self.label
        target = (
            f"request {self.request_name!r}"
            if self.request_name
            else (f"{self.method or '*'} {self.path or '*'}")
        )
        if self.handler is not None:
            return f"handler {describe_handler(self.handler)} for {target}"
        return f"override of {target}"


class OverrideSet:
    """The active overrides of one server (the current test's), safe across threads."""

    def __init__(self) -> None:
        self._rules: list[Override] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many rules are active: asked on every call, and one read of a list's length
        needs no lock (what changes the list holds it)."""
        return len(self._rules)

    def add(self, rule: Override) -> Override:
        rule.owner = self
        with self._lock:
            self._rules.append(rule)
        return rule

    def remove(self, rule: Override) -> None:
        with self._lock:
            if rule in self._rules:
                self._rules.remove(rule)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def take(
        self,
        method: str,
        path: str,
        request_name: str | None,
        *,
        matched: bool | None = None,
        accept: Callable[[Override], bool] | None = None,
        tried: Collection[Override] = (),
    ) -> tuple[Override, Reply] | None:
        """The reply of the newest rule that fits this call, counting it as used.

        The app asks before matching (`matched` False) and again after it, with the
        matched request's name (`matched` True; the default is whether a name is given).
        Before matching, a newer request-name rule that may take the call defers the
        decision to the second question, so that the newest override always wins.
        `accept` checks a rule's `when=` criteria (False: skip it); rules in `tried`
        (handlers that fell through) are skipped too.
        """
        if matched is None:
            matched = request_name is not None
        with self._lock:
            for rule in reversed(self._rules):
                if rule.exhausted:
                    continue
                if not matched and rule.may_take(method, path):
                    return None
                if rule in tried or not rule.takes(method, path, request_name):
                    continue
                if accept is not None and rule.criteria is not None and not accept(rule):
                    continue
                reply = rule.replies[min(rule.used, len(rule.replies) - 1)]
                rule.used += 1
                return rule, reply
        return None

    def release(self, rule: Override) -> None:
        """Give back a use a handler took but did not answer (it returned None)."""
        with self._lock:
            rule.used = max(0, rule.used - 1)

    def replace(self, old: Sequence[Override], new: Sequence[Override]) -> None:
        """Swap a group of rules for another at once (a reloaded handlers module)."""
        with self._lock:
            self._rules = [r for r in self._rules if r not in old]
            for rule in new:
                rule.owner = self
                self._rules.append(rule)


def _could_be(path: str, template: str) -> bool:
    """Whether Postman's matcher might serve an example at `template` for a call to `path`.

    Generous on purpose (wildcards, IDs, near-identical words, a trailing slash): it only
    decides whether to wait for the matcher's answer.
    """
    given = paths.strip_slashes(paths.split(path))
    wanted = paths.strip_slashes(paths.split(template))
    if len(given) != len(wanted):
        return False
    for segment, part in zip(given, wanted):
        parsed = paths.parse_segment(part)
        if isinstance(parsed, paths.Wildcard) or (paths.is_id(segment) and paths.is_id(part)):
            continue
        if not paths.similar(segment.lower(), part.lower()):
            return False
    return True
