"""`when=` request criteria on overrides and handlers, through real HTTP: each criterion
answers the calls that have it, skips the rest with a note, and reads exactly as the same
criterion of `assert_called` does."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from pytest_postman_mock import MockServer, SettingsError

CASES = [
    pytest.param(
        {"query": {"tag": ["a", "b"]}},
        {"params": "tag=a&tag=b"},
        {"params": "tag=a"},
        "query tag=['a'], expected ['a', 'b']",
        id="query",
    ),
    pytest.param(
        {"headers": {"X-Tenant": "acme"}},
        {"headers": {"x-tenant": "acme"}},
        {"headers": {"X-Tenant": "other"}},
        "header X-Tenant: 'other', expected 'acme'",
        id="headers",
    ),
    pytest.param(
        {"json": {"sku": "A1", "qty": 1}},
        {"json": {"qty": 1, "sku": "A1"}},
        {"json": {"sku": "A1", "qty": 2}},
        "JSON body differs:",
        id="json",
    ),
    pytest.param(
        {"jsonpath": {"$.items[0].sku": "A1"}},
        {"json": {"items": [{"sku": "A1"}]}},
        {"json": {"items": [{"sku": "B2"}]}},
        "$.items[0].sku is 'B2', expected 'A1'",
        id="jsonpath",
    ),
    pytest.param(
        {"body": "ping"},
        {"data": "ping"},
        {"data": "pong"},
        "body differs, expected 'ping'",
        id="body",
    ),
]


@pytest.mark.parametrize(("when", "fits", "misses", "note"), CASES)
def test_each_criterion_answers_the_calls_that_have_it_and_notes_why_it_skipped(
    users_server: MockServer,
    when: dict[str, Any],
    fits: dict[str, Any],
    misses: dict[str, Any],
    note: str,
) -> None:
    users_server.route("POST", "/orders", status=409, when=when)
    target = users_server.url_for("/orders")
    assert requests.post(target, timeout=5, **fits).status_code == 409
    assert users_server.calls.last is not None
    assert users_server.calls.last.notes == ("override of POST /orders",)

    assert requests.post(target, timeout=5, **misses).status_code == 404  # the collection's
    skipped = users_server.calls.last
    assert skipped is not None
    assert skipped.notes[0].startswith(f"skipped override of POST /orders: {note}")
    assert skipped.kind == "unmatched"

    # one implementation: assert_called says the same thing about the same call
    with pytest.raises(AssertionError) as failure:
        users_server.assert_called_with("POST", "/orders", **when)
    assert f"- {skipped.notes[0].split(': ', 1)[1]}" in str(failure.value)


def test_a_skipped_rule_falls_through_to_older_rules_then_the_collection(
    users_server: MockServer,
) -> None:
    users_server.override("GET", "/users/:id", status=418)
    users_server.override(
        "GET", "/users/:id", handler=lambda r: {"json": "vip"}, when={"query": {"vip": "1"}}
    )
    base = users_server.url_for("/users/3")
    assert requests.get(base + "?vip=1", timeout=5).json() == "vip"
    assert requests.get(base, timeout=5).status_code == 418
    assert users_server.calls.last is not None
    assert users_server.calls.last.notes == (
        "skipped handler test_a_skipped_rule_falls_through_to_older_rules_then_the_collection."
        "<locals>.<lambda> for GET /users/:id: query vip=(absent), expected '1'",
        "override of GET /users/:id",
    )


def test_the_reply_json_stays_apart_from_the_criteria(users_server: MockServer) -> None:
    users_server.route(
        "POST", "/orders", json={"accepted": True}, status=201, when={"json": {"sku": "A1"}}
    )
    response = requests.post(users_server.url_for("/orders"), json={"sku": "A1"}, timeout=5)
    assert (response.status_code, response.json()) == (201, {"accepted": True})


def test_a_non_json_body_misses_a_json_criterion_with_a_note(users_server: MockServer) -> None:
    users_server.route("POST", "/orders", status=201, when={"jsonpath": {"$.sku": "A1"}})
    requests.post(users_server.url_for("/orders"), data="sku=A1", timeout=5)
    call = users_server.calls.last
    assert call is not None and call.status == 404
    assert call.notes[0].endswith(": body is not JSON")


def test_bad_criteria_are_refused_with_the_name_of_the_problem(users_server: MockServer) -> None:
    with pytest.raises(
        SettingsError, match="no criterion 'header' \\(did you mean 'headers'\\?\\)"
    ):
        users_server.route("GET", "/x", status=200, when={"header": {"a": "b"}})
    with pytest.raises(SettingsError, match="invalid JSONPath"):
        users_server.route("GET", "/x", status=200, when={"jsonpath": {"$[": 1}})
    with pytest.raises(SettingsError, match="when= takes a dict"):
        users_server.route("GET", "/x", status=200, when=["query"])  # type: ignore[arg-type]
