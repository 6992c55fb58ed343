"""The WSGI environ of one request that h11 parsed, built the way Werkzeug's server builds it.

The body is already read (and bounded) by the connection, so `wsgi.input` holds exactly
the bytes the client sent, whatever the framing. The request target reaches us with any
raw non-ASCII bytes percent-encoded (see `wire.encode_target`), so `/café` and
`/caf%C3%A9` are the same request; `RAW_URI` and `REQUEST_URI` keep the target undecoded.
"""

from __future__ import annotations

import io
import sys
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit

import h11


def _wsgi(text: str) -> str:
    """A text as WSGI carries it: its UTF-8 bytes read as Latin-1 (PEP 3333)."""
    return text if text.isascii() else text.encode("utf-8").decode("latin-1")


@lru_cache(maxsize=1024)
def _header_key(raw_name: bytes) -> str | None:
    """The environ key of a header name, or None for one to leave out (clients send the
    same few names on every request: each is worked out once)."""
    name = raw_name.decode("ascii")
    if "_" in name:  # as Werkzeug: X_Api_Key must not pass for X-Api-Key
        return None
    key = name.upper().replace("-", "_")
    return key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"


_PROTOCOLS = {b"1.1": "HTTP/1.1", b"1.0": "HTTP/1.0"}


def build_environ(
    request: h11.Request,
    body: bytes,
    client: tuple[str, int],
    server: tuple[str, int],
    software: str,
    scheme: str = "http",
) -> dict[str, Any]:
    """The environ for `request` with `body`, from `client` to `server`."""
    target = request.target.decode("ascii")
    host = ""
    if target[:1] == "/" and target[1:2] != "/" and "#" not in target:  # origin-form
        path, _, query = target.partition("?")
    else:
        url = urlsplit(target)
        # A target that starts with two slashes is a path, not an authority.
        path = f"/{url.netloc}{url.path}" if not url.scheme and url.netloc else url.path
        query = url.query
        if url.scheme and url.netloc:  # absolute-form: the target names the host
            host = url.netloc
    version = request.http_version
    protocol = _PROTOCOLS.get(version) or f"HTTP/{version.decode('ascii')}"
    environ: dict[str, Any] = {
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "SERVER_SOFTWARE": software,
        "REQUEST_METHOD": request.method.decode("ascii"),
        "SCRIPT_NAME": "",
        "PATH_INFO": _wsgi(unquote(path)) if "%" in path else path,  # the target is ASCII
        "QUERY_STRING": query,
        "REQUEST_URI": target,
        "RAW_URI": target,
        "REMOTE_ADDR": client[0],
        "REMOTE_PORT": client[1],
        "SERVER_NAME": server[0],
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": protocol,
    }
    for raw_name, raw_value in request.headers.raw_items():
        key = _header_key(raw_name)
        if key is None:
            continue
        value = raw_value.decode("latin-1")
        if key in environ and key[0] == "H":  # a repeated HTTP_ header: its values joined
            value = f"{environ[key]},{value}"
        environ[key] = value
    if "CONTENT_LENGTH" in environ:  # h11 checked it: the one value, the body's length
        environ["CONTENT_LENGTH"] = str(len(body))
    if host:
        environ["HTTP_HOST"] = host
    return environ
