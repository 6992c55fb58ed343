"""Postman's matching algorithm (SPEC.md §2): every score, tie rule, selector and filter.

Pure unit tests: collections are built in memory with `tests.builders`, parsed
with the real parser, indexed and matched; nothing here opens a socket except
the percent-decoding checks at the end, which go through a real server.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_postman_mock import MockServer
from pytest_postman_mock.collection.parser import parse_document
from pytest_postman_mock.engine.core import Engine
from pytest_postman_mock.engine.index import ExampleIndex
from pytest_postman_mock.engine.matching import (
    Match,
    Matcher,
    literal_segments,
    path_tier,
    query_adjustment,
)
from pytest_postman_mock.engine.paths import FUZZY_THRESHOLD, is_id, similar
from pytest_postman_mock.engine.plans import NO_EXAMPLES, NOT_FOUND
from pytest_postman_mock.engine.request import Incoming
from pytest_postman_mock.settings import MockSettings

from . import builders
from .builders import example
from .support_requests import JSON, form_body, raw_body, req


def document(*examples: dict[str, Any], variables: dict[str, str] | None = None) -> Any:
    return builders.collection(builders.request("Request", "/", *examples), variables=variables)


def matcher(
    *examples: dict[str, Any],
    settings: MockSettings | None = None,
    variables: dict[str, str] | None = None,
) -> Matcher:
    return Matcher(
        ExampleIndex(parse_document(document(*examples, variables=variables)), None, settings)
    )


def chosen(match: Match) -> str | None:
    return match.example.example.name if match.example else None


def score_of(url: str, target: str, **kwargs: Any) -> float | None:
    """The score of a one-example collection (None when the example is dropped)."""
    return matcher(example("only", url)).match(req(target, **kwargs)).score


def json_post(name: str, payload: Any, url: str = "/items", **kwargs: Any) -> dict[str, Any]:
    """A POST example whose saved request body is `payload` as JSON, with Content-Type."""
    kwargs.setdefault("request_headers", {"Content-Type": JSON})
    return example(name, url, method="POST", request_body=raw_body(json.dumps(payload)), **kwargs)


def url_with_query(path: str, *params: dict[str, Any]) -> dict[str, Any]:
    return {
        "raw": path,
        "path": [p for p in path.split("/") if p],
        "query": list(params),
    }


# -- §2.4 path tiers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("saved", "target", "tier"),
    [
        ("/users/abc", "/users/abc", 100),
        ("/users/abc/", "/users/abc", 95),
        ("/users/abc", "/users/abc/", 95),
        ("/Users/ABC", "/users/abc", 90),
        ("/Users/ABC/", "/users/abc", 85),
        ("/Users/ABC", "/users/abc/", 85),
        ("/users/{{userId}}", "/users/abc", 80),
        ("/users/:userId", "/users/abc", 80),
        ("/users/42", "/users/7", 79),
        ("/users/42/", "/users/7", 75),
        ("/users/42", "/Users/7/", 75),
        ("/sales/europe", "/sales/europes", 70),
    ],
)
def test_each_path_tier_scores_alone(saved: str, target: str, tier: int) -> None:
    assert score_of(saved, target) == tier


def test_the_first_tier_that_fits_decides_the_score() -> None:
    # /users/7 also fits after removing IDs (79) and by distance (70): the best tier counts
    assert score_of("/users/7", "/users/7") == 100
    assert score_of("/users/{{id}}", "/users/7") == 80


def test_a_path_that_fits_no_tier_drops_the_example() -> None:
    assert matcher(example("only", "/sales/europe")).match(req("/sales/asia")).error == "not-found"


def test_host_scheme_and_port_are_ignored_and_variables_resolved() -> None:
    m = matcher(
        example("absolute", "https://postman.com:8443/about"),
        example("prefixed", "{{baseUrl}}/users"),
        example("unresolved host", "{{nowhere}}/health"),
        variables={"baseUrl": "https://api.example.com/v1"},
    )
    assert chosen(m.match(req("/about"))) == "absolute"
    assert chosen(m.match(req("/v1/users"))) == "prefixed"
    assert m.match(req("/users")).example is None  # a resolved host's path prefix counts
    assert chosen(m.match(req("/health"))) == "unresolved host"


def test_the_empty_path_is_slash_and_leading_slashes_collapse() -> None:
    assert score_of("https://example.com", "/") == 100
    assert score_of("/beer/ale", "//beer/ale") == 100


def test_paths_are_percent_decoded_on_both_sides() -> None:
    assert score_of("/files/my%20doc", "/files/my doc") == 100
    assert score_of("/files/my doc", "/files/my%20doc") == 100


# -- wildcards (tier 80) ---------------------------------------------------------------------


def test_wildcards_match_whole_single_segments_and_capture_them() -> None:
    m = matcher(example("user", "{{url}}/users/{{userId}}"))
    for value in ("1", "100", "carol"):
        match = m.match(req(f"/users/{value}"))
        assert (match.score, match.captures) == (80, {"userId": value})
    assert m.match(req("/users/another/segment")).example is None
    assert m.match(req("/users")).example is None


def test_wildcard_tier_ignores_case_and_trailing_slashes_of_the_literal_segments() -> None:
    assert score_of("/users/{{id}}/posts", "/Users/abc/POSTS/") == 80


def test_path_variables_are_wildcards_only_with_path_variable_values_off() -> None:
    url = {
        "raw": "{{url}}/users/:userId",
        "path": ["users", ":userId"],
        "variable": [{"key": "userId", "value": "42"}],
    }
    m = matcher(example("user", url), settings=MockSettings(path_variable_values=False))
    assert m.match(req("/users/42")).score == 80
    assert m.match(req("/users/carol")).captures == {"userId": "carol"}
    assert matcher(example("user", url)).match(req("/users/42")).score == 100


def test_wildcards_inside_a_segment_capture_their_part() -> None:
    m = matcher(example("versioned", "/api/v{{version}}/items/:id.json"))
    match = m.match(req("/api/v2/items/5.json"))
    assert (match.score, match.captures) == (80, {"version": "2", "id": "5"})
    assert m.match(req("/api/2/items/5.json")).score != 80


def test_match_wildcards_false_treats_variables_as_literal_text() -> None:
    off = MockSettings(match_wildcards=False)
    m = matcher(example("user", "/users/{{userId}}"), settings=off)
    assert m.match(req("/users/7")).example is None
    assert m.match(req("/users/{{userId}}")).score == 100
    assert (
        matcher(example("user", "/users/:id"), settings=off).match(req("/users/x")).example is None
    )


# -- IDs (tiers 79/75) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "segment",
    [
        "42",
        "0",
        "3f2b1c9e-7d4a-4b8e-9f00-1a2b3c4d5e6f",
        "507f1f77bcf86cd799439011",
        "cus_9fh3K2",
        "a1b2c3d4",
        "ORD-2024-0001",
    ],
)
def test_id_segments(segment: str) -> None:
    assert is_id(segment)
    assert score_of(f"/orders/{segment}", "/orders/99") == 79


@pytest.mark.parametrize("segment", ["abc", "a1b2c3d", "abcdefgh", "12345678-", "me", "v2", "-"])
def test_segments_that_are_not_ids(segment: str) -> None:
    assert not is_id(segment)
    assert score_of(f"/orders/{segment}", "/orders/99") is None


def test_ids_are_blanked_not_removed() -> None:
    assert score_of("/orders/42/items", "/orders/items") is None
    assert score_of("/orders/42/items", "/ORDERS/7/items") == 79


# -- document distance (tier 70) -------------------------------------------------------------


def test_document_distance_threshold() -> None:
    assert FUZZY_THRESHOLD == 0.75
    assert similar("abcdefgh", "abcdefxy")  # 2 edits in 8: similarity 0.75
    assert not similar("abcdefgh", "abcdexyz")  # 3 edits: 0.625
    assert score_of("/docs/abcdefgh", "/docs/abcdefxy") == 70
    assert score_of("/docs/abcdefgh", "/docs/abcdexyz") is None


def test_document_distance_cases_from_the_spec() -> None:
    assert score_of("/sales/europe", "/sales/eurospe") == 70
    assert score_of("/sales/europe", "/Sales/Europes") == 70
    assert score_of("/sales/europe", "/sales/asia") is None
    assert score_of("/sales/europe", "/sales/europes/x") is None


# -- §2.5 query parameters -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("saved", "target", "expected"),
    [
        ("/q", "/q", 100),  # neither side: no adjustment
        ("/q?a=1&b=2", "/q?b=2&a=1", 110),  # all match, in any order
        ("/q?a=1&b=2&c=3&d=4", "/q?a=1&b=2&c=9", 105),  # 2 of 4 match (c partial, d missing)
        ("/q?id=1", "/q?id=5", 100),  # partial only: no match, nothing missing
        ("/q?a=1&b=2", "/q?a=9&c=3", 98),  # no match: minus 2 missing (b, c)
        ("/q", "/q?" + "&".join(f"p{i}=1" for i in range(12)), 90),  # missing capped at -10
        ("/q?a=1", "/q", 99),  # example-only keys are missing too
        ("/q?Type=a", "/q?type=a", 98),  # keys are case-sensitive
        ("/q?type=A", "/q?type=a", 100),  # values too
        ("/q?tag=a&tag=b", "/q?tag=b&tag=a", 110),  # repeated keys: multisets
        ("/q?tag=a&tag=b", "/q?tag=a", 100),
        ("/q?tag=a&tag=b", "/q?tag=a&tag=a&tag=b", 100),
        ("/q?flag", "/q?flag=", 110),  # a key without value is the empty value
        ("/q?q=caf%C3%A9%20au+lait", "/q?q=café au lait", 110),  # saved values percent-decoded
    ],
)
def test_query_scoring(saved: str, target: str, expected: float) -> None:
    assert score_of(saved, target) == pytest.approx(expected)


def test_disabled_query_params_of_the_example_are_ignored() -> None:
    url = url_with_query(
        "/q", {"key": "a", "value": "1"}, {"key": "b", "value": "2", "disabled": True}
    )
    m = matcher(example("only", url))
    assert m.match(req("/q?a=1")).score == 110
    assert m.match(req("/q?a=1&b=2")).score == pytest.approx(105)


def test_unresolved_variable_as_query_value_matches_any_value() -> None:
    assert score_of("/q?page={{page}}", "/q?page=3") == 110
    assert matcher(example("only", "/q?page={{page}}")).match(req("/q?page=3")).captures == {
        "page": "3"
    }


def test_match_query_params_false_skips_query_scoring() -> None:
    off = MockSettings(match_query_params=False)
    m = matcher(
        example("one", "/get?id=1", id="b"), example("five", "/get?id=5", id="a"), settings=off
    )
    match = m.match(req("/get?id=5"))
    assert match.score == 100
    assert chosen(m.match(req("/get?id=1"))) == "five"  # a tie: first by id


def test_query_adjustment_alone() -> None:
    index = ExampleIndex(parse_document(document(example("only", "/items?a=1&c=3"))))
    adjustment = query_adjustment(index.examples[0], (("a", "1"), ("b", "2")))
    assert adjustment == pytest.approx(10 / 3)


# -- §2.8 worked scores ----------------------------------------------------------------------


def test_worked_example_one() -> None:
    a = example("A", "/users/7?type=a")
    b = example("B", "/users/{{id}}?type=a")
    c = example("C", "/Users/7")
    request = req("/users/7?type=a")
    assert [matcher(e).match(request).score for e in (a, b, c)] == [110, 90, 89]
    match = matcher(c, b, a).match(request)
    assert (chosen(match), match.score) == ("A", 110)


def test_worked_example_two() -> None:
    one, five = example("id 1", "/get?id=1"), example("id 5", "/get?id=5")
    request = req("/get?id=5")
    assert [matcher(e).match(request).score for e in (one, five)] == [100, 110]
    assert chosen(matcher(five, one).match(request)) == "id 5"
    assert chosen(matcher(one, five).match(request)) == "id 5"


def test_worked_example_three() -> None:
    assert score_of("/items?a=1&c=3", "/items?a=1&b=2") == pytest.approx(103.3333333)


# -- tiers against one another ---------------------------------------------------------------


def test_a_lower_tier_with_matching_query_beats_a_higher_tier_without() -> None:
    m = matcher(example("case", "/Users/abc"), example("wild", "/users/{{id}}?q=1"))
    match = m.match(req("/users/abc/?q=1"))
    assert (chosen(match), match.score) == ("wild", 90)


def test_ties_across_tiers_go_to_the_tie_rule() -> None:
    # 90 (case-insensitive path) vs 85 + 5 (saved body equals the incoming one)
    m = matcher(
        example("by path", "/Items", method="POST", id="b"),
        example(
            "by body",
            "/Items/",
            method="POST",
            request_body=raw_body("hello", "text"),
            id="a",
        ),
    )
    match = m.match(req("/items", "POST", body="hello", content_type="text/plain"))
    assert (chosen(match), match.score) == ("by body", 90)


@settings(max_examples=200, deadline=None)
@given(
    saved=st.lists(
        st.lists(
            st.sampled_from(["users", "Users", "7", "42", "{{id}}", ":id", "europe", ""]),
            max_size=3,
        ),
        min_size=1,
        max_size=6,
    ),
    target=st.lists(st.sampled_from(["users", "USERS", "8", "europes", "eu", ""]), max_size=3),
)
def test_the_index_finds_what_a_scan_of_every_example_finds(
    saved: list[list[str]], target: list[str]
) -> None:
    """The per-tier index and its early exit agree with scoring every example directly."""
    examples = [example(f"e{i}", "/" + "/".join(p), id=f"{i:02}") for i, p in enumerate(saved)]
    m = matcher(*examples)
    request = req("/" + "/".join(target))
    scores = [path_tier(c, request.segments) for c in m.index.examples]
    best = max((s for s in scores if s is not None), default=None)
    match = m.match(request)
    assert match.score == best
    if best is not None:
        tied = [c for c, s in zip(m.index.examples, scores) if s == best]
        most = max(literal_segments(c) for c in tied)  # specific beats generic (SPEC §2.4)
        first = min(c.example.id or "" for c in tied if literal_segments(c) == most)
        assert match.example is not None and match.example.example.id == first


# -- §2.7 ties -------------------------------------------------------------------------------


def test_tie_goes_to_the_first_200_by_id() -> None:
    m = matcher(
        example("c ok", "/t", id="c"),
        example("a missing", "/t", code=404, id="a"),
        example("b ok", "/t", id="b"),
    )
    assert chosen(m.match(req("/t"))) == "b ok"


def test_tie_without_a_200_goes_to_the_first_by_id() -> None:
    m = matcher(example("b", "/t", code=500, id="b"), example("a", "/t", code=404, id="a"))
    assert chosen(m.match(req("/t"))) == "a"


def test_examples_without_id_come_after_those_with_one_in_file_order() -> None:
    m = matcher(
        example("first, no id", "/t"), example("second, no id", "/t"), example("z", "/t", id="z")
    )
    assert chosen(m.match(req("/t"))) == "z"
    m = matcher(example("first, no id", "/t"), example("second, no id", "/t"))
    assert chosen(m.match(req("/t"))) == "first, no id"


def test_ids_sort_as_strings() -> None:
    m = matcher(example("ten", "/t", id="10"), example("nine", "/t", id="9"))
    assert chosen(m.match(req("/t"))) == "ten"


def test_only_equal_scores_tie() -> None:
    m = matcher(example("ok", "/Users/7", id="a"), example("error", "/users/7", code=500, id="b"))
    assert chosen(m.match(req("/users/7"))) == "error"


# -- §2.2 method -----------------------------------------------------------------------------


def test_example_without_original_request_uses_its_request() -> None:
    doc = builders.collection(
        builders.request(
            "Get user",
            "/users/:id",
            {"name": "no originalRequest", "code": 200, "body": ""},
            method="PUT",
        )
    )
    m = Matcher(ExampleIndex(parse_document(doc)))
    match = m.match(req("/users/9", "PUT"))
    assert (chosen(match), match.score, match.captures) == ("no originalRequest", 80, {"id": "9"})


def test_method_filter_is_case_insensitive_and_defaults_to_get() -> None:
    doc = document(example("post", "/m", method="post"), example("put", "/m", method="PUT"))
    doc["item"][0]["response"].append(
        {"name": "no method", "originalRequest": {"url": "/m"}, "code": 200, "body": ""}
    )
    m = Matcher(ExampleIndex(parse_document(doc)))
    assert chosen(m.match(req("/m", "POST"))) == "post"
    assert chosen(m.match(req("/m", "put"))) == "put"
    assert chosen(m.match(req("/m", "get"))) == "no method"
    assert m.match(req("/m", "DELETE")).error == "not-found"


# -- §2.3 selector headers -------------------------------------------------------------------


def selectors() -> Matcher:
    return matcher(
        example("User found", "/users/{{id}}", id="u-2"),
        example("User missing", "/users/{{id}}", code=404, id="u-1"),
        example("Exact", "/users/7", id="u-3"),
        example("Created", "/users", method="POST", code=201, id="u-4"),
        example("Dup", "/dups", code=500, id="d-c"),
        example("Dup", "/dups/x", code=200, id="d-b"),
        example("Dup", "/dups/y", code=404, id="d-a"),
        example("Dup", "/dups/z", code=200, id="d-d"),
    )


def test_response_code_filters_before_scoring() -> None:
    match = selectors().match(req("/users/7", headers={"x-mock-response-code": "404"}))
    assert (chosen(match), match.score) == ("User missing", 80)
    assert chosen(selectors().match(req("/users/7"))) == "Exact"


def test_response_code_with_no_such_example_is_not_found() -> None:
    assert selectors().match(req("/users/7", headers={"x-mock-response-code": "418"})).error == (
        "not-found"
    )


def test_response_id_returns_that_example_whatever_the_path() -> None:
    match = selectors().match(req("/anything/else", headers={"x-mock-response-id": "u-1"}))
    assert (chosen(match), match.selected_by, match.score) == ("User missing", "id", None)


def test_response_id_accepts_the_uid_form() -> None:
    match = selectors().match(req("/users/9", headers={"x-mock-response-id": "1234567-u-3"}))
    assert chosen(match) == "Exact"


def test_response_id_respects_method_and_code() -> None:
    m = selectors()
    assert m.match(req("/users", headers={"x-mock-response-id": "u-4"})).error == "unknown-id"
    assert (
        chosen(m.match(req("/users", "POST", headers={"x-mock-response-id": "u-4"}))) == "Created"
    )
    both = {"x-mock-response-id": "u-3", "x-mock-response-code": "404"}
    assert m.match(req("/users/7", headers=both)).error == "unknown-id"


def test_unknown_response_id_is_an_error() -> None:
    assert selectors().match(req("/users/7", headers={"x-mock-response-id": "nope"})).error == (
        "unknown-id"
    )


def test_response_name_returns_that_example_whatever_the_path() -> None:
    match = selectors().match(req("/elsewhere", headers={"x-mock-response-name": "User found"}))
    assert (chosen(match), match.selected_by) == ("User found", "name")


def test_response_name_shared_by_several_goes_to_the_first_200_by_id() -> None:
    match = selectors().match(req("/dups", headers={"x-mock-response-name": "Dup"}))
    assert match.example is not None and match.example.example.id == "d-b"


def test_response_name_with_code_filters_first() -> None:
    headers = {"x-mock-response-name": "Dup", "x-mock-response-code": "500"}
    match = selectors().match(req("/dups", headers=headers))
    assert match.example is not None and match.example.example.id == "d-c"


def test_response_name_none_200_goes_to_the_first_by_id() -> None:
    m = matcher(
        example("Err", "/e", code=503, id="b"),
        example("Err", "/e", code=500, id="c"),
        example("Err", "/e", code=502, id="a"),
    )
    match = m.match(req("/e", headers={"x-mock-response-name": "Err"}))
    assert match.example is not None and match.example.example.id == "a"


def test_response_name_is_exact_and_case_sensitive() -> None:
    m = selectors()
    assert m.match(req("/users/7", headers={"x-mock-response-name": "user found"})).error == (
        "unknown-name"
    )
    assert m.match(req("/users/7", headers={"x-mock-response-name": "Nope"})).error == (
        "unknown-name"
    )


def test_response_id_wins_over_response_name() -> None:
    headers = {"x-mock-response-id": "u-3", "x-mock-response-name": "User found"}
    assert chosen(selectors().match(req("/users/7", headers=headers))) == "Exact"


def test_bad_response_code_is_noted_and_ignored() -> None:
    request = req("/users/7", headers={"x-mock-response-code": "four-oh-four"})
    assert chosen(selectors().match(request)) == "Exact"
    assert request.controls.notes == [
        "ignored x-mock-response-code 'four-oh-four': not a status code"
    ]


# -- §2.6 header matching --------------------------------------------------------------------


def tenants(settings: MockSettings | None = None) -> Matcher:
    return matcher(
        example("acme", "/t", request_headers={"X-Tenant": "  acme "}, id="a"),
        example("beta", "/t", request_headers={"X-Tenant": "beta"}, id="b"),
        example("anyone", "/t", id="c"),
        settings=settings,
    )


def test_header_matching_from_settings() -> None:
    m = tenants(MockSettings(match_headers=("x-TENANT",)))
    assert chosen(m.match(req("/t", headers={"X-Tenant": "beta"}))) == "beta"
    assert chosen(m.match(req("/t", headers={"X-Tenant": " acme"}))) == "acme"  # trimmed
    assert chosen(m.match(req("/t"))) == "anyone"  # neither has it
    assert m.match(req("/t", headers={"X-Tenant": "ACME"})).error == "not-found"  # values exact
    assert m.match(req("/t", headers={"X-Tenant": "gamma"})).error == "not-found"


def test_without_header_matching_headers_do_not_count() -> None:
    assert chosen(tenants().match(req("/t", headers={"X-Tenant": "beta"}))) == "acme"


def test_example_lacking_a_listed_header_does_not_match_a_request_with_it() -> None:
    m = matcher(example("plain", "/t"), settings=MockSettings(match_headers=("X-Tenant",)))
    assert m.match(req("/t", headers={"X-Tenant": "acme"})).error == "not-found"
    assert chosen(m.match(req("/t"))) == "plain"


def test_request_lacking_a_listed_header_does_not_match_an_example_with_it() -> None:
    m = matcher(
        example("tenant", "/t", request_headers={"X-Tenant": "acme"}),
        settings=MockSettings(match_headers=("X-Tenant",)),
    )
    assert m.match(req("/t")).error == "not-found"


def test_per_call_header_list_overrides_the_settings() -> None:
    m = tenants(MockSettings(match_headers=("X-Tenant",)))
    other = {"X-Tenant": "beta", "x-mock-match-request-headers": "X-Region"}
    assert chosen(m.match(req("/t", headers=other))) == "acme"  # X-Tenant no longer compared
    enabled = {"X-Tenant": "beta", "x-mock-match-request-headers": "X-Region, x-tenant"}
    assert chosen(tenants().match(req("/t", headers=enabled))) == "beta"


def test_header_filter_beats_a_better_path() -> None:
    m = matcher(
        example("exact path", "/users/7", request_headers={"X-Tenant": "acme"}),
        example("wildcard", "/users/{{id}}", request_headers={"X-Tenant": "beta"}),
        settings=MockSettings(match_headers=("X-Tenant",)),
    )
    match = m.match(req("/users/7", headers={"X-Tenant": "beta"}))
    assert (chosen(match), match.score) == ("wildcard", 80)


def test_control_headers_never_count_as_data() -> None:
    m = matcher(
        example("tenant", "/t", request_headers={"X-Tenant": "acme"}),
        settings=MockSettings(match_headers=("x-mock-response-delay", "X-Tenant")),
    )
    listed = {
        "X-Tenant": "acme",
        "x-mock-response-delay": "5",
        "x-mock-match-request-headers": "x-mock-match-request-headers, X-Tenant",
    }
    assert chosen(m.match(req("/t", headers=listed))) == "tenant"
    assert chosen(
        m.match(req("/t", headers={"X-Tenant": "acme", "x-mock-response-delay": "1"}))
    ) == ("tenant")


def test_unresolved_variable_in_a_saved_header_matches_any_value() -> None:
    m = matcher(
        example("auth", "/t", request_headers={"Authorization": "Bearer {{token}}"}),
        example("key", "/k", request_headers={"X-Api-Key": "{{apiKey}}"}),
        settings=MockSettings(match_headers=("Authorization", "X-Api-Key")),
    )
    assert chosen(m.match(req("/k", headers={"X-Api-Key": "s3cret"}))) == "key"
    # only a whole-value variable is a wildcard
    assert m.match(req("/t", headers={"Authorization": "Bearer abc"})).error == "not-found"


# -- §2.6 body matching ----------------------------------------------------------------------

BODY_ON = MockSettings(match_body=True)


def items(settings: MockSettings | None = BODY_ON) -> Matcher:
    return matcher(
        json_post("one", {"a": 1, "b": [1, 2]}, id="1"),
        json_post("two", {"a": 2, "flag": True}, id="2"),
        settings=settings,
    )


def test_body_matching_filters_by_the_saved_body() -> None:
    m = items()
    assert (
        chosen(m.match(req("/items", "POST", body='{"a":2,"flag":true}', content_type=JSON)))
        == "two"
    )
    assert m.match(req("/items", "POST", body='{"a":3}', content_type=JSON)).error == "not-found"
    assert m.match(req("/items", "POST")).error == "not-found"


def test_json_bodies_compare_as_values() -> None:
    m = items()
    spaced = '{ "b" : [1, 2.0],\n  "a": 1.0 }'
    assert chosen(m.match(req("/items", "POST", body=spaced, content_type=JSON))) == "one"
    reordered = '{"b": [2, 1], "a": 1}'  # arrays keep their order
    assert m.match(req("/items", "POST", body=reordered, content_type=JSON)).error == "not-found"
    truthy = '{"a": 2, "flag": 1}'  # true is not 1
    assert m.match(req("/items", "POST", body=truthy, content_type=JSON)).error == "not-found"


def test_json_charset_parameter_is_tolerated() -> None:
    request = req("/items", "POST", body='{"a":1,"b":[1,2]}', content_type=JSON + "; charset=utf-8")
    assert chosen(items().match(request)) == "one"


def test_content_type_must_match() -> None:
    body = '{"a":1,"b":[1,2]}'
    assert items().match(req("/items", "POST", body=body, content_type="text/plain")).error == (
        "not-found"
    )
    assert items().match(req("/items", "POST", body=body)).error == "not-found"


def test_content_type_is_implied_by_the_raw_language_when_the_example_has_none() -> None:
    m = matcher(
        example("json", "/j", method="POST", request_body=raw_body('{"a": 1}', "json")),
        example("xml", "/x", method="POST", request_body=raw_body("<a>1</a>", "xml")),
        example("text", "/t", method="POST", request_body=raw_body("hello\n", "text")),
        example("none", "/n", method="POST", request_body=raw_body("plain")),
        settings=BODY_ON,
    )
    assert chosen(m.match(req("/j", "POST", body='{"a":1}', content_type=JSON))) == "json"
    assert (
        chosen(m.match(req("/x", "POST", body="<a>1</a>", content_type="application/xml"))) == "xml"
    )
    assert chosen(m.match(req("/t", "POST", body="  hello ", content_type="text/plain"))) == "text"
    assert chosen(m.match(req("/n", "POST", body="plain"))) == "none"
    assert m.match(req("/j", "POST", body='{"a":1}')).error == "not-found"
    assert m.match(req("/n", "POST", body="plain", content_type="text/plain")).error == "not-found"


def test_saved_json_that_does_not_parse_compares_as_text() -> None:
    broken = example(
        "broken",
        "/items",
        method="POST",
        request_headers={"Content-Type": JSON},
        request_body=raw_body("{'a': 1,}"),
    )
    m = matcher(broken, settings=BODY_ON)
    assert chosen(m.match(req("/items", "POST", body=" {'a': 1,} ", content_type=JSON)))
    assert m.match(req("/items", "POST", body="{'a':1,}", content_type=JSON)).example is None


def test_raw_text_compares_trimmed() -> None:
    m = matcher(
        example(
            "soap",
            "/soap",
            method="POST",
            request_body=raw_body("\n<Add><a>1</a></Add>\n", "xml"),
        ),
        settings=BODY_ON,
    )
    xml = "application/xml"
    assert chosen(m.match(req("/soap", "POST", body="<Add><a>1</a></Add>  ", content_type=xml)))
    assert (
        m.match(req("/soap", "POST", body="<Add> <a>1</a></Add>", content_type=xml)).example is None
    )


def test_urlencoded_fields_compare_as_a_multiset_ignoring_disabled_ones() -> None:
    saved = form_body("urlencoded", ("a", "1"), ("b", "x y"), ("a", "3"), disabled=("c",))
    m = matcher(example("form", "/f", method="POST", request_body=saved), settings=BODY_ON)
    urlencoded = "application/x-www-form-urlencoded"
    assert chosen(m.match(req("/f", "POST", body="b=x+y&a=3&a=1", content_type=urlencoded)))
    assert (
        m.match(req("/f", "POST", body="a=1&b=x+y&a=3&c=x", content_type=urlencoded)).example
        is None
    )
    assert m.match(req("/f", "POST", body="a=1&b=x+y", content_type=urlencoded)).example is None
    assert m.match(req("/f", "POST", body="a=1&b=x+y&a=3", content_type=JSON)).example is None


def test_multipart_text_fields_compare_as_a_multiset() -> None:
    saved = form_body("formdata", ("name", "Ada"), ("tag", "x"), disabled=("secret",))
    saved["formdata"].append({"key": "avatar", "type": "file", "src": "/tmp/a.png"})
    m = matcher(example("upload", "/u", method="POST", request_body=saved), settings=BODY_ON)
    multipart = "multipart/form-data; boundary=xyz"
    fields = (("tag", "x"), ("name", "Ada"))
    assert chosen(m.match(req("/u", "POST", body=b"--xyz...", content_type=multipart, form=fields)))
    other = (("tag", "y"), ("name", "Ada"))
    assert (
        m.match(req("/u", "POST", body=b"--xyz", content_type=multipart, form=other)).example
        is None
    )


def test_form_body_ignores_a_contradicting_content_type_header() -> None:
    saved = form_body("formdata", ("name", "Ada"))
    m = matcher(
        example(
            "upload",
            "/u",
            method="POST",
            request_body=saved,
            request_headers={"Content-Type": JSON},
        ),
        settings=BODY_ON,
    )
    form = (("name", "Ada"),)
    assert chosen(
        m.match(req("/u", "POST", body=b"--x", content_type="multipart/form-data", form=form))
    )


def test_form_body_with_no_enabled_field_is_an_empty_body() -> None:
    saved = form_body("formdata", disabled=("username",))
    m = matcher(example("enroll", "/enroll", method="POST", request_body=saved), settings=BODY_ON)
    assert chosen(m.match(req("/enroll", "POST"))) == "enroll"


def test_empty_saved_body_matches_only_an_empty_request_body() -> None:
    m = matcher(example("empty", "/e", method="POST"), settings=BODY_ON)
    assert chosen(m.match(req("/e", "POST", content_type=JSON))) == "empty"
    assert m.match(req("/e", "POST", body="{}", content_type=JSON)).example is None


GRAPHQL_QUERY = "query Film($id: ID) {\n  film(id: $id) {\n    title\n  }\n}"


def graphql(variables: Any, operation: str | None = None) -> Matcher:
    spec: dict[str, Any] = {"query": GRAPHQL_QUERY, "variables": variables}
    if operation:
        spec["operationName"] = operation
    body = {"mode": "graphql", "graphql": spec}
    return matcher(example("film", "/graphql", method="POST", request_body=body), settings=BODY_ON)


def gql_request(**payload: Any) -> Incoming:
    payload.setdefault("query", "query Film($id: ID) { film(id: $id) { title } }")
    return req("/graphql", "POST", body=json.dumps(payload), content_type=JSON)


@pytest.mark.parametrize("saved_variables", ['{"id": "1"}', {"id": "1"}])
def test_graphql_compares_query_whitespace_free_and_variables_as_values(
    saved_variables: Any,
) -> None:
    m = graphql(saved_variables)
    assert chosen(m.match(gql_request(variables={"id": "1"}))) == "film"
    assert chosen(m.match(gql_request(variables='{ "id" : "1" }'))) == "film"  # as a string
    assert m.match(gql_request(variables={"id": "2"})).example is None
    assert (
        m.match(gql_request(query="query Film { film { title } }", variables={"id": "1"})).example
        is None
    )


def test_graphql_empty_variables_equal_none() -> None:
    assert graphql("").match(gql_request()).example is not None
    assert graphql("{}").match(gql_request(variables={})).example is not None


def test_graphql_operation_name_counts_only_when_both_have_one() -> None:
    assert (
        graphql({"id": "1"}).match(gql_request(variables={"id": "1"}, operationName="Film")).example
    )
    named = graphql({"id": "1"}, operation="Film")
    assert named.match(gql_request(variables={"id": "1"})).example
    assert named.match(gql_request(variables={"id": "1"}, operationName="Film")).example
    assert named.match(gql_request(variables={"id": "1"}, operationName="Other")).example is None


def test_graphql_needs_json_content_type() -> None:
    body = json.dumps({"query": GRAPHQL_QUERY, "variables": {"id": "1"}})
    request = req("/graphql", "POST", body=body, content_type="application/graphql")
    assert graphql({"id": "1"}).match(request).example is None


def test_saved_request_body_variables_compare_literally() -> None:
    m = matcher(json_post("templated", {"name": "{{name}}"}), settings=BODY_ON)
    assert m.match(req("/items", "POST", body='{"name": "Ada"}', content_type=JSON)).example is None
    assert chosen(m.match(req("/items", "POST", body='{"name": "{{name}}"}', content_type=JSON)))


def test_per_call_body_header_overrides_the_settings() -> None:
    other = '{"a": 3}'
    off = {"x-mock-match-request-body": "false"}
    assert chosen(items().match(req("/items", "POST", off, other, JSON))) == "one"  # tie by id
    on = {"x-mock-match-request-body": "TRUE"}
    assert items(None).match(req("/items", "POST", on, other, JSON)).error == "not-found"
    assert (
        chosen(items(None).match(req("/items", "POST", on, '{"a":2,"flag":true}', JSON))) == "two"
    )


def test_bad_per_call_body_value_is_noted_and_ignored() -> None:
    request = req("/items", "POST", {"x-mock-match-request-body": "yes"}, '{"a": 3}', JSON)
    assert items().match(request).error == "not-found"  # the setting (on) still applies
    assert request.controls.notes == ["ignored x-mock-match-request-body 'yes': not true/false"]


def test_empty_per_call_header_list_turns_header_matching_off() -> None:
    m = tenants(MockSettings(match_headers=("X-Tenant",)))
    request = req("/t", headers={"X-Tenant": "gamma", "x-mock-match-request-headers": ""})
    assert chosen(m.match(request)) == "acme"


# -- the +5 body bonus (body matching off) ---------------------------------------------------


def test_same_body_adds_five_when_body_matching_is_off() -> None:
    m = items(None)
    match = m.match(req("/items", "POST", body='{"flag": true, "a": 2}', content_type=JSON))
    assert (chosen(match), match.score) == ("two", 105)
    assert m.match(req("/items", "POST", body='{"a": 3}', content_type=JSON)).score == 100
    assert m.match(req("/items", "POST")).score == 100


def test_body_bonus_ignores_the_content_type() -> None:
    match = items(None).match(
        req("/items", "POST", body='{"a":2,"flag":true}', content_type="text/plain")
    )
    assert (chosen(match), match.score) == ("two", 105)


def test_no_bonus_for_an_empty_saved_body() -> None:
    assert score_of("/items", "/items") == 100
    m = matcher(example("empty", "/e", method="POST"))
    assert m.match(req("/e", "POST", body="")).score == 100
    assert m.match(req("/e", "POST", body="{}")).score == 100
    assert m.match(req("/e", "POST", body=" \n")).score == 100  # blank is not a body either


# -- §2.9 nothing matched --------------------------------------------------------------------


def test_a_collection_without_examples_answers_you_need_an_example() -> None:
    doc = builders.collection(builders.request("No examples", "/users"))
    outcome = Engine(parse_document(doc)).respond(req("/users"))
    assert outcome.response.status == 404
    assert json.loads(outcome.response.body) == NO_EXAMPLES
    assert ("Content-Type", "application/json; charset=utf-8") in outcome.response.headers
    assert NO_EXAMPLES["error"]["header"] == "You need an example"


def test_no_matching_example_answers_the_standard_not_found() -> None:
    outcome = Engine(parse_document(document(example("only", "/users")))).respond(req("/nope"))
    assert outcome.response.status == 404
    assert json.loads(outcome.response.body) == NOT_FOUND
    assert NOT_FOUND["error"]["header"] == "No matching requests"


@pytest.mark.parametrize("header", ["x-mock-response-id", "x-mock-response-name"])
def test_unknown_selector_answers_the_standard_not_found(header: str) -> None:
    outcome = Engine(parse_document(document(example("only", "/users")))).respond(
        req("/users", headers={header: "missing"})
    )
    assert (outcome.response.status, json.loads(outcome.response.body)) == (404, NOT_FOUND)


# -- through a real server: what the wire adds -----------------------------------------------


def test_percent_encoded_requests_match_over_http(tmp_path: Any) -> None:
    doc = document(
        example("cafe", "/menu/caf%C3%A9?q=caf%C3%A9%20au%20lait&size=L"),
        example("plain", "/menu/{{item}}"),
    )
    path = builders.write(tmp_path / "menu.postman_collection.json", doc)
    with MockServer(path) as server:
        requests.get(server.url + "/menu/caf%C3%A9?size=L&q=caf%C3%A9+au+lait", timeout=5)
        requests.get(server.url + "/menu/tea", timeout=5)
        calls = server.calls
    assert [(c.example, c.score) for c in calls] == [("cafe", 110), ("plain", 80)]


# -- switches for what Postman leaves open --------------------------------------------------


def test_match_fuzzy_off_drops_the_document_distance_step() -> None:
    saved = example("Europe", "https://x.test/sales/europe")
    assert matcher(saved).match(req("/sales/europes")).score == 70
    off = matcher(saved, settings=MockSettings(match_fuzzy=False)).match(req("/sales/europes"))
    assert off.example is None


@pytest.mark.parametrize(("threshold", "matches"), [(0.75, True), (0.85, True), (0.9, False)])
def test_fuzzy_threshold_is_the_similarity_asked_for(threshold: float, matches: bool) -> None:
    # "europes" is one edit from "europe": similarity 1 - 1/7 = 0.857
    found = matcher(
        example("Europe", "https://x.test/sales/europe"),
        settings=MockSettings(fuzzy_threshold=threshold),
    ).match(req("/sales/europes"))
    assert (found.example is not None) is matches


def test_a_bad_fuzzy_threshold_names_the_setting() -> None:
    from pytest_postman_mock import SettingsError

    with pytest.raises(SettingsError, match=r"fuzzy_threshold=2: expected a number above 0"):
        MockSettings().with_values({"fuzzy_threshold": 2}, "test")


def test_lenient_header_presence_lets_a_request_without_the_header_match() -> None:
    saved = example("Tenant A", "https://x.test/data", request_headers={"X-Tenant": "a"})
    lenient = MockSettings(match_headers=("X-Tenant",), match_headers_strict=False)
    strict = MockSettings(match_headers=("X-Tenant",))
    assert matcher(saved, settings=strict).match(req("/data")).example is None
    assert chosen(matcher(saved, settings=lenient).match(req("/data"))) == "Tenant A"
    other = req("/data", headers={"X-Tenant": "b"})
    assert matcher(saved, settings=lenient).match(other).example is None  # sent, so compared


def test_select_by_path_keeps_name_and_id_selection_on_the_requested_path() -> None:
    examples = (
        example("Found", "https://x.test/users/:id", id="u1"),
        example("Listed", "https://x.test/orders", id="o1"),
    )
    by_name = req("/users/7", headers={"x-mock-response-name": "Listed"})
    by_id = req("/users/7", headers={"x-mock-response-id": "o1"})
    assert chosen(matcher(*examples).match(by_name)) == "Listed"  # Postman: any path
    scoped = MockSettings(select_by_path=True)
    assert matcher(*examples, settings=scoped).match(by_name).error == "unknown-name"
    assert matcher(*examples, settings=scoped).match(by_id).error == "unknown-id"
    own = req("/users/7", headers={"x-mock-response-name": "Found"})
    assert chosen(matcher(*examples, settings=scoped).match(own)) == "Found"


def test_a_fuzzy_example_can_still_win_through_its_query() -> None:
    # The wildcard example scores 80 - 2 (two missing keys) = 78; the document-distance
    # example scores 70 + 10 and wins, though the fuzzy tier is only searched among the
    # examples that share a query pair with the request.
    found = matcher(
        example("Wild", "https://x.test/items/:id?z=9"),
        example("Near", "https://x.test/itemz/7?a=1"),
        example("Far", "https://x.test/itemz/7"),
    ).match(req("/items/7?a=1"))
    assert (chosen(found), found.score) == ("Near", 80)
