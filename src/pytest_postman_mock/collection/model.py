"""The in-memory form of a Postman collection: frozen, already normalised.

Everything the request path needs is decided here once, when the file loads, so
the server never looks at raw JSON. The loader turns every format variant
(v1, v2.0, v2.1, JSON or YAML) into these types.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..frozen import quick_init

Pairs = tuple[tuple[str, str], ...]
"""Ordered key/value pairs; keys may repeat (headers, query, form fields)."""


@quick_init  # tens of thousands per large collection: see frozen.py
@dataclass(frozen=True)
class Variable:
    """One `{{key}}` definition from a collection, folder, item or environment."""

    key: str
    value: str


@quick_init  # tens of thousands per large collection: see frozen.py
@dataclass(frozen=True)
class UrlTemplate:
    """A request URL as the collection wrote it, before variables are substituted.

    `host` and `path` stay apart so that an unresolved `{{baseUrl}}` host can be
    ignored while a resolved one that carries a path prefix still counts.
    """

    raw: str
    host: str
    path: str
    query: tuple[tuple[str, str | None], ...] = ()
    path_variables: tuple[Variable, ...] = ()


@dataclass(frozen=True)
class GraphQLBody:
    query: str
    variables: str = ""
    operation_name: str | None = None


@quick_init  # tens of thousands per large collection: see frozen.py
@dataclass(frozen=True)
class Body:
    """A saved request body in one of Postman's modes.

    `mode` is one of raw, urlencoded, formdata, file, graphql. For form modes
    `fields` holds the enabled text fields; file parts are named in `files`.
    """

    mode: str
    raw: str = ""
    fields: Pairs = ()
    files: tuple[str, ...] = ()
    graphql: GraphQLBody | None = None
    language: str | None = None


@quick_init  # tens of thousands per large collection: see frozen.py
@dataclass(frozen=True)
class RequestSpec:
    """The request side of an example (its `originalRequest`)."""

    method: str
    url: UrlTemplate
    headers: Pairs = ()
    body: Body | None = None


@quick_init  # tens of thousands per large collection: see frozen.py
@dataclass(frozen=True)
class Example:
    """One saved response, with the request it answers and where it came from."""

    name: str
    code: int
    status: str
    headers: Pairs
    body: str
    request: RequestSpec
    id: str | None = None
    preview_language: str | None = None
    item_name: str = ""
    folders: tuple[str, ...] = ()
    pointer: str = ""
    order: int = 0
    scope: tuple[tuple[Variable, ...], ...] = ()
    """Variable blocks from the item outwards to the top folder (innermost first)."""

    @property
    def label(self) -> str:
        """How people refer to this example in messages: `Folder / Request / Example`."""
        return " / ".join((*self.folders, self.item_name, self.name))


@quick_init  # tens of thousands per large collection: see frozen.py
@dataclass(frozen=True)
class Item:
    """A request of the collection and its saved examples."""

    name: str
    request: RequestSpec
    examples: tuple[Example, ...]
    id: str | None = None
    folders: tuple[str, ...] = ()
    pointer: str = ""


@dataclass(frozen=True)
class Collection:
    """A whole collection: its requests in file order and its own variables."""

    name: str
    items: tuple[Item, ...]
    variables: tuple[Variable, ...] = ()
    id: str | None = None
    schema: str = ""
    source: Path | None = None
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def examples(self) -> Iterator[Example]:
        """Every example of every request, in file order."""
        for item in self.items:
            yield from item.examples


@dataclass(frozen=True)
class Environment:
    """An exported Postman environment: enabled values only, last duplicate winning."""

    name: str
    values: tuple[Variable, ...]
    source: Path | None = None
