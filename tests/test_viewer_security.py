"""The live viewer answers only to its own names and tells browsers how to treat it;
the all-interfaces warning knows every spelling of the unspecified address."""

from __future__ import annotations

import socket
import warnings
from pathlib import Path

import pytest
from werkzeug.test import Client

from pytest_postman_mock import MockServer
from pytest_postman_mock.serving.host_names import HostNames
from pytest_postman_mock.serving.server import listens_everywhere
from pytest_postman_mock.serving.viewer_app import DEFAULT_PREFIX, ViewerMiddleware, server_report

from . import builders

PORT = "8123"


def viewer(tmp_path: Path, names: HostNames) -> Client:
    server = MockServer(builders.secrets_api(tmp_path))  # WSGI only: no socket needed
    return Client(ViewerMiddleware(server.app, lambda: server_report(server), host_names=names))


def get(client: Client, path: str, host: str):  # type: ignore[no-untyped-def]
    return client.get(path, headers={"Host": host}, environ_overrides={"SERVER_PORT": PORT})


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1:8123", "localhost:8123", "[::1]:8123", "LOCALHOST:8123", "mock.test:8123"],
)
@pytest.mark.parametrize("path", [DEFAULT_PREFIX, DEFAULT_PREFIX + "data.json"])
def test_the_viewer_answers_its_own_names(tmp_path: Path, host: str, path: str) -> None:
    response = get(viewer(tmp_path, HostNames("127.0.0.1", ["mock.test"])), path, host)
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    "host", ["evil.test:8123", "127.0.0.1:9999", "127.0.0.1", "localhost.evil.test:8123", ""]
)
@pytest.mark.parametrize("path", [DEFAULT_PREFIX, DEFAULT_PREFIX + "data.json"])
def test_the_viewer_refuses_any_other_host(tmp_path: Path, host: str, path: str) -> None:
    response = get(viewer(tmp_path, HostNames("127.0.0.1")), path, host)
    assert response.status_code == 421
    text = response.get_data(as_text=True)
    assert text.startswith("Misdirected request: this call-log viewer answers only to ")
    assert "127.0.0.1:8123, [::1]:8123, localhost:8123" in text
    assert "--allowed-host NAME" in text
    assert "calls" not in text and response.mimetype == "text/plain"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_mock_itself_still_answers_any_host(tmp_path: Path) -> None:
    assert get(viewer(tmp_path, HostNames("127.0.0.1")), "/whoami", "evil.test").status_code == 200


def test_the_live_page_sends_its_policy_as_a_header_with_the_meta_tag_too(tmp_path: Path) -> None:
    page = get(viewer(tmp_path, HostNames("127.0.0.1")), DEFAULT_PREFIX, "localhost:8123")
    policy = page.headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'none'; style-src 'sha256-")
    assert policy.endswith(
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    meta = policy.removesuffix("; frame-ancestors 'none'")
    assert f'content="{meta}"' in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "spelled", ["0", "0x0", "000.0.0.0", "0.0.0.0", "::0", "::", "0:0:0:0:0:0:0:0"]
)
def test_every_spelling_of_all_interfaces_resolves_to_an_unspecified_address(spelled: str) -> None:
    try:
        [(*_, address), *_] = socket.getaddrinfo(spelled, 0, type=socket.SOCK_STREAM)
    except socket.gaierror:
        pytest.skip(f"this resolver does not read {spelled!r}")
    assert listens_everywhere(str(address[0]))


@pytest.mark.parametrize("spelled", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_is_not_all_interfaces(spelled: str) -> None:
    [(*_, address), *_] = socket.getaddrinfo(spelled, 0, type=socket.SOCK_STREAM)
    assert not listens_everywhere(str(address[0]))


def test_a_loopback_server_starts_without_the_warning(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with MockServer(builders.secrets_api(tmp_path)) as server:
            assert server.host == "127.0.0.1"
