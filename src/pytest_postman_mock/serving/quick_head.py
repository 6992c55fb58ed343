"""The common request head read without an `h11.Connection`: a third of h11's cost.

Most requests a mock serves are plain: a GET or DELETE with no body, its whole head in
one read. `quick_head` takes only heads that are certainly well formed, in a stricter
grammar than RFC 9112's (ASCII only, CRLF line ends, no folded lines, no Content-Length,
Transfer-Encoding or Expect), checked by one regular expression over the whole head,
and builds the same `h11.Request` h11's own reader would: as h11 does after its own
regular expressions, it tells the constructor the fields are parsed (`_parsed`), so
only what the grammar does not cover is checked again (one Host on HTTP/1.1, the method
and target). Anything else, valid or not, returns None and goes through h11 as before,
so what is accepted, refused and how is h11's in both cases.
"""

from __future__ import annotations

import re

import h11

_TOKEN = rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_VALUE = rb"[\x20-\x7e\t]*"
"""A field's value with the spaces and tabs around it (stripped after the match): the
same strings as RFC 9112's `OWS field-value OWS` in ASCII, written with one way only to
match each, so that a head that fails cannot make the search backtrack through the ways
of splitting blank values between the spaces before and after them."""
_HEAD = re.compile(
    rb"(" + _TOKEN + rb") ([\x21-\x7e]+) HTTP/(1\.[01])\r\n"
    rb"((?:" + _TOKEN + rb":" + _VALUE + rb"\r\n)*)\r\n"
)
"""A whole head: no field byte can be CR or LF, so a match ends at the first blank line,
and a lone CR or LF anywhere fails it."""
_FRAMING = frozenset({b"content-length", b"transfer-encoding", b"expect"})
"""Headers that give a request a body or an interim answer: h11 reads those."""
_SPACE = b" \t"


def quick_head(buffer: bytes | bytearray, limit: int) -> tuple[h11.Request, int] | None:
    """The bodyless request whose head starts `buffer` (within `limit` bytes and its
    blank line), and where the head ends; None when h11 should read it."""
    head = _HEAD.match(buffer, 0, limit + 4)
    if head is None:
        return None
    headers = []
    for line in head[4].split(b"\r\n")[:-1]:
        name, _, value = line.partition(b":")
        if name.lower() in _FRAMING:
            return None
        headers.append((name, value.strip(_SPACE)))
    try:
        request = h11.Request(
            method=head[1], target=head[2], headers=headers, http_version=head[3], _parsed=True
        )
    except h11.LocalProtocolError:  # h11 sees a problem this grammar let through: its call
        return None
    return request, head.end()
