"""Turns: connection threads work first come, first served, and never hold their turn
while they wait (for a client, a delay, a handler or a hook that calls the mock itself)."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
import requests

from pytest_postman_mock import HandlerRequest, MockServer
from pytest_postman_mock.serving.turns import Turnstile, outside

from . import builders
from .conftest import poll

DEADLINE = 10.0


def test_threads_get_their_turns_in_the_order_they_asked() -> None:
    turnstile = Turnstile()
    order: list[int] = []

    def work(number: int) -> None:
        with turnstile:
            order.append(number)

    turnstile.take()
    threads = []
    for number in range(6):  # each one queues only once the one before it waits
        thread = threading.Thread(target=work, args=(number,))
        thread.start()
        threads.append(thread)
        assert poll(lambda n=number: turnstile.waiting == n + 1, DEADLINE)
    turnstile.give()
    for thread in threads:
        thread.join(DEADLINE)
    assert order == [0, 1, 2, 3, 4, 5]
    assert turnstile.waiting == 0


def test_a_thread_outside_its_turn_lets_the_next_one_work() -> None:
    turnstile = Turnstile()
    outside_now, other_done = threading.Event(), threading.Event()
    seen: list[str] = []

    def holder() -> None:
        with turnstile:
            seen.append("holder in")
            with outside():
                outside_now.set()
                other_done.wait(DEADLINE)  # the other thread works meanwhile
            seen.append("holder back")

    def other() -> None:
        outside_now.wait(DEADLINE)
        with turnstile:
            seen.append("other")
        other_done.set()

    threads = [threading.Thread(target=holder), threading.Thread(target=other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE)
    assert seen == ["holder in", "other", "holder back"]


def test_outside_without_a_turn_changes_nothing_and_a_second_take_is_refused() -> None:
    turnstile = Turnstile()
    with outside():  # this thread holds no turn: nothing to give up
        pass
    with turnstile, pytest.raises(RuntimeError, match="already holds its turn"):
        turnstile.take()
    with turnstile:  # the turn was given back
        assert turnstile.waiting == 0


def test_a_handler_that_calls_the_mock_itself_gets_its_answer(
    users_server: MockServer,
) -> None:
    def outer(request: HandlerRequest) -> dict[str, object]:
        inner = requests.get(users_server.url_for("/users/7"), timeout=DEADLINE)
        return {"status": 200, "json": {"inner": inner.json()}}

    users_server.route("GET", "/outer", handler=outer)
    response = requests.get(users_server.url_for("/outer"), timeout=DEADLINE)
    assert response.json() == {"inner": {"id": "7", "name": "Ada"}}
    assert [call.path for call in users_server.calls] == ["/users/7", "/outer"]


def test_a_hook_and_a_listener_that_call_the_mock_itself_get_their_answers(
    users_server: MockServer,
) -> None:
    inner: list[int] = []

    def call_inside(path: str) -> None:
        if path == "/users/1":  # only the outer call calls again
            inner.append(requests.get(users_server.url_for("/users"), timeout=DEADLINE).status_code)

    users_server.on_response(lambda request, name, response: call_inside(request.path))
    users_server.on_call(lambda call: call_inside(call.path))
    response = requests.get(users_server.url_for("/users/1"), timeout=DEADLINE)
    assert response.status_code == 200
    assert poll(lambda: len(inner) == 2, DEADLINE)
    assert inner == [200, 200]


def test_a_client_that_does_not_read_its_answer_holds_up_no_one(tmp_path: Path) -> None:
    big = "x" * (8 * 1024 * 1024)  # far more than the socket buffers hold
    doc = builders.collection(
        builders.answering("Big", "https://x.test/big", big),
        builders.answering("Small", "https://x.test/small", "ok"),
    )
    path = builders.write(tmp_path / "big.postman_collection.json", doc)
    with MockServer(path) as server:
        stuck = socket.socket()
        try:
            stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before the window
            stuck.settimeout(DEADLINE)
            stuck.connect(("127.0.0.1", server.port))
            stuck.sendall(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
            stuck.recv(1)  # the answer has begun, and stalls: this client reads no more
            for _ in range(3):
                response = requests.get(server.url_for("/small"), timeout=DEADLINE)
                assert response.text == "ok"
            received = bytearray(b"H")  # and it still gets the whole answer
            while len(received) < len(big) and (data := stuck.recv(1 << 20)):
                received += data
            head, _, body = bytes(received).partition(b"\r\n\r\n")
            while len(body) < len(big) and (data := stuck.recv(1 << 20)):
                body += data
            assert head.startswith(b"HTTP/1.1 200")
            assert body == big.encode()
        finally:
            stuck.close()
