"""Overrides from the words of a test: `override(...)`, `route(...)` and handlers,
checked against the collection so that a selector naming nothing is refused with a
suggestion.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict

from ..behavior_settings import Delay
from ..engine import paths
from ..engine.index import CompiledExample
from ..engine.plans import _UNSET, ResponsePlan, canned
from ..errors import SettingsError, did_you_mean
from ..settings import parse
from . import names
from .behaviors import DEFAULT, RULE_BEHAVIORS, Behaviors
from .criteria import Criteria
from .handlers import Handler, HandlerSpec
from .log import path_matches
from .overrides import Override, Reply

if TYPE_CHECKING:
    from ..engine.core import Engine


_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


class ReplyFields(TypedDict, total=False):
    """How an override answers (all optional): a response of its own, or a saved example."""

    status: int
    json: Any
    body: str | bytes
    headers: Mapping[str, str] | Sequence[tuple[str, str]]
    delay: int | str | Mapping[str, float]
    """Milliseconds, `2g` / `3g`, a range `"100-300"`, or `{"median": 200, "spread": 0.5}`."""
    example: str
    """The name of a saved example to serve instead."""
    error_rate: float
    """The share of calls (0 to 1) answered with an error status instead."""
    error_statuses: Sequence[int]
    """The statuses those errors draw from (default 500, 502, 503, 504)."""
    rate_limit: str
    """At most N calls per window (`"5/min"`); the rest get 429."""
    fault: str
    """A network fault instead of an answer: reset, close, empty, truncate, slow, hang."""
    fault_rate: Mapping[str, float]
    """A share of calls ended by each fault (`{"reset": 0.1}`)."""


REPLY_KEYS = frozenset(ReplyFields.__annotations__)
if {
    "status",
    "json",
    "body",
    "headers",
    "example",
    *RULE_BEHAVIORS,
} != REPLY_KEYS:  # pragma: no cover
    raise AssertionError("ReplyFields must name every reply field and rule behavior")


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


def _example_named(engine: Engine, name: str) -> CompiledExample:
    found = names.one_example(engine, name, "override: example")
    if found is None:
        labels = [c.example.name for c in engine.index.examples]
        raise SettingsError(
            f"override: no example is named {name!r}{did_you_mean(name, labels, cutoff=0.5)}"
        )
    return next(c for c in engine.index.examples if c.example is found)


def rule_behaviors(spec: Mapping[str, Any], origin: str) -> tuple[Delay, Behaviors]:
    """The delay and the other rule behaviors among a rule's (or an answer's) fields."""
    delay = parse("delay", spec.get("delay", 0), origin)
    given = {k: v for k, v in spec.items() if k in RULE_BEHAVIORS and k != "delay"}
    return delay, DEFAULT.with_values(given, origin, RULE_BEHAVIORS)


def _reply(engine: Engine, spec: Mapping[str, Any]) -> Reply:
    unknown = set(spec) - REPLY_KEYS
    if unknown:
        raise SettingsError(
            f"override: unknown response field(s) {sorted(unknown)}; use "
            f"{', '.join(sorted(REPLY_KEYS))}"
        )
    delay, behaviors = rule_behaviors(spec, "override")
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
    plan = ResponsePlan.templated(response)
    return Reply(response=response, delay=delay, plan=plan, behaviors=behaviors)


def build(
    engine: Engine,
    selector: str,
    path: str | None = None,
    *,
    times: int | None = None,
    responses: Sequence[Mapping[str, Any]] | None = None,
    adhoc: bool = False,
    handler: Handler | None = None,
    when: Mapping[str, Any] | None = None,
    **reply: Any,
) -> Override:
    """An `Override` from the words of a test; a selector that names nothing is refused."""
    rule = _build(
        engine,
        selector,
        path,
        times=times,
        responses=responses,
        adhoc=adhoc,
        handler=handler,
        **reply,
    )
    if when is not None:
        criteria = Criteria.from_when(when, "override")
        rule.criteria = None if criteria.empty else criteria
    return rule


def _build(
    engine: Engine,
    selector: str,
    path: str | None,
    *,
    times: int | None,
    responses: Sequence[Mapping[str, Any]] | None,
    adhoc: bool,
    handler: Handler | None,
    **reply: Any,
) -> Override:
    if handler is not None:
        if not callable(handler):
            raise SettingsError(f"override: handler= takes a function, got {handler!r}")
        answering = sorted(set(reply) - set(RULE_BEHAVIORS))
        if answering or responses is not None:
            extra = answering + (["responses"] if responses is not None else [])
            raise SettingsError(
                f"override: a handler gives the answer; drop {extra} (a handler's rule "
                f"takes only the behaviors {', '.join(RULE_BEHAVIORS)})"
            )
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
        raise SettingsError(f"override: times must be a whole number of calls >= 1, got {times!r}")
    if handler is not None:
        delay, behaviors = rule_behaviors(reply, "handler")
        replies: tuple[Reply, ...] = (Reply(delay=delay, behaviors=behaviors),)
    elif responses is not None:
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
        labels = [item.name for item in items]
        label = names.one_request(engine, selector, "override: request")
        if label is None:
            if selector.upper() in METHODS:
                some = next((c for c in engine.index.examples), None)
                path_hint = some.path if some else "/path"
                name_hint = labels[0] if labels else "Request name"
                raise SettingsError(
                    f"override: {selector!r} needs a path, as in override({selector!r}, "
                    f"{path_hint!r}, ...), or name a request, as in override({name_hint!r}, ...)"
                )
            raise SettingsError(
                f"override: the collection has no request named {selector!r}"
                f"{did_you_mean(selector, labels, cutoff=0.5)}"
            )
        scope = tuple(
            (c.method, c.path)
            for c in engine.index.examples
            if names.request_label(c.example) == label
        )
        return Override(None, None, label, replies, times, sequence, scope, handler=handler)
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
                f"{did_you_mean(path, own or everywhere, cutoff=0.5)}; use route() for a path "
                "the collection does not have"
            )
    return Override(method, path, None, replies, times, sequence, handler=handler)


def from_spec(engine: Engine, spec: HandlerSpec) -> Override:
    """The rule of one `@handler(...)` registration: any path (like `route`), or a request."""
    return build(
        engine,
        spec.selector,
        spec.path,
        times=spec.times,
        adhoc=spec.path is not None,
        handler=spec.function,
        when=spec.when,
        **dict(spec.behaviors),
    )
