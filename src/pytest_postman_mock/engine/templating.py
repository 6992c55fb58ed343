"""Rendering an example's response: `{{...}}` tokens filled from captures, variables,
dynamic `{{$random...}}` values and the request helpers.

Templates are split into literal text and tokens once, when the collection
loads; rendering is a single pass that joins the pieces. Order of lookup for a
token, as Postman does it: wildcard captures, then the example's variables
(marker > environment > item/folder > collection), then dynamic variables,
then the request helpers (`$body`, `$queryParams`, `$headers`, `$pathSegments`).

Helper tokens are parsed here too, at compile time (see helpers.py): their
quoted arguments may contain braces, so `{{$body 'id' '{{$randomInt}}'}}` is one
token whose default is itself a template.

Safety: a value that came from the request is inserted as it is and never
scanned again for `{{...}}`, so a client cannot inject template syntax; values
rendered into a header never carry CR or LF. With a `limit` on the context, a
render that grows past it stops with `TooLarge` instead of filling memory.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Callable

from . import helpers
from .request import Incoming
from .variables import MAX_PASSES, VARIABLE, TooLarge

MAX_DEPTH = MAX_PASSES
"""How deep variables may refer to variables while rendering (self-reference stops here)."""

TOKEN = re.compile(f"{helpers.HELPER_TOKEN.pattern}|{VARIABLE.pattern}")
"""A helper token (arguments may hold braces), else Postman's plain `{{name}}`."""


@dataclass(frozen=True)
class Token:
    """One `{{...}}` in a template: `name` is its trimmed inside, `raw` the text as written."""

    name: str
    raw: str
    call: helpers.HelperCall | None = None
    """The parsed helper (arguments, compiled JSONPath, default) for `$body` & co."""


@dataclass
class RenderContext:
    """What a template may draw on while one response is rendered."""

    variables: Mapping[str, str]
    captures: Mapping[str, str] = field(default_factory=dict)
    request: Incoming | None = None
    dynamic: Callable[[str], str | None] | None = None
    """Resolves a `$name` dynamic variable, or returns None for an unknown name."""
    helper: Callable[[helpers.HelperCall, RenderContext], str | None] | None = None
    """Resolves a parsed request helper token (`$body 'a.b'`), or returns None."""
    limit: int | None = None
    """The most characters one render may produce (`max_response_size`)."""
    jsonpath_limit: int | None = None
    """The most nodes one `$body` JSONPath may visit or return (`max_jsonpath_nodes`)."""
    _variables_cache: dict[str, str] = field(default_factory=dict, repr=False)
    _helper_depth: int = field(default=0, repr=False)


@dataclass(frozen=True)
class Template:
    """A string split into literal text and tokens, ready to render many times."""

    parts: tuple[str | Token, ...]

    @classmethod
    def compile(cls, text: str) -> Template:
        if "{{" not in text:
            return cls((text,) if text else ())
        parts: list[str | Token] = []
        position = 0
        for found in TOKEN.finditer(text):
            if found.start() > position:
                parts.append(text[position : found.start()])
            raw = found.group(0)
            name = raw[2:-2].strip()
            call = None
            if helpers.helper_name(name) in helpers.HELPERS:
                call = helpers.parse(name, compile_cached)
            parts.append(Token(name, raw, call))
            position = found.end()
        if position < len(text):
            parts.append(text[position:])
        return cls(tuple(parts))

    @cached_property
    def is_static(self) -> bool:
        """No token to fill (asked on every render: worked out once)."""
        return all(isinstance(p, str) for p in self.parts)

    def render(self, context: RenderContext, depth: int = 0) -> str:
        if self.is_static:
            return "".join(self.parts)  # type: ignore[arg-type]
        out: list[str] = []
        size, limit = 0, context.limit
        for part in self.parts:
            if isinstance(part, str):
                piece = part
            else:
                value = resolve(part, context, depth)
                piece = part.raw if value is None else value
            size += len(piece)
            if limit is not None and size > limit:
                raise TooLarge("the response", limit, "max_response_size")
            out.append(piece)
        return "".join(out)


def resolve(token: Token, context: RenderContext, depth: int = 0) -> str | None:
    """The text for one token, or None to leave it as written."""
    name = token.name
    if name in context.captures:
        return context.captures[name]
    if name in context.variables:
        if depth >= MAX_DEPTH:
            return None
        cached = context._variables_cache.get(name)
        if cached is None:
            cached = compile_cached(context.variables[name]).render(context, depth + 1)
            context._variables_cache[name] = cached
        return cached
    if name.startswith("$"):
        if " " not in name and context.dynamic is not None:
            value = context.dynamic(name)
            if value is not None:
                return value
        call = token.call
        if call is not None and context.helper is not None and context._helper_depth < MAX_DEPTH:
            # defaults are templates that may hold helpers: bound the nesting
            context._helper_depth += 1
            try:
                return context.helper(call, context)
            finally:
                context._helper_depth -= 1
    return None


@lru_cache(maxsize=4096)
def compile_cached(text: str) -> Template:
    """`Template.compile` once per distinct text (variable values, helper defaults)."""
    return Template.compile(text)


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def header_safe(value: str) -> str:
    """A header value (or reason phrase) that can neither add a header nor break the response.

    CR, LF and the other control characters (tab stays) become spaces, so request
    data cannot start a new header line. Non-ASCII text goes out as UTF-8 bytes
    (spelled as latin-1 characters, WSGI's convention), the way Node servers send
    it; as plain text `€` would crash the HTTP server's latin-1 encoder.
    """
    if _CONTROL.search(value):
        value = _CONTROL.sub(" ", value)
    if not value.isascii():
        value = value.encode("utf-8", "replace").decode("latin-1")
    return value
