"""The common request head read without an `h11.Connection`: a third of h11's cost.

Most requests a mock serves are plain: a GET or DELETE with no body, its whole head in
one read. `quick_head` takes only heads that are certainly well formed, in a stricter
grammar than RFC 9112's (ASCII only, CRLF line ends, no folded lines, exactly one Host
on HTTP/1.1, no Content-Length, Transfer-Encoding or Expect), and builds the same
`h11.Request` h11 would, through h11's own validating constructor. Anything else, valid
or not, returns None and goes through h11 as before, so what is accepted, refused and
how is h11's in both cases.
"""

from __future__ import annotations

import re

import h11

_TOKEN = rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_LINE = re.compile(rb"(" + _TOKEN + rb") ([\x21-\x7e]+) HTTP/(1\.[01])")
_FIELD = re.compile(
    rb"(" + _TOKEN + rb"):[ \t]*((?:[\x21-\x7e](?:[\x20-\x7e\t]*[\x21-\x7e])?)?)[ \t]*"
)
_FRAMING = frozenset({b"content-length", b"transfer-encoding", b"expect"})
"""Headers that give a request a body or an interim answer: h11 reads those."""
_END = b"\r\n\r\n"


def quick_head(buffer: bytes | bytearray, limit: int) -> tuple[h11.Request, int] | None:
    """The bodyless request whose head starts `buffer` (within `limit` bytes), and where
    the head ends; None when h11 should read it."""
    end = buffer.find(_END, 0, limit + len(_END))
    if end < 0:
        return None
    head = bytes(buffer[:end])
    bare = head.replace(b"\r\n", b"")
    if b"\r" in bare or b"\n" in bare:  # a lone CR or LF: h11 decides
        return None
    lines = head.split(b"\r\n")
    line = _LINE.fullmatch(lines[0])
    if line is None:
        return None
    headers = []
    hosts = 0
    for text in lines[1:]:
        field = _FIELD.fullmatch(text)
        if field is None:
            return None
        name = field[1].lower()
        if name in _FRAMING:
            return None
        hosts += name == b"host"
        headers.append((field[1], field[2]))
    version = line[3]
    if hosts > 1 or (hosts == 0 and version == b"1.1"):
        return None
    try:
        request = h11.Request(method=line[1], target=line[2], headers=headers, http_version=version)
    except h11.LocalProtocolError:  # h11 sees a problem this grammar let through: its call
        return None
    return request, end + len(_END)
