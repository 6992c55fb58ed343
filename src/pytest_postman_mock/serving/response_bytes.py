"""An HTTP/1.1 response as bytes, written here: h11 parses requests, it does not format answers.

Formatting through h11 (`conn.send(Response/Data/EndOfMessage)`) cost more CPU per
request than everything else in the connection layer together: it validates every
header with regexes, rebuilds the header list to set framing and `Connection`, and
writes piece by piece. Here the head is one string, checked once and encoded once,
and sent with the body in one write. What h11 refused still gets the caller's 500
fallback (`Unsendable`): a header name that is not a token, a value or reason phrase
with a control character (CR and LF above all: nothing the app returns can add a
header line), text that is not Latin-1, a status outside 200-999, a `Content-Length`
that is not the body's. Spaces around a value are not part of it (RFC 9110 5.5): they
are trimmed, where h11 refused the whole response.

Every body is framed by `Content-Length` (the whole body is in memory): a
`Transfer-Encoding` or `Connection` the app gave is dropped, since both belong to
this connection. The mock's `Server` and a `Date` (formatted once per second) are
added only where the app's headers have none.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from email.utils import formatdate

from ..engine.plans import HEADER_NAME

SERVER_NAME = "postman-mock"
NO_BODY_STATUSES = frozenset({204, 304})
CONTINUE = b"HTTP/1.1 100 \r\n\r\n"
"""The interim answer to `Expect: 100-continue`."""
DROPPED = frozenset({"connection", "transfer-encoding"})
"""The app's headers that describe this connection, which is ours to describe."""
_SERVER_LINE = f"Server: {SERVER_NAME}\r\n"
_SPACES = " \t"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters other than tab, CR and LF (those two are counted instead)."""
_TOKENS: set[str] = set()
"""Header names already found to be tokens (apps send the same few again and again)."""
_MOST_TOKENS = 4096


class Unsendable(ValueError):
    """A response HTTP/1.1 cannot carry as the app gave it."""


class DateLine:
    """The `Date` header line, formatted at most once per second (any thread may ask)."""

    def __init__(self) -> None:
        self._cached = (-1, "")

    def __call__(self) -> str:
        now = int(time.time())
        second, line = self._cached
        if second != now:
            line = f"Date: {formatdate(now, usegmt=True)}\r\n"
            self._cached = (now, line)  # one tuple: a reader sees an old pair or a new one
        return line


date_line = DateLine()


def _check_name(name: str) -> None:
    if not HEADER_NAME.fullmatch(name):
        raise Unsendable(f"header name {name!r} is not an HTTP token")
    if len(_TOKENS) < _MOST_TOKENS:
        _TOKENS.add(name)


Head = tuple[str, str, bool]
"""A response head checked and formatted: the text before the `Date` line, the text after
it, and whether it has a body to follow."""
_heads: dict[tuple[object, ...], Head] = {}
_MOST_HEADS = 1024


def response_bytes(
    status: str,
    headers: Iterable[tuple[str, str]],
    body: bytes,
    *,
    head_only: bool = False,
    connection: str | None = None,
    stamp: bool = True,
) -> bytes:
    """The response to send: `status` ("200 OK"), the app's `headers`, and `body` unless
    `head_only` (a HEAD request) or the status has none; `Connection: <connection>` when
    given, the mock's `Server` and `Date` where absent when `stamp`. `Unsendable` if
    HTTP/1.1 cannot carry it.

    An app sends the same few heads again and again: each is checked and formatted
    once (only the `Date` changes), and kept while there are not too many."""
    pairs = tuple(headers)
    key = (status, pairs, len(body), head_only, connection, stamp)
    kept = True
    try:
        found = _heads.get(key)
    except TypeError:  # a header that is not a pair of strings: checked below, never kept
        found, kept = None, False
    if found is None:
        found = _head(status, pairs, len(body), head_only, connection, stamp)
        if kept:
            if len(_heads) >= _MOST_HEADS:
                _heads.clear()
            _heads[key] = found
    before, after, sends_body = found
    head = before + date_line() + after if after else before
    data = head.encode("latin-1")  # checked when formatted
    return data + body if sends_body else data


def _head(
    status: str,
    headers: tuple[tuple[str, str], ...],
    size: int,
    head_only: bool,
    connection: str | None,
    stamp: bool,
) -> Head:
    code_text, _, reason = status.partition(" ")
    valid = len(code_text) == 3 and code_text.isascii() and code_text.isdigit()
    code = int(code_text) if valid else 0
    if not 200 <= code < 1000:
        raise Unsendable(f"status {status!r} is not a final HTTP status")
    sends_body = code not in NO_BODY_STATUSES
    length = str(size)
    parts = [f"HTTP/1.1 {code} {reason}\r\n"]
    given_length: str | None = None
    server = date = True
    for name, value in headers:
        lower = name.lower()
        if lower in DROPPED:
            continue
        if name not in _TOKENS:
            _check_name(name)
        if lower == "content-length":
            if not (value.isascii() and value.isdigit()):
                raise Unsendable(f"Content-Length {value!r} is not a number")
            if given_length is not None:
                if value != given_length:
                    raise Unsendable("conflicting Content-Length headers")
                continue
            if sends_body and not head_only and value != length:
                raise Unsendable(f"Content-Length {value} for a body of {length} bytes")
            given_length = value
        elif lower == "server":
            server = False
        elif lower == "date":
            date = False
        parts.append(f"{name}: {value.strip(_SPACES)}\r\n")  # outer spaces are not the value
    if stamp and server:
        parts.append(_SERVER_LINE)
    dated = len(parts) if stamp and date else 0
    if sends_body and given_length is None:
        parts.append(f"Content-Length: {length}\r\n")
    if connection is not None:
        parts.append(f"Connection: {connection}\r\n")
    parts.append("\r\n")
    head = "".join(parts)
    # Each part ends in the one CRLF it may hold: any other CR or LF came from the app.
    if head.count("\n") != len(parts) or head.count("\r") != len(parts) or _CONTROL.search(head):
        raise Unsendable("a control character in the status or a header")
    try:
        head.encode("latin-1")
    except UnicodeEncodeError:
        raise Unsendable("a header that is not Latin-1 text") from None
    if not dated:
        return head, "", sends_body and not head_only
    return "".join(parts[:dated]), "".join(parts[dated:]), sends_body and not head_only
