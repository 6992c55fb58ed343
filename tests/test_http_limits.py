"""Connection limits: a head deadline a slow client cannot stretch, an idle timeout, a cap
on open connections that keeps normal clients served, and an accept loop that backs off
when the process runs out of descriptors."""

from __future__ import annotations

import contextlib
import logging
import os
import resource
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from pytest_postman_mock import MockServer
from pytest_postman_mock.serving.workers import MOST_KEPT

from .conftest import poll
from .rawhttp import parse_replies

NEEDS_PROC = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts /proc/self/fd")


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def connect(port: int, first: bytes = b"") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    if first:
        sock.sendall(first)
    return sock


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server has closed `sock` (EOF or reset), without blocking."""
    sock.setblocking(False)
    try:
        return sock.recv(65536) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
    finally:
        sock.setblocking(True)


def served(server: MockServer) -> bool:
    try:
        return requests.get(server.url_for("/users/1"), timeout=5).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture
def limited(users_api: Path, request: pytest.FixtureRequest) -> Iterator[MockServer]:
    with MockServer(users_api, **getattr(request, "param", {})) as server:
        yield server


@pytest.mark.parametrize("limited", [{"head_timeout": 1}], indirect=True)
def test_a_byte_at_a_time_client_cannot_stretch_the_head_deadline(limited: MockServer) -> None:
    head = b"GET /users/1 HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"s" * 400 + b"\r\n\r\n"
    sock = connect(limited.port)
    sent = 0
    deadline = time.monotonic() + 15
    with sock:
        while sent < len(head) and time.monotonic() < deadline:
            try:
                sock.sendall(head[sent : sent + 1])
            except OSError:
                break
            sent += 1
            if closed_by_server(sock):
                break
            time.sleep(0.05)  # 20 bytes a second: each byte well inside head_timeout
    assert sent < len(head), "the server waited for the whole slow head"
    assert limited.calls == []  # a request never finished is not a call
    assert served(limited)


@pytest.mark.parametrize("limited", [{"idle_timeout": 0.5}], indirect=True)
def test_an_idle_keep_alive_connection_is_closed(limited: MockServer) -> None:
    with connect(limited.port, b"GET /users/1 HTTP/1.1\r\nHost: x\r\n\r\n") as sock:
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")
        assert poll(lambda: closed_by_server(sock), timeout=10)
    assert len(limited.calls) == 1


@pytest.mark.parametrize("limited", [{"max_connections": 8}], indirect=True)
def test_past_the_cap_the_longest_idle_connection_makes_room(limited: MockServer) -> None:
    idle = [connect(limited.port) for _ in range(8)]
    try:
        assert poll(lambda: limited._server.open_connections == 8)  # type: ignore[union-attr]
        assert served(limited)
        assert poll(lambda: closed_by_server(idle[0]))
        assert not any(closed_by_server(s) for s in idle[2:])
        assert limited._server.evicted >= 1  # type: ignore[union-attr]
    finally:
        for sock in idle:
            sock.close()


@pytest.mark.parametrize("limited", [{"max_connections": 2}], indirect=True)
def test_past_the_cap_with_every_connection_busy_a_client_gets_503(limited: MockServer) -> None:
    busy = [
        connect(
            limited.port,
            b"GET /users/1 HTTP/1.1\r\nHost: x\r\nx-mock-response-delay: 2000\r\n\r\n",
        )
        for _ in range(2)
    ]
    try:
        server = limited._server
        assert server is not None
        assert poll(lambda: server.open_connections == 2 and not server._waiting)
        with connect(limited.port, b"GET /users/2 HTTP/1.1\r\nHost: x\r\n\r\n") as late:
            data = b""
            while chunk := late.recv(65536):
                data += chunk
        (reply,), _ = parse_replies(data)
        assert reply.status == 503
        assert reply.header("Connection") == "close"
        assert b"at most 2 connections" in reply.body
        for sock in busy:
            assert sock.recv(65536).startswith(b"HTTP/1.1 200")
    finally:
        for sock in busy:
            sock.close()
    assert poll(lambda: served(limited))  # slots free again: normal service
    assert [c.path for c in limited.calls] == ["/users/1", "/users/1", "/users/1"]


@NEEDS_PROC
def test_a_thousand_idle_and_slow_connections_leave_normal_clients_served(
    users_api: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = open_descriptors() + 2_500
    if soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.skip(f"needs {wanted} descriptors, the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    threads_before = threading.active_count()
    descriptors_before = open_descriptors()
    server = MockServer(users_api).start()  # the default cap
    clients: list[socket.socket] = []
    try:
        for number in range(1_000):
            first = b"" if number % 2 else b"GET /users/1 HTTP/1.1\r\nHost: x\r\nX-Slow: "
            clients.append(connect(server.port, first))
        cap = server.settings.max_connections
        http = server._server
        assert http is not None
        # every connection accepted: kept, evicted to make room, or turned away
        assert poll(lambda: http.open_connections + http.evicted + http.turned_away >= 1_000)
        assert http.open_connections >= cap
        usage = resource.getrusage(resource.RUSAGE_SELF)
        held = time.monotonic()
        poll(lambda: False, timeout=2.0)  # two seconds at the cap, nobody else calling
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        idle_cpu = (cpu.ru_utime - usage.ru_utime) + (cpu.ru_stime - usage.ru_stime)
        idle_wall = time.monotonic() - held
        usage = cpu
        wall = time.monotonic()
        answered = 0
        for _ in range(50):
            answered += served(server)
            assert server._server.open_connections <= cap + 1  # type: ignore[union-attr]
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        spent = (cpu.ru_utime - usage.ru_utime) + (cpu.ru_stime - usage.ru_stime)
        elapsed = time.monotonic() - wall
        assert answered == 50
        # a thread per open connection, and at most MOST_KEPT waiting for the next one
        assert threading.active_count() <= threads_before + cap + MOST_KEPT + 8
        with capsys.disabled():
            print(
                f"\n[limits] 1000 idle/slow connections, cap {cap}: held {idle_wall:.2f} s "
                f"for {idle_cpu:.3f} s CPU; 50 normal requests in "
                f"{elapsed:.2f} s wall, {spent:.2f} s CPU (client and server); "
                f"evicted {server._server.evicted}, turned away {server._server.turned_away}"  # type: ignore[union-attr]
            )
    finally:
        stopped = time.monotonic()
        server.stop()
        stop_time = time.monotonic() - stopped
        for sock in clients:
            sock.close()
    with capsys.disabled():
        print(f"[limits] stop() with the cap reached took {stop_time:.2f} s")
    assert poll(lambda: threading.active_count() <= threads_before)
    assert poll(lambda: open_descriptors() <= descriptors_before)


@NEEDS_PROC
def test_accept_backs_off_when_descriptors_run_out(
    users_api: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.WARNING, logger="pytest_postman_mock.server")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    server = MockServer(users_api).start()
    clients: list[socket.socket] = []
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (open_descriptors() + 24, hard))
        with contextlib.suppress(OSError):
            while len(clients) < 200:  # each client and each accepted socket take one
                clients.append(socket.create_connection(("127.0.0.1", server.port), timeout=5))
        assert poll(lambda: "Too many open files" in caplog.text)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        wall = time.monotonic()
        poll(lambda: False, timeout=1.0)  # a second out of descriptors
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        spent = (cpu.ru_utime - usage.ru_utime) + (cpu.ru_stime - usage.ru_stime)
        with capsys.disabled():
            print(
                f"\n[limits] out of descriptors for {time.monotonic() - wall:.2f} s: "
                f"{spent:.3f} s CPU ({len(clients)} clients connected)"
            )
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        for sock in clients:
            sock.close()
    try:
        assert poll(lambda: served(server))
    finally:
        server.stop()
