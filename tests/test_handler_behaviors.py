"""Behaviors on handlers through a real server: the rule's own (keywords with `handler=`
or `@handler(...)`), decided before the handler runs, and those of a handler's answer."""

from __future__ import annotations

import math
import threading
from pathlib import Path
from typing import Any

import pytest
import requests

from pytest_postman_mock import HandlerRequest, MockServer, SettingsError, handler
from pytest_postman_mock.calls.log import Kind

from . import builders

TIMEOUT = 5.0


@pytest.fixture
def mock(tmp_path: Path) -> Any:
    doc = builders.hello()
    with MockServer(builders.write(tmp_path / "api.json", doc), seed=5) as server:
        yield server


def test_a_handler_answer_with_a_fault_resets_the_connection(mock: MockServer) -> None:
    @mock.handler("GET", "/orders")
    def reset_it(request: HandlerRequest) -> dict[str, object]:
        return {"fault": "reset"}

    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(mock.url_for("/orders"), timeout=TIMEOUT)
    call = mock.wait_for_calls(1)[0]
    assert call.kind == Kind.BEHAVIOR
    assert any(
        note.startswith("behavior fault=reset (handler ") and "reset_it for GET /orders" in note
        for note in call.notes
    )


def test_a_handler_answer_with_a_delay_range_waits_a_drawn_time(mock: MockServer) -> None:
    @mock.handler("GET", "/orders")
    def slow(request: HandlerRequest) -> dict[str, object]:
        return {"status": 200, "json": {"ok": True}, "delay": "20-60"}

    response = requests.get(mock.url_for("/orders"), timeout=TIMEOUT)
    assert (response.status_code, response.json()) == (200, {"ok": True})
    call = mock.wait_for_calls(1)[0]
    assert call.kind == Kind.OVERRIDE
    assert call.notes[-1].startswith("behavior delay=20-60: ")
    drawn = int(call.notes[-1].split(": ")[1].split()[0])
    assert 20 <= drawn <= 60 and call.duration_ms >= drawn


def test_a_handler_rules_error_rate_answers_that_share_without_running_it(
    mock: MockServer,
) -> None:
    ran: list[int] = []
    lock = threading.Lock()

    @mock.handler("GET", "/orders", error_rate=0.3, error_statuses=[503])
    def orders(request: HandlerRequest) -> dict[str, object]:
        with lock:
            ran.append(1)
        return {"json": {"orders": []}}

    n = 300
    with requests.Session() as session:
        statuses = [
            session.get(mock.url_for("/orders"), timeout=TIMEOUT).status_code for _ in range(n)
        ]
    errors = [s for s in statuses if s != 200]
    spread = 5 * math.sqrt(n * 0.3 * 0.7)
    assert n * 0.3 - spread <= len(errors) <= n * 0.3 + spread
    assert set(errors) == {503}
    assert len(ran) == n - len(errors)  # an error the rule decided never reaches the handler
    failed = [c for c in mock.calls if c.status == 503]
    assert all(c.kind == Kind.BEHAVIOR for c in failed)
    assert "behavior error_rate=0.3 (handler " in failed[0].notes[0]
    assert "orders for GET /orders" in failed[0].notes[0]


def test_a_route_with_a_handler_and_a_fault_resets_after_the_handler_ran(
    mock: MockServer,
) -> None:
    seen: list[str] = []

    def answer(request: HandlerRequest) -> dict[str, object]:
        seen.append(request.path)
        return {"json": {"ok": True}}

    mock.route("GET", "/orders", handler=answer, fault="reset")
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(mock.url_for("/orders"), timeout=TIMEOUT)
    call = mock.wait_for_calls(1)[0]
    assert call.kind == Kind.BEHAVIOR
    assert seen == ["/orders"]
    assert "behavior fault=reset (handler " in call.notes[0]


def test_an_override_with_a_handler_and_a_rate_limit_answers_429_past_it(
    mock: MockServer,
) -> None:
    mock.override("GET", "/hello", handler=lambda request: {"json": {"n": 1}}, rate_limit="2/min")
    with requests.Session() as session:
        responses = [session.get(mock.url_for("/hello"), timeout=TIMEOUT) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert responses[0].headers["X-RateLimit-Remaining"] == "1"
    assert "Retry-After" in responses[2].headers
    assert "behavior rate_limit=2/min (handler " in mock.calls[2].notes[0]


def test_the_top_level_decorator_takes_a_fault_rate(mock: MockServer) -> None:
    @handler("GET", "/orders", fault_rate={"reset": 1.0})
    def always(request: HandlerRequest) -> dict[str, object]:
        return {"json": {"ok": True}}

    mock.use_handlers([always])
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(mock.url_for("/orders"), timeout=TIMEOUT)
    call = mock.wait_for_calls(1)[0]
    assert call.kind == Kind.BEHAVIOR
    assert "behavior fault_rate (handler " in call.notes[0]
    assert call.notes[0].endswith("drew fault reset")


def test_handler_behavior_mistakes_are_named(mock: MockServer) -> None:
    with pytest.raises(SettingsError, match=r"drop \['status'\].*behaviors delay, error_rate"):
        mock.route("GET", "/orders", handler=lambda request: None, status=200)
    with pytest.raises(SettingsError, match="error_rat"):
        mock.route("GET", "/orders", handler=lambda request: None, error_rat=0.1)

    @mock.handler("GET", "/orders")
    def wrong(request: HandlerRequest) -> dict[str, object]:
        return {"fault": "explode"}

    response = requests.get(mock.url_for("/orders"), timeout=TIMEOUT)
    assert response.status_code == 500
    call = mock.wait_for_calls(1)[0]
    assert call.kind == Kind.ERROR
    assert any("fault='explode'" in note for note in call.notes)
