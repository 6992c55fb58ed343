"""Postman's request helpers for dynamic responses (SPEC §4.1): `{{$body}}`,
`{{$queryParams}}`, `{{$headers}}` and `{{$pathSegments}}`.

A helper token is parsed once, when its template is compiled (collection load):
the arguments are split, an object-path is split on unescaped dots, and a JSONPath
is compiled with jsonpath-ng. The parsed `HelperCall` lives on the template's
token, and the template hands that parsed call to the engine's `helper` hook,
so no request ever parses an argument or a JSONPath.

What a helper returns is request data: it is inserted as raw text (strings as
they are, numbers/booleans/null as JSON literals, objects/arrays as compact
JSON) and never scanned again for `{{...}}`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable, Protocol

from . import paths
from .bodies import FORM_TYPES
from .dynamic import NAMES as DYNAMIC_NAMES
from .jsonpath import bounded_find, compile_jsonpath
from .request import Incoming

HELPERS = frozenset({"$body", "$queryParams", "$headers", "$pathSegments"})
"""The helper names, with their `$`, as written in a template (case-sensitive)."""

_ARG = r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s'"{}]+"""
HELPER_TOKEN = re.compile(
    r"\{\{\s*\$(?:body|queryParams|headers|pathSegments)(?:\s+(?:" + _ARG + r"))*\s*\}\}"
)
"""A whole helper token; quoted arguments may hold braces (a default of `'{{$guid}}'`)."""
_ARGS = re.compile(r"\s*(" + _ARG + r")")
_DOT = re.compile(r"(?<!\\)\.")
_QUOTE_ESCAPE = re.compile(r"\\(['\"])")
HIDDEN_HEADERS = frozenset({"x-api-key"})
"""Left out of the whole-object `{{$headers}}`, so an echo never publishes the mock's key."""


class Template(Protocol):
    """A compiled default: templating's `Template`, which this module must not import."""

    def render(self, context: Any) -> str: ...


class HelperContext(Protocol):
    """What a helper reads of the render context: the request (None outside a call) and
    the budget of a JSONPath (`max_jsonpath_nodes`)."""

    @property
    def request(self) -> Incoming | None: ...

    @property
    def jsonpath_limit(self) -> int | None: ...


class _Missing:
    """Marks a value the request does not have (distinct from JSON `null`)."""


MISSING: Any = _Missing()


@dataclass(frozen=True)
class HelperCall:
    """One parsed helper token: which helper, its key, and its default as a template."""

    helper: str
    key: str | None = None
    path: tuple[str, ...] = ()
    """The key split as an object-path (`a\\.b.0` -> ("a.b", "0")), for `$body`."""
    jsonpath: Any = None
    """The compiled JSONPath when a `$body` key starts with `$`."""
    default: Template | None = None
    """Rendered only when the value is missing: `'{{$guid}}'` (or just `'$guid'`) works."""


def helper_name(name: str) -> str:
    """The first word of a token's inside: `$body 'a'` -> `$body`."""
    return name.split(None, 1)[0] if name else ""


def split_args(text: str) -> list[str] | None:
    """`'a' "b" c` -> ["a", "b", "c"]; None when the text is not a list of arguments."""
    args: list[str] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        found = _ARGS.match(text, position)
        if found is None:
            return None
        arg = found.group(1)
        if arg[0] in "'\"":
            arg = _QUOTE_ESCAPE.sub(r"\1", arg[1:-1])
        args.append(arg)
        position = found.end()
    return args


def object_path(key: str) -> tuple[str, ...]:
    """Split on dots not escaped by a backslash: `a\\.a.b` -> ("a.a", "b")."""
    return tuple(part.replace("\\.", ".") for part in _DOT.split(key))


def parse(name: str, compile_default: Callable[[str], Template]) -> HelperCall | None:
    """Parse a helper token's inside (`$body 'a.b' 'x'`), or None if it is not a valid one.

    A bad JSONPath or a third argument makes the token invalid: it is then left as written.
    """
    helper = helper_name(name)
    rest = name[len(helper) :]
    if helper not in HELPERS:
        return None
    args = split_args(rest)
    if args is None or len(args) > 2:
        return None
    key = args[0] if args else None
    default = None
    if len(args) == 2:
        # `'$randomInt'` names a dynamic variable; any other default is a template
        text = args[1]
        default = compile_default("{{" + text + "}}" if text in DYNAMIC_NAMES else text)
    if helper != "$body" or key is None:
        return HelperCall(helper, key, default=default)
    if key.startswith("$"):
        try:
            compiled = compile_jsonpath(key)
        except ValueError:
            return None
        return HelperCall(helper, key, jsonpath=compiled, default=default)
    return HelperCall(helper, key, path=object_path(key) if key else (), default=default)


def as_text(value: Any) -> str:
    """Raw text for a value: strings as they are, anything else as compact JSON.

    A lone surrogate (JSON's `"\ud800"`, which no UTF-8 response can carry) becomes
    U+FFFD, as undecodable request bytes do everywhere else.
    """
    text = (
        value
        if isinstance(value, str)
        else json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    )
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def walk(data: Any, path: tuple[str, ...]) -> Any:
    """Object-path lookup: keys into objects, numeric parts into arrays; MISSING if absent."""
    for part in path:
        if isinstance(data, dict):
            if part not in data:
                return MISSING
            data = data[part]
        elif isinstance(data, list) and part.isascii() and part.isdigit():
            index = int(part)
            if index >= len(data):
                return MISSING
            data = data[index]
        else:
            return MISSING
    return data


def first_values(pairs: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> dict[str, str]:
    """key -> first value, in first-seen order (a repeated key keeps its first value)."""
    found: dict[str, str] = {}
    for key, value in pairs:
        found.setdefault(key, value)
    return found


def body_data(context: HelperContext) -> Any:
    """The request body as data: form fields as key -> value, else the parsed JSON."""
    request = context.request
    if request is None:
        return MISSING
    body = request.body
    if body.form is not None or body.media_type in FORM_TYPES:
        return first_values(body.form if body.form is not None else body.fields())
    parsed = body.json()
    if isinstance(parsed, (dict, list, str, int, float)):  # not None, not unparsable
        return parsed
    return MISSING


def lookup(call: HelperCall, context: HelperContext) -> Any:
    """The request's value for a helper call, or MISSING."""
    request = context.request
    if request is None:
        return MISSING
    helper, key = call.helper, call.key
    if helper == "$body":
        if key is None:
            return request.body.raw.decode("utf-8", errors="replace")
        data = body_data(context)
        if data is MISSING:
            return MISSING
        if call.jsonpath is not None:
            limit = context.jsonpath_limit
            if limit is None:
                found = [match.value for match in call.jsonpath.find(data)]
            else:
                found = bounded_find(call.jsonpath, data, limit, key)
            return MISSING if not found else found[0] if len(found) == 1 else found
        return walk(data, call.path)
    if helper == "$queryParams":
        query = first_values(request.query)
        return query if key is None else query.get(key, MISSING)
    if helper == "$headers":
        headers: Mapping[str, str] = request.headers
        if key is None:
            return {k: v for k, v in headers.items() if k not in HIDDEN_HEADERS}
        return headers.get(key.lower(), MISSING)
    segments = paths.strip_slashes(request.segments)
    if key is None:
        return list(segments)
    if key.isascii() and key.isdigit() and int(key) < len(segments):
        return segments[int(key)]
    return MISSING


def resolve_helper(call: HelperCall, context: HelperContext) -> str:
    """The engine's `helper` hook: the text for one parsed helper token."""
    value = lookup(call, context)
    if value is not MISSING:
        return as_text(value)
    if call.default is not None:
        return call.default.render(context)
    return ""
