"""One request read straight from its WSGI environ, once, the way Werkzeug's `Request`
reads it (same header names, first values, query order, path decoding), without building
a `Request` per call: the app builds one only when something needs Werkzeug (a form body,
a handler's rules, the proxy, a body that some other WSGI server has not bounded).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote

import werkzeug.urls  # noqa: F401  registers the "werkzeug.url_quote" error handler

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

Pairs = tuple[tuple[str, str], ...]


def header_text(value: str) -> str:
    """A header value as the client meant it: WSGI hands over Latin-1, but clients that send
    non-ASCII (an example name in `x-mock-response-name`) send UTF-8."""
    if value.isascii():
        return value
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def raw_path(environ: WSGIEnvironment) -> str:
    """The request path still percent-encoded, as the client sent it (no double decoding)."""
    uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if not uri:
        return quote(environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace"))
    uri = uri.split("?", 1)[0]
    if "://" in uri:  # absolute-form request target
        uri = "/" + uri.split("://", 1)[1].partition("/")[2]
    return uri or "/"


@lru_cache(maxsize=1024)
def _header_name(key: str) -> str | None:
    """The header name of an environ key, spelled as Werkzeug's `EnvironHeaders` spells it,
    or None for a key that is no header (worked out once per key)."""
    if key.startswith("HTTP_") and key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
        return key[5:].replace("_", "-").title()
    if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        return key.replace("_", "-").title()
    return None


def header_items(environ: WSGIEnvironment) -> Pairs:
    """The request's headers as Werkzeug lists them, values as WSGI carries them."""
    items = []
    for key, value in environ.items():
        name = _header_name(key)
        if name is not None and (value or key[0] == "H"):
            items.append((name, value))
    return tuple(items)


def query_items(query_string: str) -> Pairs:
    """The query as `request.args.items(multi=True)` lists it: keys in first-seen order,
    each key's values in order (so `a=1&b=2&a=3` is a=1, a=3, b=2)."""
    if not query_string:
        return ()
    text = query_string.encode("latin1").decode()
    grouped: dict[str, list[str]] = {}
    for key, value in parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote"):
        grouped.setdefault(key, []).append(value)
    return tuple((k, v) for k, values in grouped.items() for v in values)


@dataclass(frozen=True)
class Seen:
    """What the app and the call log read of a request, read once."""

    method: str
    path: str
    """Percent-decoded, as Werkzeug's `Request.path`."""
    raw_path: str
    query: Pairs
    headers: Pairs
    """Names as Werkzeug spells them, values as WSGI carries them (Latin-1)."""
    content_type: str
    """As Werkzeug's `Request.content_type` (the raw value, "" when there is none)."""

    @classmethod
    def of(cls, environ: WSGIEnvironment) -> Seen:
        path_info = environ.get("PATH_INFO") or ""
        path = (
            path_info
            if path_info.isascii()
            else path_info.encode("latin1").decode(errors="replace")
        )
        return cls(
            method=environ.get("REQUEST_METHOD", "GET").upper(),
            path="/" + path.lstrip("/"),
            raw_path=raw_path(environ),
            query=query_items(environ.get("QUERY_STRING", "")),
            headers=header_items(environ),
            content_type=environ.get("CONTENT_TYPE") or "",
        )
