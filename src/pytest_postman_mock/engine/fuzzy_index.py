"""Tier 70 (document distance) without measuring every example of a fuzzy bucket.

A bucket holds the examples of one method and segment count. For each segment
position it keeps the distinct lower-cased literals (with the examples that have
them) and the wildcard examples. Literals are found by their deletion
neighbourhood: two strings within `k` edits share a string obtained by deleting
at most `k` characters from each (from the shorter one, `k` minus the length
difference), so every literal is filed under its deletions up to the edits its
own length allows, and a request's segment looks up its own deletions. Literals
or segments whose neighbourhood would be too large are compared directly instead.

A lookup picks the position that leaves the fewest examples, keeps those whose
literal at that position is within document distance (or whose wildcard takes
the segment), and hands them to `matching.fuzzy_fits`, which checks every
position as before; so the answers are those of a scan, found in less time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from math import comb

from . import paths
from .index import CompiledExample
from .paths import Wildcard

NEIGHBOURHOOD_LIMIT = 128
"""Most deletion variants a literal (or a request's segment) is filed or looked up under."""


def _neighbourhood_size(length: int, depth: int) -> int:
    return sum(comb(length, i) for i in range(min(depth, length) + 1))


def deletions(text: str, depth: int) -> set[str]:
    """`text` with up to `depth` characters deleted, `text` itself included."""
    found, frontier = {text}, {text}
    for _ in range(depth):
        frontier = {s[:i] + s[i + 1 :] for s in frontier for i in range(len(s))} - found
        found |= frontier
    return found


@dataclass
class _Position:
    """The literals and wildcards one segment position of a bucket's examples has."""

    literals: dict[str, list[int]] = field(default_factory=dict)
    wild: list[tuple[int, Wildcard]] = field(default_factory=list)
    filed: dict[str, list[str]] = field(default_factory=dict)
    """Deletion variant -> the literals filed under it."""
    unfiled: dict[int, list[str]] = field(default_factory=dict)
    """Literals too long to file, by length."""


class FuzzyBucket:
    """The examples of one (method, segment count), indexed for document distance."""

    def __init__(self, examples: list[CompiledExample], count: int, threshold: float) -> None:
        self.examples = examples
        self.threshold = threshold
        self.indexable = 0.0 <= threshold <= 1.0
        """The neighbourhood argument needs at most one edit per character of length."""
        self.positions = [_Position() for _ in range(count)]
        for ordinal, example in enumerate(examples):
            own = paths.strip_slashes(example.pattern or example.segments)  # type: ignore[arg-type]
            for position, part in zip(self.positions, own):
                if isinstance(part, Wildcard):
                    position.wild.append((ordinal, part))
                else:
                    position.literals.setdefault(part.lower(), []).append(ordinal)
        for position in self.positions:
            for literal in position.literals:
                depth = paths.allowed_edits(len(literal), threshold)
                if self.indexable and _neighbourhood_size(len(literal), depth) <= (
                    NEIGHBOURHOOD_LIMIT
                ):
                    for variant in deletions(literal, max(depth, 0)):
                        position.filed.setdefault(variant, []).append(literal)
                else:
                    position.unfiled.setdefault(len(literal), []).append(literal)

    def _literals_near(self, position: _Position, segment: str) -> set[str]:
        """Literals that may be within document distance of `segment` (a superset)."""
        length = len(segment)
        depth = max(paths.allowed_edits(length, self.threshold), 0)
        lengths: dict[int, list[str]]
        if self.indexable and _neighbourhood_size(length, depth) <= NEIGHBOURHOOD_LIMIT:
            found = {
                literal
                for variant in deletions(segment, depth)
                for literal in position.filed.get(variant, ())
            }
            lengths = position.unfiled
        else:
            found, lengths = set(), {}
            for literal in position.literals:
                lengths.setdefault(len(literal), []).append(literal)
        for size, literals in lengths.items():
            edits = max(paths.allowed_edits(max(size, length), self.threshold), 0)
            if abs(size - length) <= edits:  # (0: an equal literal is always similar)
                found.update(literals)
        return found

    def candidates(self, wanted: tuple[str, ...]) -> Iterator[CompiledExample]:
        """Examples whose most selective position is within document distance of `wanted`
        (lower-cased, no trailing slash), in bucket order; `fuzzy_fits` decides the rest."""
        best: tuple[int, _Position, set[str], str] | None = None
        for position, segment in zip(self.positions, wanted):
            near = self._literals_near(position, segment)
            size = len(position.wild) + sum(len(position.literals[v]) for v in near)
            if best is None or size < best[0]:
                best = (size, position, near, segment)
            if size == 0:
                return
        if best is None:
            yield from self.examples
            return
        _, position, near, segment = best
        ordinals = [
            o
            for literal in near
            if paths.similar(literal, segment, self.threshold)
            for o in position.literals[literal]
        ]
        ordinals += [o for o, wildcard in position.wild if wildcard.capture(segment) is not None]
        for ordinal in sorted(ordinals):
            yield self.examples[ordinal]
