"""Near misses: when nothing matched, which examples came closest and what differed first.

This runs only for unmatched calls, so it may scan every example. Each example
is followed through the same steps the matcher takes (method, status filter,
path, headers, body) and stops at the first that rejects it; the examples that
got furthest, then those whose path fits or is most alike, are reported (three at
most).
Query parameters never reject an example (they only move its score), so they
are not a reason here.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from ..settings import MockSettings
from . import paths
from .bodies import IncomingBody, SavedBody, body_matches, same_json
from .index import CompiledExample, ExampleIndex
from .matching import headers_match, path_tier
from .near_index import NearIndex
from .request import CONTROL_PREFIX, Incoming

STAGES = ("method", "code", "path", "headers", "body")
MAX_NEAR_MISSES = 3
SHORTLIST = 30


@dataclass(frozen=True)
class NearMiss:
    """An example that came close to matching an unmatched call, and what differed first."""

    example: str
    """The example's label: `Folder / Request / Example`."""
    reason: str
    stage: str
    """How far it got: method, code, path, query, headers or body."""

    def __str__(self) -> str:
        return f"{self.example}: {self.reason}"


def _segments(count: int) -> str:
    return f"{count} segment{'' if count == 1 else 's'}"


def _path_difference(
    example: CompiledExample, request: Incoming, settings: MockSettings
) -> str | None:
    """None when the matcher accepts the path (at any tier), else the first segment that differs."""
    if path_tier(example, request.segments, settings) is not None:
        return None
    written = paths.strip_slashes(example.segments)
    own = paths.strip_slashes(example.pattern or example.segments)  # type: ignore[arg-type]
    given = paths.strip_slashes(request.segments)
    if len(own) != len(given):
        return f"path has {_segments(len(given))}, example {example.path} has {len(own)}"
    valued = {i: (name, value) for i, name, value in example.path_values}
    differing: list[tuple[bool, str]] = []  # (two IDs, which stand in for each other?, why)
    for position, (part, text, segment) in enumerate(zip(own, written, given), 1):
        if isinstance(part, paths.Wildcard):
            if part.capture(segment) is None:
                differing.append(
                    (False, f"path segment {position} {segment!r} does not fit {text!r}")
                )
        elif part.lower() != segment.lower():
            both_ids = paths.is_id(part) and paths.is_id(segment)
            why = f"path segment {position} is {segment!r}, example has {part!r}"
            saved = valued.get(position - 1)
            if saved is not None:
                why = f"path segment {position} is {segment!r}; {valued_text(saved)}"
            differing.append((both_ids and saved is None, why))
    differing.sort(key=lambda d: d[0])  # stable: the first segment that is not just another ID
    return differing[0][1] if differing else "path differs"


def valued_text(saved: tuple[str, str]) -> str:
    """What to say when a request misses a `:name` path variable saved with a value."""
    name, value = saved
    return (
        f"the example saved {name} = {value!r}: a path variable with a saved value matches "
        "only that value (clear the value in Postman, or set path_variable_values=false, "
        "to make it a wildcard)"
    )


def _header_difference(example: CompiledExample, request: Incoming, keys: tuple[str, ...]) -> str:
    for key in keys:
        if key.lower().startswith(CONTROL_PREFIX) or headers_match(example, request, (key,)):
            continue
        saved, given = example.headers.get(key.lower()), request.headers.get(key.lower())
        sent = "is missing" if given is None else f"is {given.strip()!r}"
        kept = "none" if saved is None else repr(saved)
        return f"header {key} {sent}, example has {kept}"
    return "headers differ"


def _first_difference(saved: Any, given: Any, what: str) -> str | None:
    """The first field of two mappings that differs, as a short phrase (None if none found)."""
    if not isinstance(saved, dict) or not isinstance(given, dict):
        return None
    for key, value in saved.items():
        if key not in given:
            return f"{what} {key!r} is missing, example has {value!r}"
        if not same_json(value, given[key]):
            return f"{what} {key!r} is {given[key]!r}, example has {value!r}"
    extra = next((key for key in given if key not in saved), None)
    return None if extra is None else f"{what} {extra!r} is not in the example"


def _fields(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    grouped: dict[str, Any] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in grouped.items()}


def _body_difference(saved: SavedBody, incoming: IncomingBody) -> str:
    if saved.kind == "empty":
        return "request has a body, example has none"
    if saved.content_type != incoming.media_type:
        sent = repr(incoming.media_type) if incoming.media_type else "missing"
        expected = repr(saved.content_type) if saved.content_type else "none"
        return f"body Content-Type is {sent}, example expects {expected}"
    if not incoming.text and saved.kind != "file":
        return f"request has no body, example has a {saved.kind} body"
    detail = None
    if saved.kind == "json":
        detail = _first_difference(saved.value, incoming.json(), "body field")
    elif saved.kind == "form":
        detail = _first_difference(_fields(saved.value), _fields(incoming.fields()), "form field")
    return detail or f"body differs from the example's {saved.kind} body"


def _verdict(
    example: CompiledExample,
    request: Incoming,
    keys: tuple[str, ...],
    match_body: bool,
    settings: MockSettings,
) -> tuple[int, str]:
    """(stage index reached, reason) for one example."""
    if example.method != request.method:
        return 0, f"method is {request.method}, example is {example.method}"
    code = request.controls.code
    if code is not None and example.example.code != code:
        return 1, f"x-mock-response-code asks for {code}, example is {example.example.code}"
    difference = _path_difference(example, request, settings)
    if difference is not None:
        return 2, difference
    if keys and not headers_match(example, request, keys, settings.match_headers_strict):
        return 3, _header_difference(example, request, keys)
    if match_body and not body_matches(example.body, request.body):
        return 4, _body_difference(example.body, request.body)
    return 5, "would match"


def selector_miss(request: Incoming, how: str) -> NearMiss:
    """Why an `x-mock-response-id` / `-name` selection found nothing."""
    controls = request.controls
    value = controls.example_id if how == "id" else controls.name
    status = f" with status {controls.code}" if controls.code is not None else ""
    return NearMiss(
        f"x-mock-response-{how}", f"no {request.method} example{status} has {how} {value!r}", how
    )


def _shape(example: CompiledExample, method: str, given: tuple[str, ...]) -> tuple[int, ...]:
    """A cheap likeness to the request: same method, same segment count, segments that agree."""
    own = paths.strip_slashes(example.pattern or example.segments)  # type: ignore[arg-type]
    shared = sum(
        1
        for part, segment in zip(own, given)
        if isinstance(part, paths.Wildcard)
        or part.lower() == segment
        or (paths.is_id(part) and paths.is_id(segment))
    )
    return (example.method == method, len(own) == len(given), shared)


def near_misses(index: ExampleIndex, request: Incoming) -> tuple[NearMiss, ...]:
    """Up to three closest examples for an unmatched request, closest first.

    Every example is first ranked by a cheap likeness of method and path (`_shape`,
    counted for all examples at once by `NearIndex`); only the `SHORTLIST` most alike
    are followed through the matcher's steps and compared as text, so an unmatched
    call costs little even in a large collection.
    """
    controls, settings = request.controls, index.settings
    keys = settings.match_headers if controls.match_headers is None else controls.match_headers
    match_body = settings.match_body if controls.match_body is None else controls.match_body
    wanted = request.path.lower()
    given = paths.lower(paths.strip_slashes(request.segments))
    ranks = index.built("near misses", lambda: NearIndex(index.examples))
    shortlist = ranks.shortlist(request.method, given, SHORTLIST)
    ranked = []
    for example in shortlist:
        stage, reason = _verdict(example, request, keys, match_body, settings)
        # among examples stopped before the path step, those whose path fits come first
        path_fits = stage > 2 or (
            stage < 2 and path_tier(example, request.segments, settings) is not None
        )
        likeness = difflib.SequenceMatcher(None, wanted, example.path.lower()).ratio()
        ranked.append((-stage, not path_fits, -likeness, example.sort_key, example, stage, reason))
    ranked.sort(key=lambda row: row[:4])
    return tuple(
        NearMiss(example.example.label, reason, STAGES[min(stage, len(STAGES) - 1)])
        for *_, example, stage, reason in ranked[:MAX_NEAR_MISSES]
    )
