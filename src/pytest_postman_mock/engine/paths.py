"""URL paths as Postman's matcher sees them: segments, wildcards, IDs and distance.

Paths are compared as tuples of percent-decoded segments with one leading `/`
(so `///beer` is `/beer`, as an HTTP server reduces it anyway); a trailing
slash is an empty last segment, so "removing trailing slashes" drops empty tail
entries.

An **ID segment** (tiers 79 and 75) is one that is, as a whole:
- all digits (`42`), or
- a UUID (`3f2b...-...`, 8-4-4-4-12 hex digits), or
- 24 hex digits (a MongoDB ObjectId), or
- 8 or more letters, digits, `-` or `_`, with at least one letter *and* one digit
  (`cus_9fh3K2`, `a1b2c3d4`).
IDs are blanked (not removed) so that segment counts still have to agree.

**Document distance** (tier 70): same number of segments, and every literal
segment pair has Levenshtein similarity `1 - distance / longer length` of at
least `FUZZY_THRESHOLD` (0.75), compared case-insensitively. `/sales/europe`
thus serves `/sales/europes` (0.86) but not `/sales/asia`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from sys import intern
from typing import Union
from urllib.parse import unquote

from .variables import VARIABLE

FUZZY_THRESHOLD = 0.75

_DIGITS = re.compile(r"[0-9]+")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_HEX24 = re.compile(r"[0-9a-fA-F]{24}")
_TOKEN = re.compile(r"(?=[\w-]*[A-Za-z])(?=[\w-]*\d)[\w-]{8,}", re.ASCII)


@dataclass(frozen=True)
class Wildcard:
    """A path segment that matches any one non-empty segment and captures it.

    `name` is the variable it is captured as. A segment that mixes text and
    variables (`v{{version}}`, `:id.json`) carries a compiled `pattern` whose
    groups line up with `names`.
    """

    name: str
    names: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None

    def capture(self, segment: str) -> dict[str, str] | None:
        if not segment:
            return None
        if self.pattern is None:
            return {self.name: segment}
        found = self.pattern.fullmatch(segment)
        if found is None:
            return None
        return dict(zip(self.names, found.groups()))


Segment = Union[str, Wildcard]


def split(path: str) -> tuple[str, ...]:
    """`/a/b%20c/` -> ("a", "b c", ""); the empty path and `/` both give (), `//a` gives ("a",)."""
    trimmed = path.split("?", 1)[0].lstrip("/")
    if not trimmed:
        return ()
    if "%" not in trimmed:  # the usual path: nothing to decode
        return tuple(map(intern, trimmed.split("/")))
    return tuple(intern(unquote(s)) for s in trimmed.split("/"))


def strip_slashes(segments: tuple[str, ...]) -> tuple[str, ...]:
    end = len(segments)
    while end and segments[end - 1] == "":
        end -= 1
    return segments[:end]


def lower(segments: tuple[str, ...]) -> tuple[str, ...]:
    """The segments lower-cased (the same tuple when they already are: less to keep)."""
    joined = "/".join(segments)
    if joined.lower() == joined:  # the usual path: one check for all of its segments
        return segments
    lowered = tuple(s.lower() for s in segments)
    return segments if lowered == segments else lowered


def is_id(segment: str) -> bool:
    return bool(
        _DIGITS.fullmatch(segment)
        or _UUID.fullmatch(segment)
        or _HEX24.fullmatch(segment)
        or _TOKEN.fullmatch(segment)
    )


def blank_ids(segments: tuple[str, ...]) -> tuple[str, ...]:
    """Replace ID segments by "\\0" (which no real segment contains), lower-casing the rest."""
    return tuple("\0" if s and is_id(s) else s.lower() for s in segments)


def parse_segment(segment: str) -> Segment:
    """A literal segment, or a `Wildcard` for `:name`, `{{name}}` or a mix of text and `{{}}`."""
    if len(segment) > 1 and segment.startswith(":"):
        name, dot, suffix = segment[1:].partition(".")
        if not dot:
            return Wildcard(name)
        pattern = re.compile("(.+?)" + re.escape(dot + suffix))
        return Wildcard(name, (name,), pattern)
    names = [name.strip() for name in VARIABLE.findall(segment)]
    if not names:
        return segment
    if VARIABLE.fullmatch(segment):
        return Wildcard(names[0])
    pieces = VARIABLE.split(segment)
    regex = "".join(re.escape(p) if i % 2 == 0 else "(.+?)" for i, p in enumerate(pieces))
    return Wildcard(names[0], tuple(names), re.compile(regex, re.IGNORECASE))


def levenshtein(left: str, right: str) -> int:
    """Edit distance (insert, delete, substitute), O(len(left) * len(right))."""
    if len(left) < len(right):
        left, right = right, left
    previous = list(range(len(right) + 1))
    for i, a in enumerate(left, 1):
        current = [i]
        for j, b in enumerate(right, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1]


def within(left: str, right: str, limit: int) -> bool:
    """Whether `levenshtein(left, right) <= limit`, without computing the whole distance.

    A common prefix and suffix do not change the distance, so they are dropped first;
    then a limit of 1 is a length check, and a larger one fills only the band of the
    table within `limit` of its diagonal and stops as soon as a row exceeds it.
    """
    if limit < 0:
        return False
    start, end_l, end_r = 0, len(left), len(right)
    if abs(end_l - end_r) > limit:
        return False
    while start < end_l and start < end_r and left[start] == right[start]:
        start += 1
    while end_l > start and end_r > start and left[end_l - 1] == right[end_r - 1]:
        end_l -= 1
        end_r -= 1
    left, right = left[start:end_l], right[start:end_r]
    if max(len(left), len(right)) <= limit or limit == 0:
        return max(len(left), len(right)) <= limit
    if len(left) < len(right):
        left, right = right, left
    width, beyond = len(right), limit + 1
    previous = [j if j <= limit else beyond for j in range(width + 1)]
    for i, a in enumerate(left, 1):
        low, high = max(1, i - limit), min(width, i + limit)
        current = [beyond] * (width + 1)
        current[0] = i if i <= limit else beyond
        best = current[0] if low == 1 else beyond
        for j in range(low, high + 1):
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != right[j - 1]))
            current[j] = value if value <= limit else beyond
            best = min(best, current[j])
        if best > limit:
            return False
        previous = current
    return previous[width] <= limit


def allowed_edits(length: int, threshold: float = FUZZY_THRESHOLD) -> int:
    """Edits document distance allows between two segments, the longer `length` long."""
    return int(length * (1 - threshold) + 1e-9)


def similar(left: str, right: str, threshold: float = FUZZY_THRESHOLD) -> bool:
    """Whether two segments are within document distance (`threshold`, 0.75 by default)."""
    if left == right:
        return True
    return within(left, right, allowed_edits(max(len(left), len(right)), threshold))
