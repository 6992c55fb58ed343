"""Stopping under load is prompt and leaves nothing behind; a failing handler never kills
the server."""

from __future__ import annotations

import http.client
import os
import threading
from pathlib import Path

import pytest
import requests

from pytest_postman_mock import Kind, MockServer, ServerError

from .conftest import poll


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to count sockets")
def test_stop_under_load_cuts_delays_and_leaks_nothing(users_api: Path) -> None:
    threads_before = threading.active_count()
    descriptors_before = open_descriptors()
    server = MockServer(users_api).start()
    stop_clients = threading.Event()
    held = threading.Semaphore(0)

    def note_held(request, example, response):  # type: ignore[no-untyped-def]
        if "x-mock-response-delay" in request.headers:
            held.release()  # this request is about to wait out its delay
        return None

    server.app.response_hook = note_held

    def client(delayed: bool) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        # The longest delay Postman allows: a stop that waited for it would miss the deadline.
        headers = {"x-mock-response-delay": "180000"} if delayed else {}
        while not stop_clients.is_set():
            try:
                connection.request("GET", "/users/1", headers=headers)
                connection.getresponse().read()
            except (OSError, http.client.HTTPException):
                break
        connection.close()

    clients = [threading.Thread(target=client, args=(n % 4 == 0,)) for n in range(8)]
    for thread in clients:
        thread.start()
    # Under load: both delayed requests are held and the others have been answered many times.
    assert all(held.acquire(timeout=10) for _ in range(2))
    server.wait_for_calls(20, timeout=10)
    stopper = threading.Thread(target=server.stop)
    stopper.start()
    stopper.join(timeout=30)
    stop_clients.set()
    for thread in clients:
        thread.join(timeout=30)
    assert not stopper.is_alive(), "stop waited for the 180 s delays instead of cutting them"
    assert not any(thread.is_alive() for thread in clients)
    assert poll(lambda: threading.active_count() <= threads_before, timeout=3)
    assert poll(lambda: open_descriptors() <= descriptors_before, timeout=3)


def test_an_exception_in_a_handler_never_kills_the_server(users_api: Path) -> None:
    with MockServer(users_api) as server:

        def broken_hook(request, example, response):  # type: ignore[no-untyped-def]
            if request.path.endswith("/boom"):
                raise RuntimeError("hook bug")
            return None

        server.app.response_hook = broken_hook
        failed = requests.get(server.url_for("/users/boom"), timeout=5)
        fine = requests.get(server.url_for("/users/1"), timeout=5)
        calls = server.calls
    assert failed.status_code == 500
    assert failed.json()["error"]["name"] == "mockServerError"
    assert fine.status_code == 200
    assert calls[0].kind == Kind.ERROR
    assert "RuntimeError: hook bug" in (calls[0].error or "")


def test_binding_an_address_this_machine_lacks_is_a_clear_error(users_api: Path) -> None:
    with pytest.raises(ServerError, match=r"cannot listen on 192\.0\.2\.1:\d+: .*"):
        MockServer(users_api, host="192.0.2.1").start()


def test_listening_on_every_interface_warns(users_api: Path) -> None:
    server = MockServer(users_api, host="0.0.0.0")
    with pytest.warns(UserWarning, match="listens on 0.0.0.0: anyone who can reach"):
        server.start()
    server.stop()


def test_the_default_address_is_loopback(users_server: MockServer) -> None:
    assert users_server.url.startswith("http://127.0.0.1:")
