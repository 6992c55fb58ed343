"""Network faults through a real server, as `requests` and `httpx` meet them on a real network.

Every client call here has its own timeout, so a fault that failed to end would fail the
test instead of hanging the suite.
"""

from __future__ import annotations

import contextlib
import math
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests

from pytest_postman_mock import MockServer
from pytest_postman_mock.calls.log import Kind

from . import builders

TIMEOUT = 5.0
BODY = {"items": list(range(200))}


@pytest.fixture
def mock(tmp_path: Path) -> Any:
    doc = builders.hello()
    with MockServer(builders.write(tmp_path / "api.json", doc), seed=4) as server:
        yield server


# What each client raises; `empty` (a bare status line) is accepted by http.client as a
# response without headers or body, which is what requests then returns.
REQUESTS_RAISES = {
    "reset": requests.exceptions.ConnectionError,
    "close": requests.exceptions.ConnectionError,
    "truncate": requests.exceptions.ChunkedEncodingError,
    "hang:20000": requests.exceptions.ReadTimeout,
}
HTTPX_RAISES = {
    "reset": httpx.ReadError,
    "close": httpx.RemoteProtocolError,
    "empty": httpx.RemoteProtocolError,
    "truncate": httpx.RemoteProtocolError,
    "hang:20000": httpx.ReadTimeout,
}


def read_timeout(fault: str) -> float:
    return 0.3 if fault.startswith("hang") else TIMEOUT


@pytest.mark.parametrize("fault", sorted(REQUESTS_RAISES))
def test_requests_sees_each_fault_as_a_network_error(mock: MockServer, fault: str) -> None:
    mock.route("GET", "/orders", json=BODY, fault=fault)
    with pytest.raises(REQUESTS_RAISES[fault]):
        requests.get(mock.url_for("/orders"), timeout=(TIMEOUT, read_timeout(fault)))
    call = mock.wait_for_calls(1)[0]
    assert call.kind == Kind.BEHAVIOR
    assert f"behavior fault={fault}" in call.notes[-1]


@pytest.mark.parametrize("fault", sorted(HTTPX_RAISES))
def test_httpx_sees_each_fault_as_a_network_error(mock: MockServer, fault: str) -> None:
    mock.route("GET", "/orders", json=BODY, fault=fault)
    timeout = httpx.Timeout(TIMEOUT, read=read_timeout(fault))
    with pytest.raises(HTTPX_RAISES[fault]):
        httpx.get(mock.url_for("/orders"), timeout=timeout)


def test_requests_reads_an_empty_answer_as_a_bare_status_line(mock: MockServer) -> None:
    mock.route("GET", "/orders", json=BODY, status=503, fault="empty")
    answer = requests.get(mock.url_for("/orders"), timeout=TIMEOUT)
    assert answer.status_code == 503
    assert answer.content == b"" and "Content-Type" not in answer.headers


def test_a_slow_body_arrives_whole_in_pieces(mock: MockServer) -> None:
    mock.route("GET", "/orders", json=BODY, fault="slow:400")
    pieces = []
    with httpx.stream("GET", mock.url_for("/orders"), timeout=TIMEOUT) as answer:
        pieces = list(answer.iter_raw())
    assert len(pieces) > 1
    assert httpx.Response(200, content=b"".join(pieces)).json() == BODY
    assert requests.get(mock.url_for("/orders"), timeout=TIMEOUT).json() == BODY


def test_a_slow_body_trips_a_short_read_timeout(mock: MockServer) -> None:
    mock.route("GET", "/orders", json=BODY, fault="slow:3000")
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(mock.url_for("/orders"), timeout=httpx.Timeout(TIMEOUT, read=0.05))


def test_a_fault_then_a_good_answer_lets_a_retry_succeed(mock: MockServer) -> None:
    mock.route("GET", "/orders", responses=[{"fault": "reset"}, {"json": BODY}])
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(mock.url_for("/orders"), timeout=TIMEOUT)
    assert requests.get(mock.url_for("/orders"), timeout=TIMEOUT).json() == BODY


def test_the_server_keeps_serving_after_every_fault(mock: MockServer) -> None:
    with requests.Session() as session:
        for fault in ("reset", "close", "empty", "truncate"):
            with (
                mock.route("GET", "/f", json=BODY, fault=fault),
                contextlib.suppress(requests.exceptions.RequestException),
            ):
                session.get(mock.url_for("/f"), timeout=TIMEOUT)
            assert session.get(mock.url_for("/hello"), timeout=TIMEOUT).json() == {"hello": "world"}


def outcomes(mock: MockServer, n: int) -> list[str]:
    seen = []
    for _ in range(n):
        try:
            seen.append(str(requests.get(mock.url_for("/hello"), timeout=TIMEOUT).status_code))
        except requests.exceptions.ChunkedEncodingError:
            seen.append("truncate")
        except requests.exceptions.ConnectionError:
            seen.append("reset")
    return seen


def test_fault_rate_ends_that_fraction_of_calls_reproducibly(tmp_path: Path) -> None:
    doc = builders.hello()
    api = builders.write(tmp_path / "api.json", doc)
    n, rates = 200, {"reset": 0.2, "truncate": 0.1}
    runs = []
    for _ in range(2):
        with MockServer(api, seed=8, fault_rate=rates) as server:
            runs.append(outcomes(server, n))
            calls = server.calls
    assert runs[0] == runs[1]
    for fault, rate in rates.items():
        spread = 5 * math.sqrt(n * rate * (1 - rate))
        assert n * rate - spread <= runs[0].count(fault) <= n * rate + spread
    faulted = [c for c in calls if c.kind == Kind.BEHAVIOR]
    assert len(faulted) == n - runs[1].count("200")
    assert all("behavior fault_rate (server): drew fault" in c.notes[-1] for c in faulted)
