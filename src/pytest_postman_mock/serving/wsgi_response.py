"""Send a `Rendered` response through `start_response`, with the headers Werkzeug's
`Response` would send, without building one per call.

The common case (a status with a reason, 2xx-9xx except 204 and 304, no `Location` or
`Content-Location` to rewrite, no newline in a value) is done here: a default
`Content-Type`, the first `Content-Length` set to the body's length (later ones dropped),
an empty body for HEAD. Anything else goes through Werkzeug's `Response`, so every
WSGI server sees exactly what it saw before.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from werkzeug.wrappers import Response

from ..engine.plans import Rendered

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

DEFAULT_TYPE = "text/plain; charset=utf-8"
_SLOW_NAMES = frozenset({"location", "content-location"})


def _plain_headers(rendered: Rendered) -> list[tuple[str, str]] | None:
    """The headers to send, or None when Werkzeug must decide them."""
    headers: list[tuple[str, str]] = []
    typed = False
    length = str(len(rendered.body))
    sized = False
    for name, value in rendered.headers:
        if type(value) is not str or "\n" in value or "\r" in value:
            return None
        lower = name.lower()
        if lower == "content-length":
            if not sized:
                headers.append(("Content-Length", length))
                sized = True
            continue
        if lower in _SLOW_NAMES:
            return None
        if lower == "content-type":
            typed = True
        headers.append((name, value))
    if not typed:
        headers.append(("Content-Type", DEFAULT_TYPE))
    if not sized:
        headers.append(("Content-Length", length))
    return headers


Header = tuple[str, str]
_planned: dict[tuple[int, int], tuple[tuple[Header, ...], list[Header] | None]] = {}
_MOST_PLANNED = 1024


def _headers_for(rendered: Rendered) -> list[Header] | None:
    """`_plain_headers`, worked out once per tuple of headers and body length (a response
    plan sends the same tuple again and again; kept with it, so that its id stays its own)."""
    headers = rendered.headers
    key = (id(headers), len(rendered.body))
    found = _planned.get(key)
    if found is None or found[0] is not headers:
        found = (headers, _plain_headers(rendered))
        if len(_planned) >= _MOST_PLANNED:
            _planned.clear()
        _planned[key] = found
    plain = found[1]
    return None if plain is None else list(plain)  # the server's own list, as before


def send(
    rendered: Rendered, environ: WSGIEnvironment, start_response: StartResponse
) -> Iterable[bytes]:
    """Start the response and return its body, as `Response(...)(environ, start_response)`."""
    status = rendered.status
    if rendered.reason.strip() and status >= 200 and status not in (204, 304):
        headers = _headers_for(rendered)
        if headers is not None:
            start_response(f"{status} {rendered.reason}", headers)
            return [] if environ.get("REQUEST_METHOD") == "HEAD" else [rendered.body]
    response = Response(
        rendered.body, status=f"{status} {rendered.reason}", headers=list(rendered.headers)
    )
    return response(environ, start_response)
