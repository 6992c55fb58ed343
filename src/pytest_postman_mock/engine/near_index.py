"""The near-miss shortlist without ranking every example.

`near_misses` shortlists the examples most like an unmatched request by a cheap
likeness: (same method, same segment count, segments that agree), the first
examples winning ties. This index gives the same shortlist from bit sets over
the examples' positions in the index: one set per method, per segment count,
and per segment position (each lower-cased literal, the wildcards, the ID
literals). The segments that agree are counted for all examples at once, in
bit planes (a binary counter per example), and the shortlist is read off the
best classes first, lowest positions first, until it is full.
"""

from __future__ import annotations

from collections import defaultdict

from . import paths
from .index import CompiledExample
from .paths import Wildcard


def _mask(ordinals: list[int], size: int) -> int:
    bits = bytearray((size + 7) // 8)
    for ordinal in ordinals:
        bits[ordinal >> 3] |= 1 << (ordinal & 7)
    return int.from_bytes(bits, "little")


class _Position:
    """Which examples have what at one segment position (bit sets over index positions)."""

    def __init__(self) -> None:
        self.literals: dict[str, list[int]] = defaultdict(list)
        self.wild: list[int] = []
        self.ids: list[int] = []
        self.masks: dict[str, int] = {}

    def freeze(self, size: int) -> None:
        self.wild_mask = _mask(self.wild, size)
        self.id_mask = _mask(self.ids, size)
        self.literals = dict(self.literals)

    def agreeing(self, segment: str, segment_is_id: bool, size: int) -> int:
        """Examples whose part here agrees with `segment` (lower-cased) as `_shape` counts."""
        found = self.wild_mask | (self.id_mask if segment_is_id else 0)
        mask = self.masks.get(segment)
        if mask is None:
            ordinals = self.literals.get(segment)
            if ordinals is None:
                return found
            mask = _mask(ordinals, size)
            if len(ordinals) > 64:  # worth keeping
                self.masks[segment] = mask
        return found | mask


class NearIndex:
    """Bit sets that rank examples by their likeness to a request, as `_shape` does."""

    def __init__(self, examples: list[CompiledExample]) -> None:
        self.examples = examples
        size = self.size = len(examples)
        methods: dict[str, list[int]] = defaultdict(list)
        counts: dict[int, list[int]] = defaultdict(list)
        self.positions: list[_Position] = []
        for ordinal, example in enumerate(examples):
            own = paths.strip_slashes(example.pattern or example.segments)  # type: ignore[arg-type]
            methods[example.method].append(ordinal)
            counts[len(own)].append(ordinal)
            while len(self.positions) < len(own):
                self.positions.append(_Position())
            for position, part in zip(self.positions, own):
                if isinstance(part, Wildcard):
                    position.wild.append(ordinal)
                    continue
                position.literals[part.lower()].append(ordinal)
                if paths.is_id(part):
                    position.ids.append(ordinal)
        for position in self.positions:
            position.freeze(size)
        self.methods = {m: _mask(o, size) for m, o in methods.items()}
        self.counts = {c: _mask(o, size) for c, o in counts.items()}
        self.everything = (1 << size) - 1

    def shortlist(self, method: str, given: tuple[str, ...], length: int) -> list[CompiledExample]:
        """The `length` examples `heapq.nlargest` would pick by `_shape(example, method, given)`
        (`given`: lower-cased, no trailing slash), in the same order."""
        planes: list[int] = []  # planes[i]: examples whose count of agreeing segments has bit i
        for position, segment in zip(self.positions, given):
            carry = position.agreeing(segment, paths.is_id(segment), self.size)
            for i, plane in enumerate(planes):
                planes[i], carry = plane ^ carry, plane & carry
                if not carry:
                    break
            if carry:
                planes.append(carry)
        same_method = self.methods.get(method, 0)
        same_count = self.counts.get(len(given), 0)
        chosen: list[CompiledExample] = []
        for method_mask in (same_method, self.everything & ~same_method):
            for count_mask in (same_count, self.everything & ~same_count):
                for shared in range(min(len(given), len(self.positions)), -1, -1):
                    mask = method_mask & count_mask
                    for i, plane in enumerate(planes):
                        mask &= plane if shared >> i & 1 else ~plane
                    if shared >> len(planes):
                        mask = 0
                    while mask and len(chosen) < length:
                        lowest = mask & -mask
                        chosen.append(self.examples[lowest.bit_length() - 1])
                        mask ^= lowest
                    if len(chosen) >= length:
                        return chosen
        return chosen
