"""Postman's example-matching algorithm (SPEC.md §2), over a precomputed index.

The steps run in Postman's documented order: method; `x-mock-response-code`
filter; `x-mock-response-id` / `x-mock-response-name` selection; path tiers
(100, 95, 90, 85, 80, 79, 75, 70); query scoring; header and body filters
(or the +5 bonus for a saved body equal to the incoming one); the highest
score wins, ties going to the first example by id whose status is 200.

Speed: the `ExampleIndex` (see index.py) answers each path tier with a
lookup, so a request only scores examples whose path could match. Tiers are
visited best first, and a lower tier is skipped once the best score so far is
out of its reach (a tier can add at most +10 for the query and +5 for the
body), so a request that matches well never scans the fuzzy bucket.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Callable

from ..frozen import quick_init
from ..settings import MockSettings
from . import paths
from .bodies import body_matches, same_body
from .fuzzy_index import FuzzyBucket
from .index import Captures, CompiledExample, ExampleIndex, blank_pattern, literal_keys
from .paths import Segment, Wildcard
from .request import CONTROL_PREFIX, Controls, Incoming
from .variables import VARIABLE

PATH_TIERS = (100, 95, 90, 85, 80, 79, 75, 70)
FUZZY_TIER = PATH_TIERS[-1]


class MatchError(str, enum.Enum):
    """Why the matcher chose nothing."""

    NO_EXAMPLES = "no-examples"
    """The collection has no usable example at all."""
    NOT_FOUND = "not-found"
    """No example survived the method, path, query, header and body steps."""
    UNKNOWN_ID = "unknown-id"
    """`x-mock-response-id` names no example of the request's method."""
    UNKNOWN_NAME = "unknown-name"
    """`x-mock-response-name` names no example of the request's method."""

    def __str__(self) -> str:
        return self.value


SELECTOR_ERRORS = {"id": MatchError.UNKNOWN_ID, "name": MatchError.UNKNOWN_NAME}
"""The error of each selector header that names nothing."""


@quick_init  # one per request: see frozen.py
@dataclass(frozen=True)
class Match:
    """What the matcher chose: an example (with its score and captures) or why not."""

    example: CompiledExample | None
    score: float | None = None
    captures: Captures = field(default_factory=dict)
    error: MatchError | None = None
    """Why nothing was chosen."""
    selected_by: str | None = None
    """`id` or `name` when a selector header chose the example."""
    tier: int | None = None
    """The path tier the example was found at (70: only by document distance)."""

    @property
    def fuzzy(self) -> bool:
        """Served only by document distance: most often a client's typo (strict mode)."""
        return self.tier == FUZZY_TIER


def first_by_id(candidates: Iterable[CompiledExample]) -> CompiledExample | None:
    """Postman's tie rule: sort by id, take the first with status 200, else the first."""
    ordered = sorted(candidates, key=lambda c: c.sort_key)
    return next((c for c in ordered if c.example.code == 200), ordered[0] if ordered else None)


def literal_segments(example: CompiledExample) -> int:
    """How many path segments of the example are literal text (not wildcards)."""
    if example.pattern is None:
        return len(example.segments)
    return sum(1 for part in example.pattern if not isinstance(part, Wildcard))


def most_specific(tied: list[CompiledExample]) -> CompiledExample | None:
    """Among examples tied on score, those with the most literal segments, then the tie
    rule: `/a/:id/current` beats `/a/:id/:limitId` for `/a/1/current` (SPEC.md §2.4)."""
    if not tied:
        return None
    most = max(literal_segments(c) for c in tied)
    return first_by_id(c for c in tied if literal_segments(c) == most)


def query_adjustment(example: CompiledExample, query: tuple[tuple[str, str], ...]) -> float:
    """+10 when every key matches, +10 x share when some do, else minus missing keys (max 10)."""
    own = example.query
    if not own and not query:
        return 0.0
    wildcards = example.query_wildcards
    saved: dict[str, list[str]] = defaultdict(list)
    given: dict[str, list[str]] = defaultdict(list)
    for key, value in own:
        saved[key].append(value)
    for key, value in query:
        given[key].append(value)
    matches = partial = missing = 0
    for key in saved.keys() | given.keys():
        if key not in saved or key not in given:
            missing += 1
        elif key in wildcards or sorted(saved[key]) == sorted(given[key]):
            matches += 1
        else:
            partial += 1
    if matches and not partial and not missing:
        return 10.0
    if matches:
        return 10.0 * matches / (matches + partial + missing)
    return -float(min(missing, 10))


def headers_match(
    example: CompiledExample, request: Incoming, keys: Iterable[str], strict: bool = True
) -> bool:
    """Listed headers must agree: both absent, or both present with equal trimmed values.

    Not `strict`: a request that lacks a listed header still matches (as users report of
    Postman's own mock), while a header it does send must still agree.
    """
    for key in keys:
        name = key.lower()
        if name.startswith(CONTROL_PREFIX):
            continue
        saved, given = example.headers.get(name), request.headers.get(name)
        if saved == "" and given is not None:
            continue  # an empty saved value asks only that the header be present
        if saved is None or given is None:
            if saved is not given and (strict or given is not None):
                return False
            continue
        if saved != given.strip() and not VARIABLE.fullmatch(saved):
            return False
    return True


def wildcard_fits(pattern: tuple[Segment, ...], segments: tuple[str, ...]) -> bool:
    """Tier 80 for one example: wildcards take any one segment, literals compare
    case-insensitively, trailing slashes ignored (what the index's trie walk does)."""
    own, given = paths.strip_slashes(pattern), paths.strip_slashes(segments)  # type: ignore[arg-type]
    return len(own) == len(given) and all(
        part.capture(segment) is not None
        if isinstance(part, Wildcard)
        else part.lower() == segment.lower()
        for part, segment in zip(own, given)
    )


def fuzzy_fits(
    example: CompiledExample, wanted: tuple[str, ...], threshold: float = paths.FUZZY_THRESHOLD
) -> bool:
    """Tier 70: `wanted` (lower-cased, no trailing slash, same segment count as the
    example) is within document distance of the example's path, segment by segment;
    wildcard segments must still take theirs."""
    own = paths.strip_slashes(example.pattern or example.segments)  # type: ignore[arg-type]
    return all(
        part.capture(segment) is not None
        if isinstance(part, Wildcard)
        else paths.similar(part.lower(), segment, threshold)
        for part, segment in zip(own, wanted)
    )


def path_tier(
    example: CompiledExample, segments: tuple[str, ...], settings: MockSettings | None = None
) -> int | None:
    """The path score of one example for a request path, without the index.

    The matcher gets the same answer through `ExampleIndex` lookups; this direct
    form serves near-miss explanations and tests that check the index against it.
    """
    if example.pattern is None:
        for tier, own, given in zip(
            PATH_TIERS, literal_keys(example.segments), literal_keys(segments)
        ):
            if own == given:
                return tier
    elif wildcard_fits(example.pattern, segments):
        return 80
    own_blanked, given_blanked = blank_pattern(example), paths.blank_ids(segments)
    if own_blanked == given_blanked:
        return 79
    if paths.strip_slashes(own_blanked) == paths.strip_slashes(given_blanked):
        return 75
    settings = settings or MockSettings()
    wanted = paths.lower(paths.strip_slashes(segments))
    if (
        settings.match_fuzzy
        and len(paths.strip_slashes(example.segments)) == len(wanted)
        and fuzzy_fits(example, wanted, settings.fuzzy_threshold)
    ):
        return 70
    return None


def query_captures(example: CompiledExample, query: tuple[tuple[str, str], ...]) -> Captures:
    wildcards = example.query_wildcards
    if not wildcards:
        return {}
    given = dict(reversed(query))
    found: Captures = {}
    for key, value in example.query:
        if key in wildcards and key in given:
            found[VARIABLE.fullmatch(value).group(1)] = given[key]  # type: ignore[union-attr]
    return found


class Matcher:
    """Chooses the example for a request, as Postman's mock server would."""

    def __init__(self, index: ExampleIndex) -> None:
        self.index = index
        self.settings = index.settings

    def match(self, request: Incoming) -> Match:
        if not self.index.examples:
            return Match(None, error=MatchError.NO_EXAMPLES)
        controls = request.controls
        if controls.example_id is None and controls.name is None:
            return self._scored(request)  # the usual call: no selector header
        candidates = self.index.by_method.get(request.method, [])
        if self.settings.select_by_path and (controls.example_id or controls.name) is not None:
            candidates = [c for c in candidates if self._path_fits(c, request)]
        if controls.example_id is not None:
            wanted = controls.example_id
            chosen = first_by_id(
                c
                for c in candidates
                if self._code_ok(c, controls)
                and c.example.id
                and (wanted == c.example.id or wanted.endswith("-" + c.example.id))
            )
            return self._selected(chosen, request, "id")
        if controls.name is not None:
            named = self.index.by_name.get(controls.name, [])
            chosen = first_by_id(
                c
                for c in named
                if c.method == request.method
                and self._code_ok(c, controls)
                and (not self.settings.select_by_path or self._path_fits(c, request))
            )
            return self._selected(chosen, request, "name")
        return self._scored(request)

    def _path_fits(self, candidate: CompiledExample, request: Incoming) -> bool:
        return path_tier(candidate, request.segments, self.settings) is not None

    @staticmethod
    def _code_ok(candidate: CompiledExample, controls: Controls) -> bool:
        return controls.code is None or candidate.example.code == controls.code

    def _selected(self, chosen: CompiledExample | None, request: Incoming, how: str) -> Match:
        if chosen is None:
            return Match(None, error=SELECTOR_ERRORS[how])
        return Match(chosen, captures=chosen.captures(request.segments), selected_by=how)

    def _scored(self, request: Incoming) -> Match:
        controls = request.controls
        match_body = (
            self.settings.match_body if controls.match_body is None else controls.match_body
        )
        header_keys = (
            self.settings.match_headers
            if controls.match_headers is None
            else controls.match_headers
        )
        use_query = self.settings.match_query_params
        bonus_possible = not match_body and bool(request.body.raw)
        reach = (10 if use_query and request.query else 0) + (5 if bonus_possible else 0)
        best: float | None = None
        scored: list[tuple[float, CompiledExample, Captures, int]] = []
        seen: set[int] = set()
        bonus = 5 if bonus_possible else 0
        code, query = controls.code, request.query

        def query_needed() -> bool:
            """Whether a fuzzy (70) candidate needs a positive query score to reach `best`."""
            return use_query and best is not None and best > 70 + bonus

        lookups = self._tier_lookups(request, query_needed)
        for tier in PATH_TIERS:
            if best is not None and best > tier + reach:
                break  # checked before the next lookup: most hits never blank the IDs
            for candidate, captures in next(lookups):
                if id(candidate) in seen:
                    continue
                seen.add(id(candidate))
                if code is not None and candidate.example.code != code:
                    continue
                if header_keys and not headers_match(
                    candidate, request, header_keys, self.settings.match_headers_strict
                ):
                    continue
                if match_body and not body_matches(candidate.body, request.body):
                    continue
                score = float(tier)
                if use_query and (query or candidate.query):  # else it adds 0
                    score += query_adjustment(candidate, query)
                if (
                    bonus_possible
                    and candidate.body.kind != "empty"
                    and same_body(candidate.body, request.body)
                ):
                    score += 5
                scored.append((score, candidate, captures, tier))
                if best is None or score > best:
                    best = score
        if best is None:
            return Match(None, error=MatchError.NOT_FOUND)
        if len(scored) == 1:  # the usual hit: nothing to break a tie between
            _, chosen, captures, tier = scored[0]
        else:
            tied = [c for s, c, _, _ in scored if s == best]
            found = tied[0] if len(tied) == 1 else most_specific(tied)
            assert found is not None
            chosen = found
            captures, tier = next((k, t) for s, c, k, t in scored if c is chosen)
        from_query = query_captures(chosen, request.query)
        if from_query:
            captures = {**captures, **from_query}
        return Match(chosen, score=best, captures=captures, tier=tier)

    def _tier_lookups(
        self, request: Incoming, query_needed: Callable[[], bool]
    ) -> Iterator[Iterable[tuple[CompiledExample, Captures]]]:
        """One lazy candidate list per path tier, best tier first (each worked out only
        when the caller asks for it: `next` after deciding the tier is still in reach)."""
        method, segments, index = request.method, request.segments, self.index
        for found in index.literal_tiers(method, segments):
            yield [(c, {}) for c in found] if found else ()
        yield index.wildcard_matches(method, segments)
        blanked: list[tuple[list[CompiledExample], list[CompiledExample]]] = []

        def tier(which: int) -> Iterator[tuple[CompiledExample, Captures]]:
            """Tier 79 (`which` 0) or 75 (1): looked up (the tiers built) once reached."""
            if not blanked:
                blanked.append(index.blanked(method, segments))
            for candidate in blanked[0][which]:
                yield candidate, candidate.captures(segments)

        yield tier(0)
        yield tier(1)
        yield self._fuzzy(request, query_needed)

    def _fuzzy(
        self, request: Incoming, query_needed: Callable[[], bool]
    ) -> Iterator[tuple[CompiledExample, Captures]]:
        """Tier 70. Generators run lazily: by the time this one starts, the better tiers
        have set the best score, and when only a positive query score could still reach
        it, only the examples sharing a query pair with the request are measured."""
        if not self.settings.match_fuzzy:
            return
        wanted = paths.lower(paths.strip_slashes(request.segments))
        threshold = self.settings.fuzzy_threshold
        query = request.query if query_needed() else None
        found: Iterable[CompiledExample]
        if query is not None:  # usually a few examples: measure them directly
            found = self.index.shaped(request.method, len(wanted), query)
        else:
            key = ("fuzzy", request.method, len(wanted))
            found = self.index.built(
                key,
                lambda: FuzzyBucket(
                    list(self.index.shaped(request.method, len(wanted))), len(wanted), threshold
                ),
            ).candidates(wanted)
        for candidate in found:
            if fuzzy_fits(candidate, wanted, threshold):
                yield candidate, candidate.captures(request.segments)
