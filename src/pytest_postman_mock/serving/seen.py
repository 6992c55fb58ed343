"""One request read straight from its WSGI environ, once, the way Werkzeug's `Request`
reads it (same header names, first values, query order, path decoding), without building
a `Request` per call: the app builds one only when something needs Werkzeug (a form body,
a handler's rules, the proxy, a body that some other WSGI server has not bounded).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import parse_qsl, quote

import werkzeug.urls  # noqa: F401  registers the "werkzeug.url_quote" error handler

from ..calls.redaction import REDACTED

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

Pairs = tuple[tuple[str, str], ...]
API_KEY = "x-api-key"
"""The header the call log never keeps (the mock's key, or a guess at it)."""


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
def _header_names(key: str) -> tuple[str, str] | None:
    """The header name of an environ key, spelled as Werkzeug's `EnvironHeaders` spells it,
    and lower-cased, or None for a key that is no header (worked out once per key)."""
    if key.startswith("HTTP_") and key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
        name = key[5:].replace("_", "-").title()
    elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        name = key.replace("_", "-").title()
    else:
        return None
    return name, name.lower()


_NOT_HEADERS = frozenset(
    {
        *("wsgi.version", "wsgi.url_scheme", "wsgi.input", "wsgi.input_terminated"),
        *("wsgi.errors", "wsgi.multithread", "wsgi.multiprocess", "wsgi.run_once"),
        *("SERVER_SOFTWARE", "REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING"),
        *("REQUEST_URI", "RAW_URI", "REMOTE_ADDR", "REMOTE_PORT", "SERVER_NAME"),
        *("SERVER_PORT", "SERVER_PROTOCOL", "werkzeug.socket", "werkzeug.request"),
    }
)
"""Keys every WSGI server puts in an environ that are no header (a shortcut only: any
other key is looked up by `_header_names`)."""


def _read_headers(environ: WSGIEnvironment) -> tuple[Pairs, Pairs, Pairs, dict[str, str]]:
    """One pass over the environ: the headers as Werkzeug lists them; the same with their
    values as the client meant them (`header_text`: the same tuple when all are ASCII);
    those again as the call log keeps them (`x-api-key` redacted); and lower-cased names
    to those values (the first of a repeated name)."""
    items = []
    lowered: dict[str, str] = {}
    plain = True
    secret = False
    for key, value in environ.items():
        if key in _NOT_HEADERS:  # most of an environ: skipped without working out a name
            continue
        names = _header_names(key)
        if names is None or not (value or key[0] == "H"):
            continue
        items.append((names[0], value))
        if not value.isascii():
            plain = False
            value = header_text(value)
        lower = names[1]
        if lower not in lowered:
            lowered[lower] = value
        if lower == API_KEY:
            secret = True
    headers = tuple(items)
    texts = headers if plain else tuple((k, header_text(v)) for k, v in headers)
    recorded = texts
    if secret:
        recorded = tuple((k, REDACTED if k.lower() == API_KEY else v) for k, v in texts)
    return headers, texts, recorded, lowered


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


class Seen(NamedTuple):
    """What the app and the call log read of a request, read once (a tuple: one is made
    per call, and a frozen dataclass costs a `__setattr__` per field)."""

    method: str
    path: str
    """Percent-decoded, as Werkzeug's `Request.path`."""
    raw_path: str
    query: Pairs
    headers: Pairs
    """Names as Werkzeug spells them, values as WSGI carries them (Latin-1)."""
    texts: Pairs
    """The same headers with their values as the client meant them (`header_text`)."""
    recorded: Pairs
    """`texts` as the call log keeps them: any `x-api-key` as `[redacted]`."""
    lowered: dict[str, str]
    """Lower-cased header names to their `texts` values, the first of a repeated name: the
    engine's `Incoming.headers` (each call gets its own dict)."""
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
        headers, texts, recorded, lowered = _read_headers(environ)
        query = environ.get("QUERY_STRING")
        return cls(
            environ.get("REQUEST_METHOD", "GET").upper(),
            "/" + path.lstrip("/"),
            raw_path(environ),
            query_items(query) if query else (),
            headers,
            texts,
            recorded,
            lowered,
            environ.get("CONTENT_TYPE") or "",
        )
