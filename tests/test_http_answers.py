"""What the connection writes for each answer an app can give, read back as raw bytes.

The connection formats responses itself (h11 only parses): these tests pin that nothing
an app returns can add a header line, that what HTTP/1.1 cannot carry becomes the 500
fallback, and that framing, `Server`/`Date` and keep-alive stay as they were with h11.
A stand-in WSGI app behind the real threaded server (`MockHTTPServer` + `WireHandler`)
answers with whatever a case says; the mock's own app sanitises before it gets here.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Callable

import pytest
import requests

from pytest_postman_mock import MockServer
from pytest_postman_mock.serving.connection import MockHTTPServer
from pytest_postman_mock.serving.wire import WireHandler
from pytest_postman_mock.settings import MockSettings

from . import builders
from .rawhttp import Reply, send_raw

Answer = tuple[str, list[tuple[str, str]], bytes]
ANSWERS: dict[str, Answer] = {}
"""What the stand-in app answers, by path (filled by each case)."""


def stand_in(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    status, headers, body = ANSWERS.get(environ["PATH_INFO"], ("200 OK", [], b"plain"))
    start_response(status, headers)
    return [body]


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    server = MockHTTPServer(
        "127.0.0.1", 0, stand_in, handler=WireHandler, settings=MockSettings(), mock_app=None
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()


def read_to_end(port: int, raw: bytes) -> bytes:
    """Everything the server sends for `raw` until it closes (HEAD answers carry a
    Content-Length with no body, which `send_raw` cannot size)."""
    data = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw)
        while chunk := sock.recv(65536):
            data += chunk
    return data


def get(path: str, method: str = "GET", version: str = "1.1", extra: str = "") -> bytes:
    head = f"{method} {path} HTTP/{version}\r\nHost: x\r\n{extra}Connection: close\r\n\r\n"
    return head.encode()


@dataclass(frozen=True)
class Refused:
    name: str
    answer: Answer


UNSENDABLE = [
    Refused("cr-lf-in-a-value", ("200 OK", [("X-A", "a\r\nX-Evil: 1")], b"x")),
    Refused("lf-alone-in-a-value", ("200 OK", [("X-A", "a\nX-Evil: 1")], b"x")),
    Refused("cr-lf-in-the-reason", ("200 OK\r\nX-Evil: 1", [], b"x")),
    Refused("nul-in-a-value", ("200 OK", [("X-A", "a\x00b")], b"x")),
    Refused("control-in-a-value", ("200 OK", [("X-A", "a\x01b")], b"x")),
    Refused("name-with-a-space", ("200 OK", [("X-Evil A", "1")], b"x")),
    Refused("name-with-a-colon", ("200 OK", [("X-Evil:A", "1")], b"x")),
    Refused("value-not-latin-1", ("200 OK", [("X-A", "\u20ac")], b"x")),
    Refused("content-length-short", ("200 OK", [("Content-Length", "5")], b"x")),
    Refused("content-length-long", ("200 OK", [("Content-Length", "0")], b"x")),
    Refused("content-length-not-a-number", ("200 OK", [("Content-Length", "1x")], b"x")),
    Refused("status-not-a-number", ("abc", [], b"x")),
    Refused("status-informational", ("101 Switching Protocols", [], b"")),
    Refused("status-too-long", ("9" * 5000 + " Big", [], b"")),
]


@pytest.mark.parametrize("case", UNSENDABLE, ids=lambda c: c.name)
def test_an_answer_http_cannot_carry_becomes_the_500_fallback(port: int, case: Refused) -> None:
    ANSWERS[f"/{case.name}"] = case.answer
    exchange = send_raw(port, get(f"/{case.name}"), finals=1)
    assert [r.status for r in exchange.replies] == [500]
    reply = exchange.replies[0]
    assert b"unsendable response" in reply.body
    assert reply.header("Connection") == "close"
    assert exchange.closed
    assert b"Evil" not in reply.head + reply.body + exchange.extra  # no header was added
    assert send_raw(port, get("/plain"), finals=1).replies[0].body == b"plain"


def test_framing_and_connection_headers_are_the_connections_own(port: int) -> None:
    ANSWERS["/framed"] = (
        "200 OK",
        [("Transfer-Encoding", "chunked"), ("Connection", "upgrade"), ("X-A", "1")],
        b"whole",
    )
    reply = send_raw(port, get("/framed"), finals=1).replies[0]
    assert reply.body == b"whole"
    assert reply.header("Content-Length") == "5"
    assert reply.header("Transfer-Encoding") is None
    assert reply.head.count(b"Connection:") == 1
    assert reply.header("Connection") == "close"
    assert reply.header("X-A") == "1"


def test_spaces_around_a_value_are_trimmed(port: int) -> None:
    """Decided: spaces around a value are not part of it (RFC 9110 5.5), not a 500."""
    ANSWERS["/spaces"] = ("200 OK", [("X-A", " padded "), ("X-B", "in\tside")], b"x")
    reply = send_raw(port, get("/spaces"), finals=1).replies[0]
    assert reply.status == 200
    assert (reply.header("X-A"), reply.header("X-B")) == ("padded", "in\tside")


def test_an_example_header_ending_in_a_newline_is_served(tmp_path: Path) -> None:
    """The engine turns the newline into a space, the connection trims it: the answer is
    the example's, not a 500."""
    url = "https://x.test/notes"
    doc = builders.collection(
        builders.request("Notes", url, builders.example("Notes", url, headers={"X-Note": "hi\n"}))
    )
    with MockServer(builders.write(tmp_path / "api.json", doc)) as server:
        response = requests.get(server.url + "/notes", timeout=10)
    assert response.status_code == 200
    assert response.headers["X-Note"] == "hi"


def test_the_apps_server_and_date_win_and_ours_fill_in(port: int) -> None:
    saved = [("server", "nginx"), ("DATE", "Tue, 01 Dec 2026 10:00:00 GMT")]
    ANSWERS["/stamped"] = ("200 OK", saved, b"x")
    reply = send_raw(port, get("/stamped"), finals=1).replies[0]
    assert reply.head.count(b"erver:") == 1 and reply.head.count(b"ATE:") == 1
    assert (reply.header("Server"), reply.header("Date")) == (saved[0][1], saved[1][1])
    before = int(time.time())
    own = send_raw(port, get("/plain"), finals=1).replies[0]
    after = int(time.time())
    assert own.header("Server") == "postman-mock"
    sent = parsedate_to_datetime(own.header("Date") or "").timestamp()
    assert before <= sent <= after


def test_an_answer_given_again_is_checked_and_dated_as_the_first_time(port: int) -> None:
    """Heads are formatted once and kept: a refused one is refused again, a kept one gets
    each second's `Date`, and HEAD or a different body length is a head of its own."""
    ANSWERS["/again-bad"] = ("200 OK", [("X-A", "a\r\nX-Evil: 1")], b"x")
    for _ in range(2):
        assert send_raw(port, get("/again-bad"), finals=1).replies[0].status == 500
    ANSWERS["/again"] = ("200 OK", [("X-A", "1")], b"same")
    first = send_raw(port, get("/again"), finals=1).replies[0]
    deadline = time.monotonic() + 5
    later = first
    while later.header("Date") == first.header("Date") and time.monotonic() < deadline:
        time.sleep(0.1)
        later = send_raw(port, get("/again"), finals=1).replies[0]
    assert later.header("Date") != first.header("Date")
    undated = [
        [line for line in r.head.split(b"\r\n") if b"Date:" not in line] for r in (first, later)
    ]
    assert undated[0] == undated[1]
    assert (later.body, later.header("Content-Length"), later.header("X-A")) == (b"same", "4", "1")
    head, _, rest = read_to_end(port, get("/again", "HEAD")).partition(b"\r\n\r\n")
    assert rest == b"" and b"Content-Length: 4" in head
    ANSWERS["/again"] = ("200 OK", [("X-A", "1")], b"longer")
    assert send_raw(port, get("/again"), finals=1).replies[0].header("Content-Length") == "6"


@pytest.mark.parametrize(
    ("method", "status", "headers", "length"),
    [
        ("HEAD", "200 OK", [("Content-Length", "12")], "12"),  # the GET's length, no body
        ("HEAD", "200 OK", [], "9"),  # the length a GET gets
        ("GET", "204 No Content", [], None),
        ("GET", "304 Not Modified", [], None),
        ("GET", "204 No Content", [("Content-Length", "0")], "0"),
    ],
)
def test_answers_without_a_body(
    port: int, method: str, status: str, headers: list[tuple[str, str]], length: str | None
) -> None:
    ANSWERS["/bodyless"] = (status, headers, b"full body")  # never sent
    head, _, rest = read_to_end(port, get("/bodyless", method)).partition(b"\r\n\r\n")
    assert rest == b""
    reply = Reply(int(head.split(b" ")[1]), head, b"")
    assert reply.status == int(status[:3])
    assert reply.header("Content-Length") == length


def test_pipelined_requests_of_every_kind_on_one_connection(port: int) -> None:
    """Body-less and body-carrying requests, HEAD and 204 back to back: each answer in
    order, whole, and the connection kept until the client says close."""
    ANSWERS["/none"] = ("204 No Content", [], b"")
    ANSWERS["/c"] = ("200 OK", [], b"")  # Content-Length: 0, so the replies can be split
    raw = (
        b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
        b"POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
        b"HEAD /c HTTP/1.1\r\nHost: x\r\n\r\n"
        b"GET /none HTTP/1.1\r\nHost: x\r\n\r\n"
        b"POST /d HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n"
        b"GET /e HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
        b"GET /f HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        b"GET /never HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    exchange = send_raw(port, raw, finals=7)
    assert [r.status for r in exchange.replies] == [200, 200, 200, 204, 200, 200, 200]
    assert [r.body for r in exchange.replies] == [b"plain", b"plain", b"", b"", b"plain"] + [
        b"plain"
    ] * 2
    assert [r.header("Connection") for r in exchange.replies] == [None] * 6 + ["close"]
    assert exchange.closed and exchange.extra == b""


@pytest.mark.parametrize(
    ("connection", "expected", "kept"),
    [
        ("", "close", False),
        ("Connection: keep-alive\r\n", "keep-alive", True),
        ("Connection: Keep-Alive, close\r\n", "close", False),  # close wins
    ],
)
def test_http_1_0_keep_alive_only_when_asked(
    port: int, connection: str, expected: str, kept: bool
) -> None:
    first = f"GET /one HTTP/1.0\r\n{connection}\r\n".encode()
    exchange = send_raw(port, first, finals=1, then=get("/two"))
    assert [r.header("Connection") for r in exchange.replies] == [expected, "close"][: 1 + kept]
    assert exchange.replies[0].head.startswith(b"HTTP/1.1 200 ")
    assert exchange.closed
