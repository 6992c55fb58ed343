"""Near misses: when nothing matched, which examples came closest and what differed first.

This runs only for unmatched calls, so it may scan every example. Each example
is followed through the same steps the matcher takes (method, status filter,
path, headers, body) and stops at the first that rejects it; the examples that
got furthest, then those whose path is most alike, are reported (three at most).
"""

from __future__ import annotations

import difflib

from . import paths
from .bodies import body_matches
from .compiled import CompiledExample, ExampleIndex
from .journal import NearMiss
from .matching import CONTROL_PREFIX, Incoming, headers_match

STAGES = ("method", "code", "path", "headers", "body")
MAX_NEAR_MISSES = 3


def _path_difference(example: CompiledExample, request: Incoming) -> str | None:
    """None when the paths agree (as the matcher would accept them), else what differs."""
    own = paths.strip_slashes(example.pattern or example.segments)  # type: ignore[arg-type]
    given = paths.strip_slashes(request.segments)
    if len(own) != len(given):
        return f"path has {len(given)} segment(s), example {example.path} has {len(own)}"
    for position, (part, segment) in enumerate(zip(own, given), 1):
        if isinstance(part, paths.Wildcard):
            if part.capture(segment) is None:
                return f"path segment {position} {segment!r} does not fit {{{{{part.name}}}}}"
        elif not paths.similar(part.lower(), segment.lower()) and not (
            paths.is_id(part) and paths.is_id(segment)
        ):
            return f"path segment {position} is {segment!r}, example has {part!r}"
    return None


def _header_difference(example: CompiledExample, request: Incoming, keys: tuple[str, ...]) -> str:
    for key in keys:
        if key.lower().startswith(CONTROL_PREFIX) or headers_match(example, request, (key,)):
            continue
        saved, given = example.headers.get(key.lower()), request.headers.get(key.lower())
        return f"header {key}: request has {given!r}, example has {saved!r}"
    return "headers differ"


def _body_difference(example: CompiledExample, request: Incoming) -> str:
    saved = example.body
    if saved.content_type != request.body.media_type and saved.kind != "empty":
        return (
            f"body Content-Type is {request.body.media_type or 'missing'!r}, "
            f"example expects {saved.content_type or 'none'!r}"
        )
    return f"body differs from the example's saved {saved.kind} body"


def _verdict(
    example: CompiledExample, request: Incoming, keys: tuple[str, ...], match_body: bool
) -> tuple[int, str]:
    """(stage index reached, reason) for one example."""
    if example.method != request.method:
        return 0, f"method is {request.method}, example is {example.method}"
    code = request.controls.code
    if code is not None and example.example.code != code:
        return 1, f"x-mock-response-code asks for {code}, example is {example.example.code}"
    difference = _path_difference(example, request)
    if difference is not None:
        return 2, difference
    if keys and not headers_match(example, request, keys):
        return 3, _header_difference(example, request, keys)
    if match_body and not body_matches(example.body, request.body):
        return 4, _body_difference(example, request)
    return 5, "would match"


def selector_miss(request: Incoming, how: str) -> NearMiss:
    """Why an `x-mock-response-id` / `-name` selection found nothing."""
    controls = request.controls
    value = controls.example_id if how == "id" else controls.name
    status = f" with status {controls.code}" if controls.code is not None else ""
    return NearMiss(
        f"x-mock-response-{how}", f"no {request.method} example{status} has {how} {value!r}", how
    )


def near_misses(index: ExampleIndex, request: Incoming) -> tuple[NearMiss, ...]:
    """Up to three closest examples for an unmatched request, closest first."""
    controls, settings = request.controls, index.settings
    keys = settings.match_headers if controls.match_headers is None else controls.match_headers
    match_body = settings.match_body if controls.match_body is None else controls.match_body
    wanted = request.path.lower()
    ranked = []
    for example in index.examples:
        stage, reason = _verdict(example, request, keys, match_body)
        likeness = difflib.SequenceMatcher(None, wanted, example.path.lower()).ratio()
        ranked.append((-stage, -likeness, example.sort_key, example, stage, reason))
    ranked.sort(key=lambda row: row[:3])
    return tuple(
        NearMiss(example.example.label, reason, STAGES[min(stage, len(STAGES) - 1)])
        for *_, example, stage, reason in ranked[:MAX_NEAR_MISSES]
    )
