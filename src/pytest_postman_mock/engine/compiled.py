"""Examples compiled for matching: the path at load, the rest when first needed.

Indexing needs only an example's method and resolved path, so that is all a load
works out for each example; what examples have in common (a scope's variables, a
resolved path) is worked out once and shared. The query, headers and normalised
body are computed the first time the matcher looks at the example (a candidate
for a request, a near miss). Two threads may compute the same one at once: both
get equal values and either is kept, so that is harmless.

What a later computation could refuse is still refused at load: a query or header
text with a `{{variable}}` that expands past `max_variable_size` (only such texts
can), and a `file` body read from disk (so the file is read at load, as before).
"""

from __future__ import annotations

from collections.abc import Mapping
from sys import intern
from typing import Any
from urllib.parse import unquote_plus

from ..collection.model import Collection, Environment, Example, UrlTemplate
from ..errors import CollectionError
from ..settings import MockSettings
from . import paths
from .bodies import FileReader, SavedBody
from .example_paths import host_prefix, resolve_path
from .paths import Segment, Wildcard
from .variables import VARIABLE, TooLarge, expanded_sizes, scope_for, substitute

Captures = dict[str, str]
Query = tuple[tuple[str, str], ...]
_NO_KEYS: frozenset[str] = frozenset()


class _Scope:
    """What the examples of one variable scope share: the variables and how to fill a text."""

    __slots__ = ("filled", "limit", "read_file", "source", "variables")

    def __init__(
        self,
        variables: Mapping[str, str],
        limit: int,
        source: Any,
        read_file: FileReader | None,
    ) -> None:
        self.variables, self.limit = variables, limit
        self.source, self.read_file = source, read_file
        self.filled = {k: v for k, v in variables.items() if v != ""}
        """The variables that fill a path segment (an empty one leaves it a wildcard)."""

    def fill(self, text: str, example: Example) -> str:
        if "{{" not in text:
            return text
        try:
            return substitute(text, self.variables, self.limit)
        except TooLarge as problem:
            raise CollectionError(self.source, f"{example.label}: {problem}") from None


class _Path:
    """An example's resolved path, shared by the examples that resolve it alike."""

    __slots__ = ("empty", "literal_key", "pattern", "segments", "shown", "values")

    def __init__(
        self,
        segments: tuple[str, ...],
        pattern: tuple[Segment, ...] | None,
        values: tuple[tuple[int, str, str], ...],
        empty: tuple[str, ...],
        shown: Mapping[str, str],
    ) -> None:
        self.segments, self.pattern, self.values, self.empty = segments, pattern, values, empty
        self.shown = shown
        self.literal_key = paths.lower(paths.strip_slashes(segments))


class CompiledExample:
    """An example with what matching needs: its path now, query, headers and body on first use.

    Compared by identity, as each stands for one example of one index.
    """

    __slots__ = (
        "_body",
        "_headers",
        "_path",
        "_query",
        "_scope",
        "example",
        "method",
        "pattern",
        "segments",
    )

    def __init__(self, example: Example, path: _Path, scope: _Scope) -> None:
        self.example = example
        method = example.request.method
        self.method = method if method.isupper() else intern(method.upper())
        self.segments = path.segments
        self.pattern = path.pattern
        """The parsed segments when the path has wildcards (and they are on), else None."""
        self._path = path
        self._scope = scope
        self._query: tuple[Query, frozenset[str]] | None = None
        self._headers: Mapping[str, str] | None = None
        self._body: SavedBody | None = None

    def __repr__(self) -> str:
        return f"<CompiledExample {self.example.label!r}: {self.method} {self.path}>"

    @property
    def path(self) -> str:
        return "/" + "/".join(self.segments)

    @property
    def literal_key(self) -> tuple[str, ...]:
        """The path lower-cased without trailing slashes: tiers 100-85 look it up."""
        return self._path.literal_key

    @property
    def variables(self) -> Mapping[str, str]:
        """The example's variables, with the saved value of each `:name` that took one."""
        return self._path.shown

    @property
    def path_values(self) -> tuple[tuple[int, str, str], ...]:
        """(segment index, name, value) of each `:name` matched as its saved value."""
        return self._path.values

    @property
    def empty_variables(self) -> tuple[str, ...]:
        """Variables left as path wildcards because they resolve to empty text."""
        return self._path.empty

    @property
    def sort_key(self) -> tuple[bool, str, int]:
        """Postman's tie order: examples with an id first, by id, then file order."""
        example = self.example
        return (example.id is None, example.id or "", example.order)

    @property
    def query(self) -> Query:
        """The saved query, variables filled and percent-decoded."""
        return (self._query or self._fill_query())[0]

    @property
    def query_wildcards(self) -> frozenset[str]:
        """Keys whose saved value is a `{{variable}}`: any value matches them."""
        return (self._query or self._fill_query())[1]

    @property
    def headers(self) -> Mapping[str, str]:
        """The saved request headers by lower-cased name, variables filled, values trimmed."""
        found = self._headers
        if found is None:
            found = self._headers = self._fill_headers()
        return found

    @property
    def body(self) -> SavedBody:
        """The saved request body, normalised for comparison."""
        found = self._body
        if found is None:
            found = self._body = self._saved_body()
        return found

    def _fill_query(self) -> tuple[Query, frozenset[str]]:
        fill, example = self._scope.fill, self.example
        query = tuple(
            (unquote_plus(fill(k, example)), unquote_plus(fill(v or "", example)))
            for k, v in example.request.url.query
        )
        wild = frozenset(k for k, v in query if VARIABLE.fullmatch(v)) or _NO_KEYS
        found = self._query = (query, wild)
        return found

    def _fill_headers(self) -> Mapping[str, str]:
        fill, example = self._scope.fill, self.example
        return {k.lower(): fill(v, example).strip() for k, v in example.request.headers}

    def _saved_body(self) -> SavedBody:
        body = self.example.request.body
        return SavedBody.from_body(body, self.headers.get("content-type"), self._scope.read_file)

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


def _templated(url: UrlTemplate) -> bool:
    return any("{{" in k or "{{" in (v or "") for k, v in url.query)


class Compiler:
    """Compiles the examples of one collection for one set of settings.

    Examples of one request share their scope (by identity, else by value), and
    examples whose paths resolve alike share the resolved path; a segment is
    parsed once however many examples have it.
    """

    def __init__(
        self,
        collection: Collection,
        environment: Environment | None,
        settings: MockSettings,
        read_file: FileReader | None = None,
    ) -> None:
        self.collection, self.environment, self.settings = collection, environment, settings
        self.read_file = read_file
        self._scope_ids: dict[int, _Scope] = {}
        self._scopes: dict[object, _Scope] = {}
        self._paths: dict[tuple[object, ...], _Path] = {}
        self._prefixes: dict[tuple[int, str], tuple[str, ...]] = {}
        self._segments: dict[str, Segment] = {}
        self._kept: list[object] = []  # the scopes whose ids key `_scope_ids`, kept alive

    def compile(self, example: Example) -> CompiledExample:
        scope = self._scope(example)
        url = example.request.url
        key = (id(scope), url.host, url.path, url.path_variables)
        path = self._paths.get(key)
        if path is None:
            path = self._paths[key] = self._resolve(url, scope)
        compiled = CompiledExample(example, path, scope)
        # Texts that could grow past the bound are filled now, so a load refuses them.
        if url.query and _templated(url):
            compiled._fill_query()
        headers = example.request.headers
        if headers and any("{{" in value for _, value in headers):
            compiled._headers = compiled._fill_headers()
        body = example.request.body
        if body is not None and body.mode == "file" and self.read_file is not None:
            compiled._body = compiled._saved_body()  # the file is read at load
        return compiled

    def _scope(self, example: Example) -> _Scope:
        found = self._scope_ids.get(id(example.scope))
        if found is not None:
            return found
        found = self._scopes.get(example.scope)
        if found is None:
            settings = self.settings
            variables = scope_for(
                self.collection, example, self.environment, dict(settings.variables)
            )
            try:
                expanded_sizes(variables, settings.max_variable_size)
            except TooLarge as problem:
                raise CollectionError(self.collection.source, str(problem)) from None
            found = self._scopes[example.scope] = _Scope(
                variables, settings.max_variable_size, self.collection.source, self.read_file
            )
        self._kept.append(example.scope)
        self._scope_ids[id(example.scope)] = found
        return found

    def _resolve(self, url: UrlTemplate, scope: _Scope) -> _Path:
        settings, variables = self.settings, scope.variables
        prefix = self._prefixes.get((id(scope), url.host))
        if prefix is None:
            prefix = host_prefix(substitute(url.host, variables))
            self._prefixes[(id(scope), url.host)] = prefix
        resolved = resolve_path(url, variables, settings.path_variable_values, scope.filled, prefix)
        segments = resolved.segments
        shown = variables
        if resolved.values:  # a response's {{name}} echoes the saved value it matched
            shown = {**{name: value for _, name, value in resolved.values}, **variables}
        pattern = None
        if settings.match_wildcards and any(s[:1] == ":" or "{{" in s for s in segments):
            parsed = tuple(self._segment(s) for s in segments)
            if any(isinstance(p, Wildcard) for p in parsed):
                pattern = parsed
        return _Path(segments, pattern, resolved.values, resolved.empty, shown)

    def _segment(self, segment: str) -> Segment:
        found = self._segments.get(segment)
        if found is None:
            found = self._segments[segment] = paths.parse_segment(segment)
        return found
