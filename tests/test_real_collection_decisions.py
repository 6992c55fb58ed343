"""Matching decisions that real collections need (SPEC.md §2.4, §2.6; issue 15).

Valued `:name` path variables, specific-beats-generic among wildcards, empty
variables in paths, empty saved header values, and fuzzy (score 70) matches.
Collections are built with `tests.builders` and parsed by the real parser; the
last tests go through a real server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from pytest_postman_mock import MockServer
from pytest_postman_mock.collection.parser import parse_document
from pytest_postman_mock.engine.core import Engine
from pytest_postman_mock.engine.index import ExampleIndex
from pytest_postman_mock.engine.matching import Matcher
from pytest_postman_mock.engine.request import Incoming
from pytest_postman_mock.settings import MockSettings

from . import builders


def valued(path: str, **values: str) -> dict[str, Any]:
    """A URL object with `:name` variables saved with `values` ("" for no value)."""
    return {
        "raw": "{{baseUrl}}" + path,
        "host": ["{{baseUrl}}"],
        "path": path.strip("/").split("/"),
        "variable": [{"key": k, "value": v} for k, v in values.items()],
    }


ACCOUNTS = builders.collection(
    builders.request(
        "Get account",
        "{{baseUrl}}/accounts/:account_id",
        builders.example("OK", valued("/accounts/:account_id", account_id=""), id="a1"),
        builders.example(
            "Account not found",
            valued("/accounts/:account_id", account_id="1111111"),
            code=404,
            id="a2",
        ),
        builders.example(
            "Forbidden",
            valued("/accounts/:account_id", account_id="5CNQ4YGQV84CQ"),
            code=403,
            id="a3",
        ),
    )
)


def engine(document: dict[str, Any], settings: MockSettings | None = None) -> Engine:
    return Engine(parse_document(document), None, settings)


def get(path: str, method: str = "GET", headers: dict[str, str] | None = None) -> Incoming:
    return Incoming(method=method, path=path, query=(), headers=headers or {})


def chosen(eng: Engine, path: str, **kwargs: Any) -> tuple[str | None, float | None]:
    match = eng.matcher.match(get(path, **kwargs))
    return (match.example.example.name if match.example else None), match.score


def test_a_valued_path_variable_is_that_value_and_an_unvalued_one_a_wildcard() -> None:
    eng = engine(ACCOUNTS)
    assert chosen(eng, "/accounts/1111111") == ("Account not found", 100)
    assert chosen(eng, "/accounts/5CNQ4YGQV84CQ") == ("Forbidden", 100)
    assert chosen(eng, "/accounts/5cnq4ygqv84cq/") == ("Forbidden", 85)
    assert chosen(eng, "/accounts/42") == ("OK", 80)


def test_a_valued_id_variable_scores_79_and_75_when_no_wildcard_competes() -> None:
    document = builders.collection(
        builders.request(
            "Get",
            "/items/:id",
            builders.example("Saved", valued("/items/:id", id="abc12345")),
        )
    )
    eng = engine(document)
    assert chosen(eng, "/items/abc12345") == ("Saved", 100)
    assert chosen(eng, "/items/zzz99999") == ("Saved", 79)
    assert chosen(eng, "/items/zzz99999/") == ("Saved", 75)
    assert chosen(eng, "/items/carol") == (None, None)


def test_path_variable_values_false_makes_every_name_a_wildcard_again() -> None:
    eng = engine(ACCOUNTS, MockSettings(path_variable_values=False))
    # all three tie at 80 and the tie rule (id order, status 200 first) answers "OK"
    assert chosen(eng, "/accounts/1111111") == ("OK", 80)
    assert chosen(eng, "/accounts/5CNQ4YGQV84CQ") == ("OK", 80)


def test_a_response_echoes_the_saved_value_as_its_variable() -> None:
    document = builders.collection(
        builders.request(
            "Get",
            "/items/:id",
            builders.example("Saved", valued("/items/:id", id="abc12345"), body="id={{id}}"),
        )
    )
    eng = engine(document)
    assert eng.respond(get("/items/abc12345")).response.body == b"id=abc12345"


def test_a_near_miss_against_a_valued_variable_says_how_to_make_it_a_wildcard() -> None:
    document = builders.collection(
        builders.request(
            "Get user",
            "/users/:userId",
            builders.example("Seven", valued("/users/:userId", userId="7")),
        )
    )
    outcome = engine(document).respond(get("/users/carol"))
    assert outcome.example is None
    assert outcome.near_misses[0].reason == (
        "path segment 2 is 'carol'; the example saved userId = '7': a path variable with a "
        "saved value matches only that value (clear the value in Postman, or set "
        "path_variable_values=false, to make it a wildcard)"
    )


def test_specific_beats_generic_among_wildcards() -> None:
    limits = "/balanceAccounts/:id/transferLimits"
    document = builders.collection(
        builders.request(
            "Get a limit",
            limits + "/:transferLimitId",
            builders.example("One limit", limits + "/:transferLimitId", id="a"),
        ),
        builders.request(
            "Current limits",
            limits + "/current",
            builders.example("Current", limits + "/current", id="b"),
        ),
    )
    eng = engine(document)
    assert chosen(eng, "/balanceAccounts/x1/transferLimits/current") == ("Current", 80)
    assert chosen(eng, "/balanceAccounts/x1/transferLimits/L7") == ("One limit", 80)


def test_an_empty_variable_in_a_path_is_a_wildcard() -> None:
    document = builders.collection(
        builders.request(
            "Account",
            "{{baseUrl}}/accounts/{{accountId}}/balance",
            builders.example("Balance", "{{baseUrl}}/accounts/{{accountId}}/balance"),
        ),
        variables={"accountId": ""},
    )
    eng = engine(document)
    assert chosen(eng, "/accounts/A9/balance") == ("Balance", 80)
    assert chosen(eng, "/accounts//balance")[0] is None
    compiled = eng.index.examples[0]
    assert compiled.empty_variables == ("accountId",)


def test_an_empty_saved_header_value_asks_only_that_the_header_be_present() -> None:
    document = builders.collection(
        builders.request(
            "Me",
            "/me",
            builders.example("Me", "/me", request_headers={"Authorization": ""}),
        )
    )
    eng = engine(document, MockSettings(match_headers=("Authorization",)))
    assert chosen(eng, "/me", headers={"authorization": "Bearer abc"}) == ("Me", 100)
    assert chosen(eng, "/me") == (None, None)


def test_a_document_distance_match_is_served_and_marked_fuzzy(tmp_path: Path) -> None:
    document = builders.collection(
        builders.request(
            "Show Order Details",
            "/v2/checkout/orders/:id",
            builders.example("Order", "/v2/checkout/orders/:id", body="order"),
        )
    )
    path = builders.write(tmp_path / "orders.postman_collection.json", document)
    with MockServer(path) as server:
        response = requests.get(server.url_for("/v2/chekout/orders/X"), timeout=5)
        exact = requests.get(server.url_for("/v2/checkout/orders/X"), timeout=5)
        assert (response.status_code, response.text) == (200, "order")
        typo, good = server.calls
    assert (typo.fuzzy, typo.score, good.fuzzy) == (True, 70, False)
    assert exact.status_code == 200
    assert typo.notes == (
        "fuzzy match: served only by document distance from 'Show Order Details / Order' "
        "(GET /v2/checkout/orders/:id)",
    )


def test_the_matcher_reports_the_fuzzy_tier() -> None:
    document = builders.collection(
        builders.request("Sales", "/sales/europe", builders.example("Europe", "/sales/europe"))
    )
    matcher = Matcher(ExampleIndex(parse_document(document)))
    assert matcher.match(get("/sales/europes")).fuzzy
    assert not matcher.match(get("/sales/europe")).fuzzy


def test_a_fuzzy_call_is_not_unmatched(tmp_path: Path) -> None:
    document = builders.collection(
        builders.request("Sales", "/sales/europe", builders.example("Europe", "/sales/europe"))
    )
    with MockServer(builders.write(tmp_path / "sales.json", document)) as server:
        assert requests.get(server.url_for("/sales/europes"), timeout=5).status_code == 200
        server.assert_no_unmatched()  # served, only strict mode in pytest objects to it
        assert server.calls.last is not None and server.calls.last.fuzzy
