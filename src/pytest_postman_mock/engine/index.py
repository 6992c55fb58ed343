"""The index that finds a request's examples without a scan.

The index answers each tier of Postman's path scoring with a lookup:

- tiers 100/95/90/85 (exact, no trailing slash, case-insensitive, both): one dict
  per method keyed by the path tuple lower-cased without trailing slashes, which
  every example of those tiers shares with the request; which of the four tiers
  each one is at is decided among those few; examples whose path has wildcards
  are not in it;
- tier 80 (wildcards): a segment trie per method over the wildcard examples,
  literal children looked up by lower-cased segment, wildcard children tried
  in turn, so only branches that agree with the request are walked;
- tiers 79/75 (IDs blanked, with and without trailing slash): two dicts per method
  keyed by the ID-blanked normal form (wildcard segments blanked too), built the
  first time a request of that method reaches tier 79;
- tier 70 (document distance): a bucket per (method, segment count), built the
  first time it is needed and scanned only when no better-placed example could
  still win.

Only the first two are built at load: what only weak matches and misses need
costs nothing until one happens. `matching.path_tier` computes the same tier for
one example without the index; near-miss explanations use it, and a property
test checks the two agree.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..collection.model import Collection, Environment
from ..settings import MockSettings
from . import paths
from .bodies import file_reader
from .compiled import Captures, CompiledExample, Compiler
from .paths import Segment, Wildcard

__all__ = ["Captures", "CompiledExample", "ExampleIndex"]  # where the others import them from

Bucket = dict[tuple[str, ...], list[CompiledExample]]
T = TypeVar("T")
_NO_TIERS: tuple[tuple[CompiledExample, ...], ...] = ((), (), (), ())


@dataclass
class _TrieNode:
    literal: dict[str, _TrieNode] = field(default_factory=dict)
    wild: list[tuple[Wildcard, _TrieNode]] = field(default_factory=list)
    examples: list[CompiledExample] = field(default_factory=list)

    def child(self, part: Segment) -> _TrieNode:
        if isinstance(part, str):
            return self.literal.setdefault(part.lower(), _TrieNode())
        for existing, node in self.wild:
            if existing == part:
                return node
        node = _TrieNode()
        self.wild.append((part, node))
        return node

    def walk(
        self, segments: tuple[str, ...], captured: Captures
    ) -> list[tuple[CompiledExample, Captures]]:
        """The examples under the nodes `segments` lead to, literal branches first, with what
        the wildcards on the way captured (a loop down literal-only nodes: the usual path)."""
        node = self
        for depth, head in enumerate(segments):
            if node.wild:
                found = []
                rest = segments[depth + 1 :]
                literal = node.literal.get(head.lower())
                if literal is not None:
                    found.extend(literal.walk(rest, captured))
                for wildcard, child in node.wild:
                    values = wildcard.capture(head)
                    if values is not None:
                        found.extend(child.walk(rest, {**captured, **values}))
                return found
            literal = node.literal.get(head.lower())
            if literal is None:
                return []
            node = literal
        return [(example, captured) for example in node.examples]


class ExampleIndex:
    """Every example of a collection, compiled and indexed for one set of settings."""

    def __init__(
        self,
        collection: Collection,
        environment: Environment | None = None,
        settings: MockSettings | None = None,
    ) -> None:
        self.collection = collection
        self.environment = environment
        self.settings = settings or MockSettings()
        read_file = None
        if self.settings.file_bodies and collection.source is not None:
            read_file = file_reader(Path(collection.source).parent, self.settings.max_body)
        compile_one = Compiler(collection, environment, self.settings, read_file).compile
        self.examples = [compile_one(e) for e in collection.examples()]
        self.by_method: dict[str, list[CompiledExample]] = {}
        self.literal: dict[str, Bucket] = {}
        """Tiers 100-85: the examples without wildcards by method and `literal_key`."""
        self.tries: dict[str, _TrieNode] = {}
        for compiled in self.examples:
            self._add(compiled)
        self._built: dict[object, Any] = {}
        self._building = threading.RLock()  # a build may use another built structure

    def built(self, key: object, build: Callable[[], T]) -> T:
        """A structure derived from this index, built on first use (once, whichever
        thread asks first) and kept: what only misses need costs nothing at start-up."""
        found = self._built.get(key)
        if found is None:
            with self._building:
                found = self._built.get(key)
                if found is None:
                    found = self._built[key] = build()
        return found

    def _add(self, compiled: CompiledExample) -> None:
        method = compiled.method
        same_method = self.by_method.get(method)
        if same_method is None:
            same_method = self.by_method[method] = []
            self.literal[method] = {}
        same_method.append(compiled)
        if compiled.pattern is None:
            bucket = self.literal[method]
            key = compiled.literal_key
            found = bucket.get(key)
            if found is None:
                bucket[key] = [compiled]
            else:
                found.append(compiled)
        else:
            node = self.tries.get(method) or self.tries.setdefault(method, _TrieNode())
            for part in paths.strip_slashes(compiled.pattern):  # type: ignore[arg-type]
                node = node.child(part)
            node.examples.append(compiled)

    @property
    def by_name(self) -> dict[str, list[CompiledExample]]:
        """The examples by name, for `x-mock-response-name` (built on first use)."""
        return self.built("by_name", self._by_name)

    def _by_name(self) -> dict[str, list[CompiledExample]]:
        found: dict[str, list[CompiledExample]] = defaultdict(list)
        for compiled in self.examples:
            found[compiled.example.name].append(compiled)
        return dict(found)

    def literal_tiers(
        self, method: str, segments: tuple[str, ...]
    ) -> Sequence[Sequence[CompiledExample]]:
        """The examples at tiers 100, 95, 90 and 85 for a request path, in that order."""
        stripped = paths.strip_slashes(segments)
        bucket = self.literal.get(method, {}).get(paths.lower(stripped))
        if not bucket:
            return _NO_TIERS
        found: list[list[CompiledExample]] = [[], [], [], []]
        for compiled in bucket:
            own = compiled.segments
            if own == segments:
                found[0].append(compiled)
            elif paths.strip_slashes(own) == stripped:
                found[1].append(compiled)
            elif paths.lower(own) == paths.lower(segments):
                found[2].append(compiled)
            else:
                found[3].append(compiled)
        return found

    def blanked(
        self, method: str, segments: tuple[str, ...]
    ) -> tuple[list[CompiledExample], list[CompiledExample]]:
        """The examples of tiers 79 and 75 (IDs blanked) for a request path."""
        tiers: tuple[Bucket, Bucket] | None = self._built.get(("blanked", method))
        if tiers is None:
            tiers = self.built(("blanked", method), lambda: self._blank(method))
        key = paths.blank_ids(segments)
        return tiers[0].get(key, []), tiers[1].get(paths.strip_slashes(key), [])

    def _blank(self, method: str) -> tuple[Bucket, Bucket]:
        with_slash: Bucket = defaultdict(list)
        without: Bucket = defaultdict(list)
        for compiled in self.by_method.get(method, ()):
            key = blank_pattern(compiled)
            with_slash[key].append(compiled)
            without[paths.strip_slashes(key)].append(compiled)
        return dict(with_slash), dict(without)

    @property
    def shapes(self) -> dict[tuple[str, int], list[CompiledExample]]:
        """Tier 70's buckets: the examples by method and segment count (built on first use)."""
        return self.built("shapes", self._shapes)

    @property
    def shape_pairs(self) -> dict[tuple[str, int, str, str | None], list[CompiledExample]]:
        """The fuzzy buckets again, by each saved query pair (value None: a `{{var}}` value)."""
        return self.built("shape_pairs", self._shape_pairs)

    def _shapes(self) -> dict[tuple[str, int], list[CompiledExample]]:
        found: dict[tuple[str, int], list[CompiledExample]] = defaultdict(list)
        for compiled in self.examples:
            found[(compiled.method, len(paths.strip_slashes(compiled.segments)))].append(compiled)
        return dict(found)

    def _shape_pairs(self) -> dict[tuple[str, int, str, str | None], list[CompiledExample]]:
        found: dict[tuple[str, int, str, str | None], list[CompiledExample]] = defaultdict(list)
        for compiled in self.examples:
            count = len(paths.strip_slashes(compiled.segments))
            for name, value in set(compiled.query):
                wild = name in compiled.query_wildcards
                found[(compiled.method, count, name, None if wild else value)].append(compiled)
        return dict(found)

    def shaped(
        self, method: str, count: int, query: tuple[tuple[str, str], ...] | None = None
    ) -> Iterable[CompiledExample]:
        """The examples of this method and segment count; with `query`, only those that
        share at least one query pair with it (the only ones that can score above 0)."""
        if query is None:
            return self.shapes.get((method, count), ())
        found: dict[int, CompiledExample] = {}
        pairs = self.shape_pairs
        for key, value in query:
            for wanted in (value, None):
                for compiled in pairs.get((method, count, key, wanted), ()):
                    found.setdefault(id(compiled), compiled)
        return sorted(found.values(), key=lambda c: c.example.order)

    def wildcard_matches(
        self, method: str, segments: tuple[str, ...]
    ) -> list[tuple[CompiledExample, Captures]]:
        trie = self.tries.get(method)
        return [] if trie is None else trie.walk(paths.strip_slashes(segments), {})


def blank_pattern(compiled: CompiledExample) -> tuple[str, ...]:
    """The example's path for tiers 79/75: IDs and wildcard segments blanked, rest lower-cased."""
    blanked = paths.blank_ids(compiled.segments)
    if compiled.pattern is None:
        return blanked
    return tuple("\0" if isinstance(p, Wildcard) else b for p, b in zip(compiled.pattern, blanked))


def literal_keys(segments: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The four normal forms of tiers 100, 95, 90 and 85, in that order."""
    stripped = paths.strip_slashes(segments)
    return segments, stripped, paths.lower(segments), paths.lower(stripped)
