"""The app reads a request straight from its environ and answers without Werkzeug's
`Response`: what a call records and what a client receives stay as Werkzeug had them,
behind our server and behind Werkzeug's own (whose body the app must bound itself)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from pytest_postman_mock import MockServer
from pytest_postman_mock.calls.log import Kind

from . import builders

MAX_BODY = 1024


@pytest.fixture
def server(tmp_path: Path) -> Iterator[MockServer]:
    doc = builders.user_and_echo()
    with MockServer(builders.write(tmp_path / "api.json", doc), max_body=MAX_BODY) as running:
        yield running


@pytest.fixture
def werkzeug_url(tmp_path: Path) -> Iterator[tuple[str, MockServer]]:
    """The same app served by Werkzeug's development server instead of ours."""
    doc = builders.user_and_echo()
    mock = MockServer(builders.write(tmp_path / "api.json", doc), max_body=MAX_BODY)
    httpd = make_server("127.0.0.1", 0, mock.app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}", mock
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_a_call_records_query_headers_and_path_as_werkzeug_read_them(
    server: MockServer,
) -> None:
    reply = requests.get(
        server.url_for("/users/7?a=1&b=2&a=3&empty="),
        headers={"X-Name": "café".encode(), "X-Api-Key": "not-a-secret-here"},
        timeout=10,
    )
    assert reply.json() == {"id": "7"}
    call = server.calls[-1]
    assert call.query == (("a", "1"), ("a", "3"), ("b", "2"), ("empty", ""))
    assert call.path == "/users/7"
    headers = dict(call.headers)
    assert headers["X-Name"] == "café"
    assert headers["X-Api-Key"] != "not-a-secret-here"


def test_head_and_default_headers_as_a_werkzeug_response_sent_them(server: MockServer) -> None:
    head = requests.head(server.url_for("/users/7"), timeout=10)
    get = requests.get(server.url_for("/users/7"), timeout=10)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["Content-Length"] == str(len(get.content))
    assert server.calls[-2].response_body == b""
    echo = requests.post(server.url_for("/echo"), data=b"plain", timeout=10)
    assert echo.content == b"plain"
    assert echo.headers["Content-Type"]  # a body without a saved type gets Werkzeug's default


def test_behind_werkzeugs_server_bodies_are_read_and_bounded(
    werkzeug_url: tuple[str, MockServer],
) -> None:
    url, mock = werkzeug_url
    echo = requests.post(f"{url}/echo", data=b"hello body", timeout=10)
    assert echo.content == b"hello body"
    too_big = requests.post(f"{url}/echo", data=b"x" * (MAX_BODY + 1), timeout=10)
    assert too_big.status_code == 413
    assert mock.calls[-1].kind == Kind.TOO_LARGE
    form = requests.post(f"{url}/echo", data={"a": "1", "b": "2"}, timeout=10)
    assert form.content == b"a=1&b=2"
    assert requests.get(f"{url}/users/9?x=1", timeout=10).json() == {"id": "9"}
    assert mock.calls[-1].query == (("x", "1"),)
