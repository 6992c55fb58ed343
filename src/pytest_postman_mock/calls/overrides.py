"""Overrides: a test's own answers, layered over the collection and rolled back after it.

An override is chosen by method and path (exact, a `/users/:id` template or a
glob) or by the name of a request in the collection; it answers with a given
status/JSON/body/headers, with another saved example, or with each of a
sequence of responses in turn; it may be limited to `times` calls and may add
a delay. Ad-hoc routes answer paths the collection does not have. The newest
override that fits a call wins; one that is used up stops answering, and the
collection (or an older override) answers again. A sequence without `times`
serves each response once; with `times`, its last response repeats.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..engine import paths
from ..engine.index import CompiledExample
from ..engine.plans import _UNSET, Rendered, canned
from ..errors import SettingsError
from ..settings import Delay, parse
from .behaviors import DEFAULT, RULE_BEHAVIORS, Behaviors
from .log import path_matches

if TYPE_CHECKING:
    from ..engine.core import Engine


@dataclass(frozen=True)
class Reply:
    """One answer an override gives: a canned response, or a saved example to render."""

    response: Rendered | None = None
    example: CompiledExample | None = None
    delay: Delay = 0
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
        if self.request_name is not None:
            return request_name == self.request_name and (
                self.method is None or self.method == method
            )
        return (self.method is None or self.method == method) and (
            self.path is None or path_matches(self.path, path)
        )

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
        target = (
            f"request {self.request_name!r}"
            if self.request_name
            else (f"{self.method or '*'} {self.path or '*'}")
        )
        return f"override of {target}"


class OverrideSet:
    """The active overrides of one server (the current test's), safe across threads."""

    def __init__(self) -> None:
        self._rules: list[Override] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
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
    ) -> tuple[Override, Reply] | None:
        """The reply of the newest rule that fits this call, counting it as used.

        The app asks before matching (`matched` False) and again after it, with the
        matched request's name (`matched` True; the default is whether a name is given).
        Before matching, a newer request-name rule that may take the call defers the
        decision to the second question, so that the newest override always wins.
        """
        if matched is None:
            matched = request_name is not None
        with self._lock:
            for rule in reversed(self._rules):
                if rule.exhausted:
                    continue
                if not matched and rule.may_take(method, path):
                    return None
                if not rule.takes(method, path, request_name):
                    continue
                reply = rule.replies[min(rule.used, len(rule.replies) - 1)]
                rule.used += 1
                return rule, reply
        return None


_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
REPLY_KEYS = frozenset({"status", "json", "body", "headers", "example", *RULE_BEHAVIORS})


def _overlaps(template: str, example_path: str) -> bool:
    """Whether a user's path (exact, template or glob) can name an example's path."""
    if path_matches(template, example_path):
        return True
    mine, theirs = paths.split(template), paths.split(example_path)
    if len(mine) != len(theirs):
        return False
    return all(
        isinstance(paths.parse_segment(a), paths.Wildcard)
        or isinstance(paths.parse_segment(b), paths.Wildcard)
        or a.lower() == b.lower()
        for a, b in zip(mine, theirs)
    )


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


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _example_named(engine: Engine, name: str) -> CompiledExample:
    found = engine.index.by_name.get(name)
    if not found:
        names = [c.example.name for c in engine.index.examples]
        raise SettingsError(f"override: no example is named {name!r}{_suggest(name, names)}")
    return found[0]


def _reply(engine: Engine, spec: Mapping[str, Any]) -> Reply:
    unknown = set(spec) - REPLY_KEYS
    if unknown:
        raise SettingsError(
            f"override: unknown response field(s) {sorted(unknown)}; use "
            f"{', '.join(sorted(REPLY_KEYS))}"
        )
    delay = parse("delay", spec.get("delay", 0), "override")
    given = {k: v for k, v in spec.items() if k in RULE_BEHAVIORS and k != "delay"}
    behaviors = DEFAULT.with_values(given, "override", RULE_BEHAVIORS)
    if spec.get("example") is not None:
        extra = set(spec) - {"example", *RULE_BEHAVIORS}
        if extra:
            raise SettingsError(
                f"override: example= serves a saved example as it is; drop {sorted(extra)}"
            )
        example = _example_named(engine, spec["example"])
        return Reply(example=example, delay=delay, behaviors=behaviors)
    response = canned(
        spec.get("status", 200),
        json=spec.get("json", _UNSET),
        body=spec.get("body"),
        headers=spec.get("headers"),
    )
    return Reply(response=response, delay=delay, behaviors=behaviors)


def build(
    engine: Engine,
    selector: str,
    path: str | None = None,
    *,
    times: int | None = None,
    responses: Sequence[Mapping[str, Any]] | None = None,
    adhoc: bool = False,
    **reply: Any,
) -> Override:
    """An `Override` from the words of a test; a selector that names nothing is refused."""
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
        raise SettingsError(f"override: times must be a whole number of calls >= 1, got {times!r}")
    if responses is not None:
        if reply:
            raise SettingsError("override: give responses=[...] or one response, not both")
        if not responses:
            raise SettingsError("override: responses=[...] needs at least one response")
        replies = tuple(_reply(engine, spec) for spec in responses)
    else:
        replies = (_reply(engine, reply),)
    sequence = responses is not None
    if path is None:
        items = engine.collection.items
        names = [item.name for item in items]
        if selector not in names:
            if selector.upper() in METHODS:
                some = next((c for c in engine.index.examples), None)
                path_hint = some.path if some else "/path"
                name_hint = names[0] if names else "Request name"
                raise SettingsError(
                    f"override: {selector!r} needs a path, as in override({selector!r}, "
                    f"{path_hint!r}, ...), or name a request, as in override({name_hint!r}, ...)"
                )
            raise SettingsError(
                f"override: the collection has no request named {selector!r}"
                f"{_suggest(selector, names)}"
            )
        scope = tuple(
            (c.method, c.path) for c in engine.index.examples if c.example.item_name == selector
        )
        return Override(None, None, selector, replies, times, sequence, scope)
    method = selector.upper()
    if not _TOKEN.fullmatch(selector):
        hint = f"; to override the request {selector!r}, give no path" if not adhoc else ""
        raise SettingsError(f"override: {selector!r} is not an HTTP method{hint}")
    if not adhoc:
        own = [c.path for c in engine.index.by_method.get(method, ())]
        if not any(_overlaps(path, p) for p in own):
            everywhere = [c.path for c in engine.index.examples]
            raise SettingsError(
                f"override: no {method} example has a path like {path!r}"
                f"{_suggest(path, own or everywhere)}; use route() for a path the collection "
                "does not have"
            )
    return Override(method, path, None, replies, times, sequence)
