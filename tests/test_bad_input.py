"""Every kind of bad input gets an answer that names the problem, never a 500 or a hang."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from pytest_postman_mock import Kind, MockServer

from . import builders


@pytest.fixture
def echo_server(tmp_path: Path) -> Iterator[MockServer]:
    big = builders.request(
        "Big",
        "https://x.test/big",
        builders.example("Big", "https://x.test/big", body="x" * 4_000_000),
    )
    doc = builders.user_and_echo("{{$body}}|{{$queryParams 'q'}}", big)
    with MockServer(builders.write(tmp_path / "api.json", doc)) as server:
        yield server


def exchange(port: int, raw: bytes, timeout: float = 5) -> bytes:
    """Send raw bytes on a fresh connection and read until the server closes it."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(raw)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


def status_line(data: bytes) -> bytes:
    return data.split(b"\r\n", 1)[0]


def still_serving(server: MockServer) -> bool:
    return requests.get(server.url_for("/users/1"), timeout=5).json() == {"id": "1"}


def test_invalid_percent_encoding_is_taken_literally(echo_server: MockServer) -> None:
    data = exchange(
        echo_server.port, b"GET /users/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    assert status_line(data) == b"HTTP/1.1 200 OK"
    assert data.endswith(b'{"id": "%zz"}')


def test_invalid_utf8_in_the_path(echo_server: MockServer) -> None:
    data = exchange(
        echo_server.port, b"GET /users/%ff%fe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    assert status_line(data) == b"HTTP/1.1 200 OK"
    assert echo_server.calls.last.kind == Kind.MATCHED
    assert echo_server.calls.last.path == "/users/\ufffd\ufffd"


def test_invalid_utf8_in_query_and_body(echo_server: MockServer) -> None:
    data = exchange(
        echo_server.port,
        b"POST /echo?q=%ff HTTP/1.1\r\nHost: x\r\n"
        b"Content-Length: 3\r\nConnection: close\r\n\r\na\xffb",
    )
    assert status_line(data) == b"HTTP/1.1 200 OK"
    # The body's bad byte renders as U+FFFD; the query's stays percent-encoded, as Werkzeug
    # leaves a value it cannot decode.
    assert data.endswith("a\ufffdb|%FF".encode())
    assert echo_server.calls.last.body == b"a\xffb"  # the log keeps the bytes as sent


def test_a_body_over_max_body_gets_413_and_is_logged(tmp_path: Path, users_api: Path) -> None:
    with MockServer(users_api, max_body=1024) as server:
        response = requests.post(server.url_for("/users"), data=b"x" * 5000, timeout=5)
        assert response.status_code == 413
        assert response.json()["error"]["message"] == (
            "The mock accepts request bodies up to 1024 bytes."
        )
        (call,) = server.calls
        assert (call.kind, call.status, call.notes) == (
            Kind.TOO_LARGE,
            413,
            ("body over max_body (1024 bytes)",),
        )
        assert requests.get(server.url_for("/users"), timeout=5).status_code == 200


def test_malformed_json_with_body_matching_on(tmp_path: Path) -> None:
    doc = builders.collection(
        builders.request(
            "Create",
            "https://x.test/things",
            builders.example(
                "Created",
                "https://x.test/things",
                method="POST",
                code=201,
                request_headers={"Content-Type": "application/json"},
                request_body={"mode": "raw", "raw": '{"a": 1}'},
            ),
            method="POST",
        )
    )
    with MockServer(builders.write(tmp_path / "c.json", doc), match_body=True) as server:
        response = requests.post(
            server.url_for("/things"),
            data="{not json",
            headers={"Content-Type": "application/json"},
            timeout=5,
        )
        assert response.status_code == 404
        (miss,) = server.calls.last.near_misses
        assert miss.stage == "body"


def test_a_huge_header_gets_431_and_the_server_goes_on(echo_server: MockServer) -> None:
    data = exchange(
        echo_server.port,
        b"GET /users/1 HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n",
    )
    assert status_line(data) == b"HTTP/1.1 431 Request Header Fields Too Large"
    data = exchange(
        echo_server.port,
        b"GET /users/1 HTTP/1.1\r\nHost: x\r\n"
        + b"".join(b"X-%d: 1\r\n" % i for i in range(150))
        + b"\r\n",
    )
    assert status_line(data) == b"HTTP/1.1 431 Request Header Fields Too Large"
    assert [c.notes for c in echo_server.calls] == [
        ("request head over 65536 bytes",),
        ("more than 100 header fields",),
    ]
    assert still_serving(echo_server)


def test_odd_headers_are_kept_as_sent(echo_server: MockServer) -> None:
    response = requests.get(
        echo_server.url_for("/users/1"),
        timeout=5,
        headers={"X-Empty": "", "X-Unicode": "caf\u00e9".encode().decode("latin-1")},
    )
    assert response.status_code == 200
    assert echo_server.calls.last.header("X-Empty") == ""


def test_an_unknown_method_gets_postmans_404(echo_server: MockServer) -> None:
    response = requests.request("BREW", echo_server.url_for("/users/1"), timeout=5)
    assert response.status_code == 404
    assert response.json()["error"]["name"] == "mockRequestNotFoundError"
    assert echo_server.calls.last.method == "BREW"


def test_a_garbage_request_line_gets_400(echo_server: MockServer) -> None:
    data = exchange(echo_server.port, b"\x00\x01 nonsense HTTP/1.1\r\n\r\n")
    assert status_line(data) == b"HTTP/1.1 400 Bad Request"
    assert b"Connection: close" in data
    (call,) = echo_server.calls
    assert (call.kind, call.notes) == (
        Kind.BAD_REQUEST,
        ("malformed request: illegal request line",),
    )
    assert still_serving(echo_server)


def test_an_http_0_9_request_is_refused(echo_server: MockServer) -> None:
    data = exchange(echo_server.port, b"GET /users/1\r\n\r\n")
    assert status_line(data) == b"HTTP/1.1 400 Bad Request"
    assert echo_server.calls.last.notes == (
        "no HTTP version in the request line (HTTP/0.9 is not served)",
    )


def test_a_slow_client_does_not_hold_up_others(echo_server: MockServer) -> None:
    with socket.create_connection(("127.0.0.1", echo_server.port), timeout=5) as slow:
        slow.sendall(b"GET /users/1 HTTP/1.1\r\nHo")  # and then nothing, for now
        assert still_serving(echo_server)  # others are answered meanwhile
        slow.sendall(b"st: x\r\nConnection: close\r\n\r\n")
        assert slow.recv(100).startswith(b"HTTP/1.1 200")


def test_a_client_that_leaves_mid_response(
    echo_server: MockServer, capfd: pytest.CaptureFixture[str]
) -> None:
    for _ in range(3):
        sock = socket.create_connection(("127.0.0.1", echo_server.port), timeout=5)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.sendall(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(1024).startswith(b"HTTP/1.1 200")
        sock.close()  # 4 MB still to come
    assert still_serving(echo_server)
    assert [c.path for c in echo_server.calls][:3] == ["/big"] * 3
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err


def test_a_template_that_refers_to_itself_ends(tmp_path: Path) -> None:
    doc = builders.collection(
        builders.request(
            "Loop",
            "https://x.test/loop",
            builders.example("Loop", "https://x.test/loop", body="{{a}}/{{b}}"),
        ),
        variables={"a": "{{a}}", "b": "x{{c}}", "c": "y{{b}}"},
    )
    with MockServer(builders.write(tmp_path / "loop.json", doc)) as server:
        response = requests.get(server.url_for("/loop"), timeout=5)
    assert response.status_code == 200
    assert response.text.startswith("{{a}}/x")  # stopped at the depth limit, verbatim token
    assert response.text.count("{{") == 2


def test_duplicate_names_and_ids_are_served_by_the_tie_rule(tmp_path: Path) -> None:
    same = [
        builders.example("Twin", "https://x.test/t", body=f"body {n}", id="dup", code=code)
        for n, code in ((1, 201), (2, 200))
    ]
    doc = builders.collection(
        builders.request("Twin", "https://x.test/t", *same),
        builders.request(
            "Twin",
            "https://x.test/t",
            builders.example("Twin", "https://x.test/t", body="body 3", id="dup"),
        ),
    )
    with MockServer(builders.write(tmp_path / "dup.json", doc)) as server:
        plain = requests.get(server.url_for("/t"), timeout=5)
        by_name = requests.get(
            server.url_for("/t"), headers={"x-mock-response-name": "Twin"}, timeout=5
        )
        by_id = requests.get(server.url_for("/t"), headers={"x-mock-response-id": "dup"}, timeout=5)
    # Same id everywhere: file order decides the sort, and the first 200 wins.
    assert plain.text == by_name.text == by_id.text == "body 2"


def test_a_body_cut_short_is_a_400_not_a_server_error(echo_server: MockServer) -> None:
    with socket.create_connection(("127.0.0.1", echo_server.port), timeout=5) as sock:
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nshort")
        sock.shutdown(socket.SHUT_WR)  # the client is done sending
        data = sock.recv(65536)
    assert status_line(data) == b"HTTP/1.1 400 Bad Request"
    call = echo_server.calls.last
    assert (call.kind, call.notes) == (
        Kind.BAD_REQUEST,
        ("the client stopped before sending its whole body",),
    )


def test_concurrent_bad_requests_leave_no_500(echo_server: MockServer) -> None:
    bad = [
        b"GET /users/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nConnection: close\r\n\r\n\xff",
        b"BREW / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ]
    statuses: list[bytes] = []
    lock = threading.Lock()

    def hit(raw: bytes) -> None:
        try:
            line = status_line(exchange(echo_server.port, raw, timeout=3))
        except OSError:
            line = b"(no answer)"
        with lock:
            statuses.append(line)

    threads = [threading.Thread(target=hit, args=(bad[n % 3],)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not [s for s in statuses if b" 500 " in s]
    assert all(c.kind != Kind.ERROR for c in echo_server.calls)
    assert json.loads(requests.get(echo_server.url_for("/users/2"), timeout=5).text) == {"id": "2"}


def test_headers_http_cannot_carry_never_cost_the_client_its_answer(tmp_path: Path) -> None:
    doc = builders.collection(
        builders.request(
            "Priced",
            "https://x.test/a",
            builders.example(
                "Priced", "https://x.test/a", body="x", headers={"X-Pr€is": "1", "X-Price": "5 €"}
            ),
        )
    )
    with MockServer(builders.write(tmp_path / "h.json", doc)) as server:
        first = requests.get(server.url_for("/a"), timeout=5)
        server.override("GET", "/a", headers={"X-Note": "5 €"})
        second = requests.get(server.url_for("/a"), timeout=5)
        with pytest.raises(Exception, match="not a valid header name: 'X-Pr€is'"):
            server.override("GET", "/a", headers={"X-Pr€is": "1"})
    assert (first.status_code, first.text) == (200, "x")
    assert "X-Pr€is" not in first.headers  # not a header name HTTP allows: dropped at load
    assert first.headers["X-Price"].encode("latin-1").decode() == "5 €"  # sent as UTF-8
    assert second.headers["X-Note"].encode("latin-1").decode() == "5 €"


def test_an_encoded_slash_stays_in_its_segment_for_overrides_and_filters(
    echo_server: MockServer,
) -> None:
    echo_server.override("GET", "/users/:id", status=503)
    response = requests.get(echo_server.url + "/users/2024%2F07", timeout=5)
    assert response.status_code == 503
    assert len(echo_server.calls.filter("GET", "/users/:id")) == 1
    echo_server.assert_called_once("GET", "/users/:id")
