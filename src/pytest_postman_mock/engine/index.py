"""Examples compiled for matching, and the index that finds them without a scan.

Compiling resolves each example's variables once, splits and decodes its path,
compiles its wildcard patterns, decodes its query and normalises its body, so
that nothing on the request path parses JSON or compiles a regex.

The index answers each tier of Postman's path scoring with a lookup:

- tiers 100/95/90/85 (exact, no trailing slash, case-insensitive, both): four
  dicts keyed by (method, path tuple) in the matching normal form; examples
  whose path has wildcards are not in them;
- tier 80 (wildcards): a segment trie per method over the wildcard examples,
  literal children looked up by lower-cased segment, wildcard children tried
  in turn, so only branches that agree with the request are walked;
- tiers 79/75 (IDs blanked, with and without trailing slash): two dicts keyed
  by the ID-blanked normal form (wildcard segments blanked too);
- tier 70 (document distance): a bucket per (method, segment count), scanned
  only when no better-placed example could still win.

`matching.path_tier` computes the same tier for one example without the index;
near-miss explanations use it, and a property test checks the two agree.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote_plus

from ..collection.model import Collection, Environment, Example
from ..errors import CollectionError
from ..settings import MockSettings
from . import paths
from .bodies import FileReader, SavedBody, file_reader
from .example_paths import resolve_path
from .paths import Segment, Wildcard
from .variables import VARIABLE, TooLarge, expanded_sizes, scope_for, substitute

Key = tuple[str, tuple[str, ...]]
Captures = dict[str, str]
T = TypeVar("T")
_NO_KEYS: frozenset[str] = frozenset()


@dataclass(frozen=True, eq=False)
class CompiledExample:
    """An example with everything matching needs already worked out."""

    example: Example
    method: str
    segments: tuple[str, ...]
    pattern: tuple[Segment, ...] | None
    query: tuple[tuple[str, str], ...]
    query_wildcards: frozenset[str]
    headers: Mapping[str, str]
    body: SavedBody
    variables: Mapping[str, str]
    sort_key: tuple[bool, str, int]
    path_values: tuple[tuple[int, str, str], ...] = ()
    """(segment index, name, value) of each `:name` matched as its saved value."""
    empty_variables: tuple[str, ...] = ()
    """Variables left as path wildcards because they resolve to empty text."""

    @property
    def path(self) -> str:
        return "/" + "/".join(self.segments)

    def captures(self, segments: tuple[str, ...]) -> Captures:
        """Values the request put where this example has wildcards (same segment count)."""
        if self.pattern is None:
            return {}
        pattern = paths.strip_slashes(self.pattern)  # type: ignore[arg-type]
        segments = paths.strip_slashes(segments)
        if len(pattern) != len(segments):
            return {}
        found: Captures = {}
        for part, value in zip(pattern, segments):
            if isinstance(part, Wildcard):
                found.update(part.capture(value) or {})
        return found


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


def _compile(
    example: Example,
    collection: Collection,
    environment: Environment | None,
    settings: MockSettings,
    scopes: dict[object, Mapping[str, str]],
    read_file: FileReader | None = None,
) -> CompiledExample:
    variables = scopes.get(example.scope)
    if variables is None:
        variables = scope_for(collection, example, environment, dict(settings.variables))
        try:
            expanded_sizes(variables, settings.max_variable_size)
        except TooLarge as problem:
            raise CollectionError(collection.source, str(problem)) from None
        scopes[example.scope] = variables

    def fill(text: str) -> str:
        try:
            return substitute(text, variables, settings.max_variable_size)
        except TooLarge as problem:
            raise CollectionError(collection.source, f"{example.label}: {problem}") from None

    url = example.request.url
    resolved = resolve_path(url, variables, settings.path_variable_values)
    segments = resolved.segments
    shown = variables
    if resolved.values:  # a response's {{name}} echoes the saved value it matched
        shown = {**{name: value for _, name, value in resolved.values}, **variables}
    pattern = tuple(paths.parse_segment(s) for s in segments)
    has_wildcards = settings.match_wildcards and any(isinstance(p, Wildcard) for p in pattern)
    query = tuple((unquote_plus(fill(k)), unquote_plus(fill(v or ""))) for k, v in url.query)
    wild_keys = frozenset(k for k, v in query if VARIABLE.fullmatch(v)) or _NO_KEYS
    headers = {k.lower(): fill(v).strip() for k, v in example.request.headers}
    content_type = headers.get("content-type")
    return CompiledExample(
        example=example,
        method=example.request.method.upper(),
        segments=segments,
        pattern=pattern if has_wildcards else None,
        query=query,
        query_wildcards=wild_keys,
        headers=headers,
        body=SavedBody.from_body(example.request.body, content_type, read_file),
        variables=shown,
        sort_key=(example.id is None, example.id or "", example.order),
        path_values=resolved.values,
        empty_variables=resolved.empty,
    )


compile_example = _compile
"""Public name for compiling one example (hints compile requests that have none)."""


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
        scopes: dict[object, Mapping[str, str]] = {}
        read_file = None
        if self.settings.file_bodies and collection.source is not None:
            read_file = file_reader(Path(collection.source).parent, self.settings.max_body)
        self.examples = [
            _compile(e, collection, environment, self.settings, scopes, read_file)
            for e in collection.examples()
        ]
        self.by_method: dict[str, list[CompiledExample]] = defaultdict(list)
        self.by_name: dict[str, list[CompiledExample]] = defaultdict(list)
        self.tiers: list[dict[Key, list[CompiledExample]]] = [defaultdict(list) for _ in range(6)]
        self.tries: dict[str, _TrieNode] = defaultdict(_TrieNode)
        self.shapes: dict[tuple[str, int], list[CompiledExample]] = defaultdict(list)
        self.shape_pairs: dict[tuple[str, int, str, str | None], list[CompiledExample]] = (
            defaultdict(list)
        )
        """The fuzzy buckets again, by each saved query pair (value None: a `{{var}}` value)."""
        for compiled in self.examples:
            self._add(compiled)
        self._built: dict[object, Any] = {}
        self._building = threading.Lock()

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
        self.by_method[method].append(compiled)
        self.by_name[compiled.example.name].append(compiled)
        stripped = paths.strip_slashes(compiled.segments)
        if compiled.pattern is None:
            made: dict[int, Key] = {}  # one key tuple for the tiers whose forms are the same
            for tier, key in zip(self.tiers, literal_keys(compiled.segments)):
                tier[made.setdefault(id(key), (method, key))].append(compiled)
        else:
            node = self.tries[method]
            for part in paths.strip_slashes(compiled.pattern):  # type: ignore[arg-type]
                node = node.child(part)
            node.examples.append(compiled)
        blanked = blank_pattern(compiled)
        self.tiers[4][(method, blanked)].append(compiled)
        self.tiers[5][(method, paths.strip_slashes(blanked))].append(compiled)
        self.shapes[(method, len(stripped))].append(compiled)
        for name, value in set(compiled.query):
            wild = name in compiled.query_wildcards
            self.shape_pairs[(method, len(stripped), name, None if wild else value)].append(
                compiled
            )

    def shaped(
        self, method: str, count: int, query: tuple[tuple[str, str], ...] | None = None
    ) -> Iterable[CompiledExample]:
        """The examples of this method and segment count; with `query`, only those that
        share at least one query pair with it (the only ones that can score above 0)."""
        if query is None:
            return self.shapes.get((method, count), ())
        found: dict[int, CompiledExample] = {}
        for key, value in query:
            for wanted in (value, None):
                for compiled in self.shape_pairs.get((method, count, key, wanted), ()):
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
