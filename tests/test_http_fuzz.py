"""Random byte streams (valid requests, mutated) never get a 500, never hang the server,
are logged exactly as answered, and leave it serving normal clients."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_postman_mock import MockServer
from pytest_postman_mock.calls.log import Kind

from . import builders
from .rawhttp import send_raw

VALID = [
    b"GET /users/1 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
    b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"5;x=1\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\n",
    b"POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi",
    b"GET /users/2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
    b"GET /users/3 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"DELETE /users/4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
]
PIECES = [b"\r\n", b"\n", b":", b" ", b"\t", b",", b";", b"0", b"F", b"-", b"\x00", b"\xff", b"%"]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(b"".join(draw(st.lists(st.sampled_from(VALID), min_size=1, max_size=3))))
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "random", "cut"]))
        if action == "insert":
            data[at:at] = draw(st.sampled_from(PIECES))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 8))]
        elif action == "replace" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif action == "random":
            data[at:at] = draw(st.binary(max_size=16))
        elif action == "cut":
            del data[at:]
    return bytes(data)


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    doc = builders.user_and_echo()
    path = builders.write(tmp_path_factory.mktemp("fuzz") / "api.json", doc)
    with MockServer(path, max_body=4096, head_timeout=2) as server:
        yield server


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=mutated())
def test_mutated_requests_never_get_a_500_or_hang(fuzz_server: MockServer, raw: bytes) -> None:
    before = len(fuzz_server.calls)
    result = send_raw(fuzz_server.port, raw, finals=99, half_close=True, timeout=8)
    assert result.closed, f"the server still held the connection open after {raw!r}"
    finals = [r for r in result.replies if r.status >= 200]
    assert not [r for r in finals if r.status == 500], raw
    new = fuzz_server.calls[before:]
    assert [c.status for c in new] == [r.status for r in finals], raw  # each answer, once
    assert not [c for c in new if c.kind == Kind.ERROR]
    assert requests.get(fuzz_server.url_for("/users/ok"), timeout=5).json() == {"id": "ok"}
