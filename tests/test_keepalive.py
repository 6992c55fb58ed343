"""HTTP/1.1 keep-alive: one connection serves many requests, and closes when it must."""

from __future__ import annotations

import http.client
import socket
from pathlib import Path

from pytest_postman_mock import MockServer


def read_response(sock: socket.socket, buffer: bytearray) -> tuple[bytes, bytes]:
    """One response (head, body) from `sock`, using Content-Length; leftovers stay in `buffer`."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        assert chunk, "connection closed before a full response"
        buffer += chunk
    head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk
        rest += chunk
    buffer[:] = rest[length:]
    return head, rest[:length]


def test_one_connection_serves_many_requests(users_server: MockServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", users_server.port, timeout=5)
    connection.connect()
    first_socket = connection.sock
    for number in range(50):
        connection.request("GET", f"/users/{number}")
        response = connection.getresponse()
        assert response.status == 200
        assert response.read() == f'{{"id": "{number}", "name": "Ada"}}'.encode()
        assert response.getheader("Connection") is None
    assert connection.sock is first_socket
    connection.close()
    assert len(users_server.calls) == 50


def test_a_body_and_a_chunked_body_on_one_connection(users_server: MockServer) -> None:
    with socket.create_connection(("127.0.0.1", users_server.port), timeout=5) as sock:
        buffer = bytearray()
        sock.sendall(
            b"POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 13\r\n\r\n{"name":"A"}\n'
        )
        head, _ = read_response(sock, buffer)
        assert head.startswith(b"HTTP/1.1 201")
        sock.sendall(
            b"POST /users HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5\r\nhello\r\n0\r\n\r\nGET /users HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        head, _ = read_response(sock, buffer)
        assert head.startswith(b"HTTP/1.1 201")
        head, body = read_response(sock, buffer)
        assert head.startswith(b"HTTP/1.1 200") and b"Ada" in body
    assert [c.body for c in users_server.calls] == [b'{"name":"A"}\n', b"hello", b""]


def test_connection_close_and_http_1_0_close_after_the_response(users_server: MockServer) -> None:
    requests_ = [
        b"GET /users HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /users HTTP/1.0\r\n\r\n",
    ]
    for raw in requests_:
        with socket.create_connection(("127.0.0.1", users_server.port), timeout=5) as sock:
            sock.sendall(raw)
            data = b""
            while chunk := sock.recv(65536):  # the server closes: recv returns b""
                data += chunk
        assert data.split(b"\r\n", 1)[0].endswith(b"200 OK")
        assert b"Ada" in data


def test_http_1_0_keep_alive_is_honoured(users_server: MockServer) -> None:
    with socket.create_connection(("127.0.0.1", users_server.port), timeout=5) as sock:
        buffer = bytearray()
        for _ in range(2):
            sock.sendall(b"GET /users HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            head, body = read_response(sock, buffer)
            assert b"Connection: keep-alive" in head
            assert b"Ada" in body


def test_an_unread_oversized_body_closes_the_connection_after_413(users_api: Path) -> None:
    with (
        MockServer(users_api, max_body=10) as server,
        socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock,
    ):
        sock.sendall(b"POST /users HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + b"x" * 100)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
        assert data.startswith(b"HTTP/1.1 413")
        assert b"Connection: close" in data
        assert [c.status for c in server.calls] == [413]
