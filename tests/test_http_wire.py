"""The wire, attacked: each request the issue found is sent as raw bytes to a real server,
and the answer, the connection's fate and the call log are checked together."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pytest_postman_mock import MockServer
from pytest_postman_mock.calls.log import Kind

from . import builders
from .rawhttp import send_raw

MAX_BODY = 1024
SMUGGLED = b"GET /users/SMUGGLED HTTP/1.1\r\nHost: x\r\n\r\n"
FOLLOW_UP = b"GET /users/next HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
CUT_SHORT = "the client stopped before sending its whole body"


@pytest.fixture
def wire_server(tmp_path: Path) -> Iterator[MockServer]:
    doc = builders.user_and_echo()
    with MockServer(builders.write(tmp_path / "api.json", doc), max_body=MAX_BODY) as server:
        yield server


def post(*headers: bytes, body: bytes = b"") -> bytes:
    return (
        b"POST /echo HTTP/1.1\r\nHost: x\r\n"
        + b"".join(h + b"\r\n" for h in headers)
        + b"\r\n"
        + body
    )


@dataclass(frozen=True)
class Case:
    name: str
    raw: bytes
    statuses: list[int]
    """The final statuses, in order (1xx not included)."""
    calls: list[tuple[str, str, bytes, str]]
    """(method, raw path, body, kind) of every call the log must hold, in order."""
    closes: bool = True
    """The server must close after the last answer (else a follow-up is served)."""
    half_close: bool = False
    note: str | None = None
    """The note of the first call."""
    interim: list[int] = field(default_factory=list)


CASES = [
    Case(
        "chunk-size-ffffffff-then-half-close",
        post(b"Transfer-Encoding: chunked", body=b"FFFFFFFF\r\nABCD"),
        [400],
        [("POST", "/echo", b"ABCD", Kind.BAD_REQUEST)],
        half_close=True,
        note=CUT_SHORT,
    ),
    Case(
        "chunked-body-over-max-body-with-a-smuggled-request",
        post(
            b"Transfer-Encoding: chunked",
            body=b"%X\r\n" % (MAX_BODY + 200 + len(SMUGGLED))
            + b"x" * (MAX_BODY + 200)
            + SMUGGLED
            + b"\r\n0\r\n\r\n",
        ),
        [413],
        [("POST", "/echo", b"x" * MAX_BODY, Kind.TOO_LARGE)],
        note=f"body over max_body ({MAX_BODY} bytes)",
    ),
    Case(
        "content-length-over-max-body",
        post(b"Content-Length: %d" % (MAX_BODY + 1), body=b"y" * (MAX_BODY + 1) + SMUGGLED),
        [413],
        [("POST", "/echo", b"", Kind.TOO_LARGE)],
    ),
    Case(
        "content-length-and-transfer-encoding",
        post(b"Content-Length: 4", b"Transfer-Encoding: chunked", body=b"0\r\n\r\n" + SMUGGLED),
        [200],
        [("POST", "/echo", b"", Kind.MATCHED)],
    ),
    Case(
        "content-length-list-of-equal-values",  # RFC 9110 8.6: read as the one value
        post(b"Content-Length: 4, 4", body=b"ABCD" + FOLLOW_UP),
        [200, 200],
        [("POST", "/echo", b"ABCD", Kind.MATCHED), ("GET", "/users/next", b"", Kind.MATCHED)],
    ),
    *(
        Case(
            f"content-length-{label}",
            post(header, body=b"ABCD" + SMUGGLED),
            [400],
            [("POST", "/echo", b"", Kind.BAD_REQUEST)],
        )
        for label, header in [
            ("plus", b"Content-Length: +4"),
            ("minus", b"Content-Length: -1"),
            ("trailing-letter", b"Content-Length: 4x"),
            ("two-values", b"Content-Length: 4\r\nContent-Length: 5"),
            ("list-of-two-values", b"Content-Length: 4, 5"),
        ]
    ),
    Case(
        "space-before-the-colon",
        post(b"Transfer-Encoding : chunked", body=b"0\r\n\r\n" + SMUGGLED),
        [400],
        [("POST", "/echo", b"", Kind.BAD_REQUEST)],
    ),
    Case(
        "a-header-line-without-a-colon",
        b"GET /users/1 HTTP/1.1\r\nHost: x\r\nX-Broken\r\nx-api-key: k\r\n\r\n" + SMUGGLED,
        [400],
        [("GET", "/users/1", b"", Kind.BAD_REQUEST)],
    ),
    Case(
        "chunk-extensions-and-trailers",
        post(
            b"Transfer-Encoding: chunked",
            body=b'5;name=value\r\nhello\r\n1;a;b="q"\r\n!\r\n0\r\nX-Trailer: 1\r\n\r\n',
        ),
        [200, 200],
        [("POST", "/echo", b"hello!", Kind.MATCHED), ("GET", "/users/next", b"", Kind.MATCHED)],
        closes=False,
    ),
    Case(
        "expect-100-continue",
        post(b"Content-Length: 2", b"Expect: 100-continue", body=b"hi"),
        [200, 200],
        [("POST", "/echo", b"hi", Kind.MATCHED), ("GET", "/users/next", b"", Kind.MATCHED)],
        closes=False,
        interim=[100],
    ),
    Case(
        "expect-100-continue-over-max-body",
        post(b"Content-Length: %d" % (MAX_BODY + 1), b"Expect: 100-continue"),
        [413],
        [("POST", "/echo", b"", Kind.TOO_LARGE)],
    ),
    Case(
        "pipelined-http-1-0-keep-alive",
        b"GET /users/a HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /users/b HTTP/1.0\r\n"
        b"Connection: keep-alive\r\n\r\n",
        [200, 200, 200],
        [
            ("GET", "/users/a", b"", Kind.MATCHED),
            ("GET", "/users/b", b"", Kind.MATCHED),
            ("GET", "/users/next", b"", Kind.MATCHED),
        ],
        closes=False,
    ),
    Case(
        "http-1-0-closes",
        b"POST /echo HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi" + SMUGGLED,
        [200],
        [("POST", "/echo", b"hi", Kind.MATCHED)],
    ),
    Case(
        "raw-utf8-in-the-path",
        "GET /users/café HTTP/1.1\r\nHost: x\r\n\r\n".encode(),
        [200, 200],
        [
            ("GET", "/users/caf%C3%A9", b"", Kind.MATCHED),
            ("GET", "/users/next", b"", Kind.MATCHED),
        ],
        closes=False,
    ),
    Case(
        "headers-that-never-finish",
        b"GET /users/1 HTTP/1.1\r\nHost: x\r\nX-A: 1",
        [],
        [],
        half_close=True,
    ),
    Case(
        "a-request-line-that-never-finishes",
        b"GET /users/1 HTT",
        [],
        [],
        half_close=True,
    ),
    Case(
        "http-0-9",
        b"GET /users/1\r\n\r\n",
        [400],
        [("GET", "/users/1", b"", Kind.BAD_REQUEST)],
        note="no HTTP version in the request line (HTTP/0.9 is not served)",
    ),
    Case(
        "http-2-0-request-line",
        b"GET /users/1 HTTP/2.0\r\nHost: x\r\n\r\n",
        [505],
        [("GET", "/users/1", b"", Kind.BAD_REQUEST)],
        note="HTTP/2.0 is not supported (HTTP/1.0 and 1.1 are)",
    ),
    Case(
        "http-1-1-without-host",
        b"GET /users/1 HTTP/1.1\r\n\r\n",
        [400],
        [("GET", "/users/1", b"", Kind.BAD_REQUEST)],
    ),
    Case(
        "target-too-long",
        b"GET /users/" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        [414],
        [("GET", "/users/" + "a" * 53, b"", Kind.BAD_REQUEST)],
        note="request line over 16384 bytes",
    ),
    Case(
        "headers-too-large",
        b"GET /users/1 HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n",
        [431],
        [("GET", "/users/1", b"", Kind.BAD_REQUEST)],
        note="request head over 65536 bytes",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_an_attack_on_the_wire(wire_server: MockServer, case: Case) -> None:
    result = send_raw(
        wire_server.port,
        case.raw,
        finals=len(case.statuses) - (0 if case.closes else 1),
        half_close=case.half_close,
        then=b"" if case.closes else FOLLOW_UP,
    )
    finals = [r for r in result.replies if r.status >= 200]
    assert [r.status for r in result.replies if r.status < 200] == case.interim
    assert [r.status for r in finals] == case.statuses
    assert result.closed, "the server must end the connection"
    if case.closes and finals:
        assert finals[-1].header("Connection") == "close"
    assert result.extra == b""
    calls = wire_server.calls
    assert [(c.method, c.raw_path, c.body, c.kind) for c in calls] == case.calls
    assert [c.status for c in calls] == case.statuses  # every answer logged, once
    assert not [c for c in calls if "SMUGGLED" in c.path]
    for call, reply in zip(calls, finals):
        if call.kind == Kind.MATCHED and call.method == "POST":
            assert reply.body == call.body  # the echo holds only bytes the client sent
    if case.note is not None:
        assert calls[0].notes == (case.note,)
    for call in calls:
        if call.kind == Kind.BAD_REQUEST:
            assert call.notes and call.notes[0], "a refusal names its reason"


def test_raw_utf8_and_its_percent_encoded_form_are_the_same_request(
    wire_server: MockServer,
) -> None:
    raw = send_raw(
        wire_server.port,
        "GET /users/café HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode(),
        finals=1,
    )
    encoded = send_raw(
        wire_server.port,
        b"GET /users/caf%C3%A9 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        finals=1,
    )
    assert raw.replies[0].body == encoded.replies[0].body == '{"id": "café"}'.encode()
    first, second = wire_server.calls
    assert first.path == second.path == "/users/café"


def test_the_headers_after_a_refused_request_are_never_served(wire_server: MockServer) -> None:
    result = send_raw(
        wire_server.port,
        post(b"Content-Length: 4", b"Content-Length: 5", body=b"ABCDE") + FOLLOW_UP,
        finals=2,
    )
    assert [r.status for r in result.replies] == [400]
    assert [c.kind for c in wire_server.calls] == [Kind.BAD_REQUEST]
