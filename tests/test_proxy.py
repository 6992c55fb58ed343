"""Proxy mode: calls no example matches go to the real API (a local stand-in) and back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from pytest_postman_mock import MockServer
from pytest_postman_mock.errors import PostmanMockError

from . import builders, upstream
from .support_ports import free_port


@pytest.fixture
def api(tmp_path: Path) -> Path:
    doc = builders.collection(
        builders.request(
            "Health",
            "{{baseUrl}}/health",
            builders.example("Up", "{{baseUrl}}/health", body="up from the example"),
        ),
        variables={"baseUrl": "https://api.example.com"},
    )
    return builders.write(tmp_path / "api.postman_collection.json", doc)


@pytest.fixture
def target() -> Iterator[tuple[str, upstream.Upstream]]:
    with upstream.running() as found:
        yield found


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_each_method_goes_upstream_with_its_path_query_body_and_headers(
    api: Path, target: tuple[str, upstream.Upstream], method: str
) -> None:
    url, app = target
    body = b"" if method == "GET" else json.dumps({"method": method}).encode()
    with MockServer(api, proxy=url) as mock:
        answer = requests.request(
            method,
            mock.url + "/echo/a%2Fb/c?x=1&x=2&q=hello+world",
            data=body,
            headers={
                "Content-Type": "application/json",
                "X-Custom": "kept",
                "TE": "trailers",
                "Proxy-Authorization": "Basic c2VjcmV0",
                "X-Mock-Response-Code": "200",
            },
        )
        call = mock.calls.last
    assert answer.status_code == 200
    assert answer.headers["X-Upstream"] == "yes"
    seen = app.seen[-1]
    assert answer.json()["method"] == seen["method"] == method
    assert seen["query"] == "x=1&x=2&q=hello+world"
    assert seen["body"] == body.decode()
    assert seen["headers"]["x-custom"] == "kept"
    assert seen["headers"]["host"] == url.split("://")[1]  # the target's, not the mock's
    for dropped in ("te", "proxy-authorization", "x-mock-response-code"):
        assert dropped not in seen["headers"]
    assert call is not None and call.kind == "proxied"
    assert f"proxied to {url}/echo/a%2Fb/c" in call.notes


def test_head_goes_upstream_and_gets_no_body(
    api: Path, target: tuple[str, upstream.Upstream]
) -> None:
    url, app = target
    with MockServer(api, proxy=url) as mock:
        answer = requests.head(mock.url + "/echo/h?x=1")
    assert answer.status_code == 200 and answer.content == b""
    assert app.seen[-1]["method"] == "HEAD"


def test_a_matched_call_is_served_by_its_example_and_never_proxied(
    api: Path, target: tuple[str, upstream.Upstream]
) -> None:
    url, app = target
    with MockServer(api, proxy=url) as mock:
        answer = requests.get(mock.url + "/health")
        assert mock.calls.last is not None and mock.calls.last.kind == "matched"
    assert answer.text == "up from the example"
    assert app.seen == []


def test_the_target_status_and_headers_come_back(
    api: Path, target: tuple[str, upstream.Upstream]
) -> None:
    url, _ = target
    with MockServer(api, proxy=url) as mock:
        answer = requests.get(mock.url + "/echo?status=418")
        login = requests.post(mock.url + "/login")
    assert answer.status_code == 418 and answer.headers["Content-Type"] == "application/json"
    assert "session=sess-SECRET-cookie" in login.headers["Set-Cookie"]


def test_connections_to_the_target_are_reused(
    api: Path, target: tuple[str, upstream.Upstream]
) -> None:
    url, app = target
    with MockServer(api, proxy=url) as mock:
        for _ in range(3):
            assert requests.get(mock.url + "/users/7").status_code == 200
    assert len({seen["client_port"] for seen in app.seen}) == 1


def test_a_target_that_refuses_answers_502_in_postmans_shape(api: Path) -> None:
    down = f"http://127.0.0.1:{free_port()}"
    with MockServer(api, proxy=down) as mock:
        answer = requests.get(mock.url + "/users/1")
        call = mock.calls.last
    assert answer.status_code == 502
    assert answer.json()["error"]["name"] == "proxyConnectionError"
    assert call is not None and call.kind == "proxied"
    assert any("refused or unreachable" in note and down in note for note in call.notes)


def test_a_slow_target_answers_504(api: Path, target: tuple[str, upstream.Upstream]) -> None:
    url, app = target
    with MockServer(api, proxy=url, proxy_timeout=0.3) as mock:
        answer = requests.get(mock.url + "/slow")
        call = mock.calls.last
    app.release.set()
    assert answer.status_code == 504
    assert answer.json()["error"]["name"] == "proxyTimeoutError"
    assert call is not None and any("did not answer within 0.3 s" in n for n in call.notes)


def test_a_target_with_an_untrusted_certificate_answers_502(api: Path, tmp_path: Path) -> None:
    with upstream.running(tls_folder=tmp_path) as (url, app):
        assert url.startswith("https://127.0.0.1:")
        with MockServer(api, proxy=url) as mock:
            answer = requests.get(mock.url + "/users/1")
            call = mock.calls.last
    assert answer.status_code == 502
    assert answer.json()["error"]["name"] == "proxyTLSError"
    assert call is not None and any(n.startswith("TLS with proxy target") for n in call.notes)
    assert app.seen == []


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("ftp://example.com", "expected an http:// or https:// URL"),
        ("http://user:pw@127.0.0.1:1", "credentials in the proxy URL are not allowed"),
        ("http://127.0.0.1:1/?a=1", "without a query or fragment"),
        ("http://127.0.0.1:99999", "not a number from 0 to 65535"),
    ],
)
def test_a_bad_proxy_url_is_named(api: Path, value: str, problem: str) -> None:
    with pytest.raises(PostmanMockError, match=problem):
        MockServer(api, proxy=value)


def test_recording_without_a_proxy_is_an_error_that_says_what_to_set(api: Path) -> None:
    with pytest.raises(PostmanMockError, match="record='new' needs a proxy"):
        MockServer(api, record="new")


def test_an_answer_over_max_body_is_not_passed_on(
    api: Path, target: tuple[str, upstream.Upstream]
) -> None:
    url, _ = target
    with MockServer(api, proxy=url, max_body=20) as mock:
        answer = requests.get(mock.url + "/users/7")  # about 50 bytes of JSON
        again = requests.get(mock.url + "/users/7")
        call = mock.calls.last
    assert answer.status_code == again.status_code == 502
    assert call is not None and any("more than max_body (20 bytes)" in n for n in call.notes)
