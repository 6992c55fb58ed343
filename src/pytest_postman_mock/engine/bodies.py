"""Request-body comparison for Postman's body matching and the +5 "same body" bonus.

An example's saved body is normalised once, when the collection loads, into a
`SavedBody` of one kind (json, form, graphql, text, file, empty); the incoming
body is parsed at most once per request, lazily, by `IncomingBody`. Comparing
is then a cheap equality of normalised values:

- JSON: parsed values, key order and whitespace ignored, 1 == 1.0, true != 1;
- urlencoded and multipart: the text fields as a multiset (file parts ignored);
- GraphQL: whitespace-normalised query, parsed variables, operationName if both;
- a `file` body: any non-empty body, since its source is never read, unless the
  `file_bodies` setting allows reading it from inside the collection's folder;
- anything else: the trimmed text.

JSON nested deeper than `MAX_JSON_DEPTH` (a 2 KB body can nest 1,000 deep) is not
parsed as JSON at all: it is compared as text, so no comparison, helper or
JSONPath ever recurses through it, and no request can answer 500 that way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional
from urllib.parse import parse_qsl

from ..collection.model import Body, Pairs

JSON_TYPES = ("application/json", "application/graphql+json")

LANGUAGE_TYPES = {
    "json": "application/json",
    "xml": "application/xml",
    "html": "text/html",
    "text": "text/plain",
    "javascript": "application/javascript",
}
MODE_TYPES = {
    "urlencoded": "application/x-www-form-urlencoded",
    "formdata": "multipart/form-data",
    "graphql": "application/json",
}
FORM_TYPES = (MODE_TYPES["urlencoded"], MODE_TYPES["formdata"])
_MISSING = object()
MAX_JSON_DEPTH = 100
"""How deep a body's JSON may nest and still be read as JSON (deeper: compared as text)."""


FileReader = Callable[[str], Optional[bytes]]


def file_reader(root: Path, limit: int) -> FileReader:
    """Reads a `file` body's `src` only inside `root` (the collection's folder), at most
    `limit` bytes; anything else (an absolute path elsewhere, `../`, a link out) is None."""
    base = root.resolve()

    def read(src: str) -> bytes | None:
        try:
            path = (base / src).resolve()
            if not path.is_relative_to(base) or not path.is_file():
                return None
            if path.stat().st_size > limit:
                return None
            return path.read_bytes()
        except (OSError, ValueError):
            return None

    return read


def media_type(content_type: str | None) -> str:
    """`application/json; charset=utf-8` -> `application/json` (lower-case)."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_json_type(kind: str) -> bool:
    return kind in JSON_TYPES or kind.endswith("+json")


def same_json(left: Any, right: Any) -> bool:
    """JSON equality where numbers compare by value and booleans only to booleans."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, dict):
        return (
            isinstance(right, dict)
            and left.keys() == right.keys()
            and all(same_json(v, right[k]) for k, v in left.items())
        )
    if isinstance(left, list):
        return (
            isinstance(right, list)
            and len(left) == len(right)
            and all(same_json(a, b) for a, b in zip(left, right))
        )
    return bool(left == right)


def _graphql_key(query: str, variables: Any, operation: str | None) -> tuple[Any, ...]:
    """Whitespace-normalised query, variables as a value (clients send them as an object
    or as a JSON string; empty means `{}`), and the operation name."""
    if isinstance(variables, str):
        parsed = _parse_json(variables) if variables.strip() else {}
        variables = variables if parsed is _MISSING else parsed
    return (" ".join(query.split()), variables or {}, operation)


def too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether parsed JSON nests deeper than `limit` (walked without recursion)."""
    if not isinstance(value, (dict, list)):
        return False
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def parse_json(text: str) -> Any:
    """`json.loads`, raising `ValueError` (never `RecursionError`) for text that is not JSON
    or nests deeper than `MAX_JSON_DEPTH`."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
    if too_deep(value):
        raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    return value


def _parse_json(text: str) -> Any:
    try:
        return parse_json(text)
    except ValueError:
        return _MISSING


@dataclass(frozen=True)
class SavedBody:
    """An example's request body, normalised once for comparison."""

    kind: str
    value: Any
    content_type: str

    @classmethod
    def from_body(
        cls, body: Body | None, content_type: str | None, read_file: FileReader | None = None
    ) -> SavedBody:
        """`read_file` reads a `file` body's source, when that is allowed (`file_bodies`)."""
        declared = media_type(content_type)
        if body is None:
            return cls("empty", None, declared)
        implied = MODE_TYPES.get(body.mode) or LANGUAGE_TYPES.get(body.language or "", "")
        kind_type = declared or implied
        if body.mode in ("urlencoded", "formdata"):
            # Form fields only ever arrive form-encoded: a header naming another type
            # (`application/json` on a formdata body) cannot describe them.
            form_type = declared if declared in FORM_TYPES else implied
            if not body.fields and not body.files:
                return cls("empty", None, form_type)
            return cls("form", sorted(body.fields), form_type)
        if body.mode == "graphql" and body.graphql is not None:
            key = _graphql_key(
                body.graphql.query, body.graphql.variables, body.graphql.operation_name
            )
            return cls("graphql", key, kind_type)
        if body.mode == "file":
            data = read_file(body.files[0]) if read_file and body.files else None
            return cls("file", None, kind_type) if data is None else cls("bytes", data, kind_type)
        text = body.raw.strip()
        if not text:
            return cls("empty", None, kind_type)
        if is_json_type(kind_type) or (not kind_type and text[:1] in "{["):
            parsed = _parse_json(text)
            if parsed is not _MISSING:
                if (
                    isinstance(parsed, dict)
                    and isinstance(parsed.get("query"), str)
                    and set(parsed) <= {"query", "variables", "operationName"}
                ):
                    return cls(
                        "graphql",
                        _graphql_key(
                            parsed["query"], parsed.get("variables"), parsed.get("operationName")
                        ),
                        kind_type,
                    )
                return cls("json", parsed, kind_type)
        if kind_type == MODE_TYPES["urlencoded"]:
            return cls("form", sorted(parse_qsl(text, keep_blank_values=True)), kind_type)
        return cls("text", text, kind_type)


@dataclass
class IncomingBody:
    """The request's body, parsed lazily and at most once per request."""

    raw: bytes
    content_type: str = ""
    form: Pairs | None = None
    _text: str | None = field(default=None, repr=False)
    _json: Any = field(default=_MISSING, repr=False)

    @property
    def media_type(self) -> str:
        return media_type(self.content_type)

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self.raw.decode("utf-8", errors="replace").strip()
        return self._text

    def json(self) -> Any:
        if self._json is _MISSING:
            self._json = _parse_json(self.text) if self.text else None
        return self._json

    def fields(self) -> list[tuple[str, str]]:
        if self.form is not None:
            return sorted(self.form)
        return sorted(parse_qsl(self.text, keep_blank_values=True))


def same_body(saved: SavedBody, incoming: IncomingBody) -> bool:
    """Whether the incoming body carries the same content as the saved one."""
    if saved.kind == "empty":
        return not incoming.text
    if saved.kind == "file":
        return bool(incoming.raw)
    if saved.kind == "bytes":
        return bool(incoming.raw == saved.value)
    if saved.kind == "form":
        return bool(incoming.fields() == saved.value)
    if saved.kind == "text":
        return bool(incoming.text == saved.value)
    parsed = incoming.json()
    if parsed is _MISSING:
        return False
    if saved.kind == "graphql":
        if not isinstance(parsed, dict) or not isinstance(parsed.get("query"), str):
            return False
        query, variables, operation = saved.value
        theirs = _graphql_key(parsed["query"], parsed.get("variables"), parsed.get("operationName"))
        ops_agree = operation is None or theirs[2] is None or operation == theirs[2]
        return theirs[0] == query and same_json(theirs[1], variables) and ops_agree
    return same_json(saved.value, parsed)


def body_matches(saved: SavedBody, incoming: IncomingBody) -> bool:
    """Postman's explicit body matching: same content *and* the same Content-Type."""
    if saved.kind == "empty" and not incoming.text:
        return True
    if saved.content_type != incoming.media_type:
        return False
    return same_body(saved, incoming)
