"""Near misses: for a request nothing matched, the closest examples and what differed first.

The engine names up to three examples, those that got furthest through the
matcher's steps first (method, x-mock-response-code, path, headers, body), and
for each the first thing that rejected it. The texts are asserted exactly: they
are what people read in strict-mode failures and in the call log.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pytest_postman_mock.collection.parser import parse_document
from pytest_postman_mock.engine.core import Engine
from pytest_postman_mock.engine.near_misses import NearMiss
from pytest_postman_mock.settings import MockSettings

from . import builders
from .builders import example
from .support_requests import JSON, form_body, raw_body, req

pytest_plugins = ["pytester"]

USER = "Users / Get user / User found"
CREATED = "Users / Create user / Created"
ITEMS = "Order items / Items"
VERSIONED = "List things / Things"
SIGNUP = "Sign up / Signed up"


def api() -> dict[str, Any]:
    return builders.collection(
        builders.folder(
            "Users",
            builders.request(
                "Get user",
                "/users/:id",
                example("User found", "/users/:id", id="u1"),
            ),
            builders.request(
                "Create user",
                "/users",
                example(
                    "Created",
                    "/users",
                    method="POST",
                    code=201,
                    request_headers={"Content-Type": JSON, "X-Tenant": "acme"},
                    request_body=raw_body('{"name": "Ada", "admin": false}'),
                    id="u2",
                ),
            ),
        ),
        builders.request("Order items", "/orders/7/items", example("Items", "/orders/7/items")),
        builders.request(
            "List things", "/api/v{{version}}/things", example("Things", "/api/v{{version}}/things")
        ),
        builders.request(
            "Sign up",
            "/signup",
            example(
                "Signed up",
                "/signup",
                method="POST",
                request_body=form_body("urlencoded", ("user", "ada"), ("plan", "free")),
            ),
        ),
    )


def misses(request: Any, settings: MockSettings | None = None) -> list[NearMiss]:
    outcome = Engine(parse_document(api()), settings=settings).respond(request)
    assert outcome.response.status == 404
    return list(outcome.near_misses)


def first(request: Any, settings: MockSettings | None = None) -> tuple[str, str, str]:
    miss = misses(request, settings)[0]
    return miss.example, miss.stage, miss.reason


# -- which examples, in which order ----------------------------------------------------------


def test_at_most_three_closest_first() -> None:
    found = misses(req("/users/7/posts"))
    assert [(m.example, m.stage) for m in found] == [
        (USER, "path"),
        (ITEMS, "path"),
        (VERSIONED, "path"),
    ]


def test_examples_that_got_further_rank_first() -> None:
    found = misses(req("/users", "POST", body='{"name": "Bob"}', content_type=JSON), BODY_ON)
    assert [(m.example, m.stage) for m in found][:2] == [(CREATED, "body"), (SIGNUP, "path")]


def test_no_near_misses_without_examples() -> None:
    doc = builders.collection(builders.request("Empty", "/x"))
    outcome = Engine(parse_document(doc)).respond(req("/x"))
    assert (outcome.response.status, outcome.near_misses) == (404, ())


# -- method, status and path -----------------------------------------------------------------


def test_method_difference() -> None:
    assert first(req("/users/7", "DELETE")) == (USER, "method", "method is DELETE, example is GET")


def test_response_code_difference() -> None:
    request = req("/users/7", headers={"x-mock-response-code": "404"})
    assert first(request) == (USER, "code", "x-mock-response-code asks for 404, example is 200")


def test_segment_count_difference() -> None:
    assert first(req("/users/7/posts")) == (
        USER,
        "path",
        "path has 3 segments, example /users/:id has 2",
    )
    assert misses(req("/orders"))[0].reason == "path has 1 segment, example /orders/7/items has 3"


def test_literal_segment_difference() -> None:
    assert first(req("/orders/7/parts")) == (
        ITEMS,
        "path",
        "path segment 3 is 'parts', example has 'items'",
    )


def test_a_different_id_is_named_only_when_nothing_else_differs() -> None:
    # 8 and 7 are both IDs, which tier 79 lets stand in for each other: "item" is the news
    assert first(req("/orders/8/item"))[2] == "path segment 3 is 'item', example has 'items'"
    assert first(req("/orders/8/item/x"))[2] == "path has 4 segments, example /orders/7/items has 3"


def test_wildcard_segment_difference_quotes_the_segment_as_written() -> None:
    assert first(req("/api/x/things")) == (
        VERSIONED,
        "path",
        "path segment 2 'x' does not fit 'v{{version}}'",
    )


# -- headers ---------------------------------------------------------------------------------

TENANT = MockSettings(match_headers=("X-Tenant",))


def post_user(**headers: str) -> Any:
    return req(
        "/users", "POST", headers=headers, body='{"name":"Ada","admin":false}', content_type=JSON
    )


def test_header_value_difference() -> None:
    assert first(post_user(**{"X-Tenant": " beta "}), TENANT) == (
        CREATED,
        "headers",
        "header X-Tenant is 'beta', example has 'acme'",
    )


def test_header_missing_from_the_request() -> None:
    assert first(post_user(), TENANT)[2] == "header X-Tenant is missing, example has 'acme'"


def test_header_missing_from_the_example() -> None:
    request = req("/users/7", headers={"X-Tenant": "acme"})
    assert first(request, TENANT) == (
        USER,
        "headers",
        "header X-Tenant is 'acme', example has none",
    )


def test_per_call_header_list_is_used_and_control_headers_are_skipped() -> None:
    request = post_user(
        **{
            "X-Region": "eu",
            "x-mock-match-request-headers": "x-mock-response-code, X-Region",
        }
    )
    assert first(request)[2] == "header X-Region is 'eu', example has none"


# -- bodies ----------------------------------------------------------------------------------

BODY_ON = MockSettings(match_body=True)


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        ('{"name": "Bob", "admin": false}', JSON, "body field 'name' is 'Bob', example has 'Ada'"),
        ('{"admin": false}', JSON, "body field 'name' is missing, example has 'Ada'"),
        ('{"name": "Ada", "admin": 0}', JSON, "body field 'admin' is 0, example has False"),
        (
            '{"name": "Ada", "admin": false, "age": 3}',
            JSON,
            "body field 'age' is not in the example",
        ),
        ("[1]", JSON, "body differs from the example's json body"),
        ("", JSON, "request has no body, example has a json body"),
        (
            '{"name": "Ada", "admin": false}',
            "text/plain",
            "body Content-Type is 'text/plain', example expects 'application/json'",
        ),
        (
            '{"name": "Ada", "admin": false}',
            "",
            "body Content-Type is missing, example expects 'application/json'",
        ),
    ],
)
def test_json_body_differences(body: str, content_type: str, reason: str) -> None:
    request = req("/users", "POST", body=body, content_type=content_type)
    assert first(request, BODY_ON) == (CREATED, "body", reason)


def test_form_body_difference() -> None:
    form = "application/x-www-form-urlencoded"
    request = req("/signup", "POST", body="user=ada&plan=pro", content_type=form)
    assert first(request, BODY_ON) == (
        SIGNUP,
        "body",
        "form field 'plan' is 'pro', example has 'free'",
    )


def test_request_body_where_the_example_has_none() -> None:
    request = req(
        "/users/7",
        "GET",
        body="{}",
        content_type=JSON,
        headers={"x-mock-match-request-body": "true"},
    )
    assert first(request) == (USER, "body", "request has a body, example has none")


# -- selectors -------------------------------------------------------------------------------


def test_unknown_selector_names_the_header_and_value() -> None:
    assert misses(req("/users/7", headers={"x-mock-response-name": "Nope"})) == [
        NearMiss("x-mock-response-name", "no GET example has name 'Nope'", "name")
    ]
    headers = {"x-mock-response-id": "u1", "x-mock-response-code": "500"}
    assert misses(req("/users/7", headers=headers)) == [
        NearMiss("x-mock-response-id", "no GET example with status 500 has id 'u1'", "id")
    ]


# -- in a strict test's failure --------------------------------------------------------------


def test_strict_failure_shows_the_near_misses(pytester: pytest.Pytester) -> None:
    builders.write(pytester.path / "api.postman_collection.json", api())
    pytester.makeini("[pytest]\npostman_mock_collection = api.postman_collection.json\n")
    pytester.makepyfile(
        test_strict="""
        import requests

        def test_calls(postman_mock):
            assert requests.get(postman_mock.url_for("/users/7")).status_code == 200
            assert requests.get(postman_mock.url_for("/orders/8/item")).status_code == 404
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*postman_mock: 1 call(s) matched no example (strict mode):",
            "*  GET /orders/8/item -> 404 No matching requests",
            "*    closest examples, and the first thing that differed:",
            "*      - Order items / Items: path segment 3 is 'item', example has 'items'",
            "*      - Users / Get user / User found: path has 3 segments, example /users/:id has 2",
            "*Turn strict mode off for this test with @pytest.mark.postman_mock(strict=False)*",
        ]
    )
    assert "GET /users/7 ->" not in result.stdout.str()


def test_near_misses_are_in_the_call_log(tmp_path: Path) -> None:
    import requests

    from pytest_postman_mock import MockServer

    path = builders.write(tmp_path / "api.postman_collection.json", api())
    with MockServer(path) as server:
        response = requests.delete(server.url_for("/users/7"), timeout=5)
        call = server.calls.last
    assert json.loads(response.text)["error"]["header"] == "No matching requests"
    assert call is not None and str(call.near_misses[0]) == (
        "Users / Get user / User found: method is DELETE, example is GET"
    )
