"""The quick path for plain request heads reads exactly what h11 reads, or steps aside."""

from __future__ import annotations

import h11
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_postman_mock.serving.quick_head import quick_head

LIMIT = 64 * 1024
PLAIN = b"GET /users/1?x=%20 HTTP/1.1\r\nHost: x\r\nAccept:  */* \r\nX-Empty:\r\n\r\nGET /next"
LINES = [
    b"GET /users/1 HTTP/1.1",
    b"DELETE /a?b=c HTTP/1.0",
    b"OPTIONS * HTTP/1.1",
    b"GET http://x.test/p HTTP/1.1",
    b"G@T / HTTP/1.1",
    b"GET /caf\xc3\xa9 HTTP/1.1",
    b"GET / HTTP/2.0",
    b"GET  / HTTP/1.1",
    b"",
]
FIELDS = [
    b"Host: x",
    b"host: 127.0.0.1:8080",
    b"Accept: */*",
    b"User-Agent:\tclient/1.0\t",
    b"X-Empty:",
    b"X-Blank:   ",
    b"X-Tabs:\t \t",
    b"X-Spaces: a  b ",
    b"Content-Length: 0",
    b"Transfer-Encoding: chunked",
    b"Expect: 100-continue",
    b"Connection: close",
    b" folded",
    b"Bad Name: x",
    b"X-Obs: caf\xc3\xa9",
    b"X-Nul: a\x00b",
    b"NoColon",
    b"X-Cr: a\rb",
]


def h11_reads(data: bytes) -> tuple[h11.Request, bytes] | None:
    """h11's request and leftover bytes for `data`, or None when h11 refuses or wants more."""
    conn = h11.Connection(h11.SERVER, max_incomplete_event_size=LIMIT)
    conn.receive_data(data)
    try:
        event = conn.next_event()
        if not isinstance(event, h11.Request):
            return None
        end = conn.next_event()
    except h11.RemoteProtocolError:
        return None
    assert isinstance(end, h11.EndOfMessage)  # quick heads have no body
    return event, conn.trailing_data[0]


def same(ours: h11.Request, theirs: h11.Request) -> bool:
    return (
        ours.method == theirs.method
        and ours.target == theirs.target
        and ours.http_version == theirs.http_version
        and list(ours.headers.raw_items()) == list(theirs.headers.raw_items())
    )


@st.composite
def heads(draw: st.DrawFn) -> bytes:
    line = draw(st.sampled_from(LINES))
    fields = draw(st.lists(st.sampled_from(FIELDS), max_size=6))
    ending = draw(st.sampled_from([b"\r\n", b"\n"]))
    rest = draw(st.sampled_from([b"", b"GET /next HTTP/1.1\r\n", b"junk"]))
    return ending.join([line, *fields]) + ending + ending + rest


@settings(max_examples=400, deadline=None)
@given(heads())
def test_a_quick_head_is_what_h11_reads(data: bytes) -> None:
    quick = quick_head(data, LIMIT)
    if quick is None:
        return  # h11 reads it, as before
    request, size = quick
    found = h11_reads(data)
    assert found is not None, data
    theirs, leftover = found
    assert same(request, theirs), data
    assert data[size:] == leftover


def test_a_plain_head_takes_the_quick_path_and_leaves_the_next_request() -> None:
    quick = quick_head(bytearray(PLAIN), LIMIT)  # the connection's buffer is a bytearray
    assert quick is not None
    request, size = quick
    assert (request.method, request.target) == (b"GET", b"/users/1?x=%20")
    assert {type(part) for part in (request.method, request.target, request.http_version)} == {
        bytes
    }
    assert list(request.headers.raw_items()) == [
        (b"Host", b"x"),
        (b"Accept", b"*/*"),
        (b"X-Empty", b""),
    ]
    assert PLAIN[size:] == b"GET /next"


@pytest.mark.parametrize(
    "data",
    [
        b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi",
        b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
        b"GET / HTTP/1.1\r\nAccept: */*\r\n\r\n",
        b"GET /caf\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/1.1\nHost: x\n\n",
        b"GET / HTTP/1.1\r\nHost: x\r\n",
    ],
    ids=["body", "chunked", "folded", "two-hosts", "no-host", "raw-utf8", "bare-lf", "unfinished"],
)
def test_anything_but_a_plain_whole_head_is_left_to_h11(data: bytes) -> None:
    assert quick_head(data, LIMIT) is None


def test_a_head_longer_than_the_limit_is_left_to_h11() -> None:
    head = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
    assert quick_head(head, len(head) - 4) is not None  # the limit leaves out the blank line
    assert quick_head(head, len(head) - 5) is None


def test_blank_values_before_a_failing_field_cost_no_search() -> None:
    """A head that fails after many blank-valued fields is refused in one pass: a pattern
    with more than one way to match a blank value would try every combination of them
    (doubling with each field) and hold the interpreter meanwhile. A regression never
    returns."""
    blanks = b"X: " + b" " * 16 + b"\r\n"
    hostile = b"GET / HTTP/1.1\r\nHost: x\r\n" + blanks * 40 + b"X-User: Jos\xc3\xa9\r\n\r\n"
    assert quick_head(hostile, LIMIT) is None  # the UTF-8 value: h11 reads it
    unfinished = b"GET / HTTP/1.1\r\nHost: x\r\n" + blanks * 40
    assert quick_head(unfinished, LIMIT) is None  # no blank line yet
    whole = unfinished + b"\r\n"
    quick = quick_head(whole, LIMIT)
    assert quick is not None
    assert list(quick[0].headers.raw_items())[1:3] == [(b"X", b""), (b"X", b"")]
