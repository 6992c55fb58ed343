"""Assertions on the call log: each one passing and failing, with the failure text asserted."""

from __future__ import annotations

import threading
import time
from textwrap import dedent

import pytest
import requests

from pytest_postman_mock import Call, CallLog, MockServer

from . import builders


@pytest.fixture
def called(users_server: MockServer) -> MockServer:
    """The users server after three calls: a POST with JSON, a GET, an unmatched DELETE."""
    with requests.Session() as session:
        session.post(
            users_server.url_for("/users?source=web"),
            json={"name": "Ada", "items": [{"sku": "A1"}]},
            headers={"X-Tenant": "acme"},
            timeout=5,
        )
        session.get(users_server.url_for("/users/7"), timeout=5)
        session.delete(users_server.url_for("/users/7"), timeout=5)
    return users_server


def failure(check: object, *args: object, **kwargs: object) -> str:
    """The message of the AssertionError that `check(*args, **kwargs)` raises."""
    assert callable(check)
    with pytest.raises(AssertionError) as raised:
        check(*args, **kwargs)
    return str(raised.value)


def test_assert_called_passes_on_every_kind_of_criterion(called: MockServer) -> None:
    found = called.assert_called("POST", "/users")
    assert isinstance(found, CallLog) and [c.status for c in found] == [201]
    called.assert_called("post", "/users", times=1)
    called.assert_called("GET", "/users/:id")
    called.assert_called("GET", "/users/{{userId}}")
    called.assert_called(path="/users/*", times=2)
    called.assert_called(times=3)
    called.assert_called("POST", "/users", json={"name": "Ada", "items": [{"sku": "A1"}]})
    called.assert_called("POST", body='{"name": "Ada", "items": [{"sku": "A1"}]}')
    called.assert_called("POST", body=b'{"name": "Ada", "items": [{"sku": "A1"}]}')
    called.assert_called("POST", headers={"x-tenant": "acme"}, query={"source": "web"})
    called.assert_called("POST", jsonpath={"$.items[0].sku": "A1", "$.name": "Ada"})
    called.assert_called("DELETE", "/users/7", times=1)


def test_assert_called_takes_the_same_jsonpath_filters_as_templates(called: MockServer) -> None:
    called.assert_called("POST", jsonpath={"$.items[?(@.sku=='A1')].sku": "A1"})
    with pytest.raises(AssertionError):
        called.assert_called("POST", jsonpath={"$.items[?(@.sku=='Z9')].sku": "A1"})


def test_assert_called_failure_lists_the_closest_calls_with_a_json_diff(
    called: MockServer,
) -> None:
    message = failure(
        called.assert_called,
        "POST",
        "/users",
        json={"name": "Bob", "items": [{"sku": "A1"}]},
        headers={"X-Tenant": "beta"},
        query={"source": "app"},
    )
    expected = (
        "POST /users, query {'source': 'app'}, headers {'X-Tenant': 'beta'}, "
        'json {"items": [{"sku": "A1"}], "name": "Bob"}'
    )
    assert message == dedent(
        """\
        postman_mock: no call matched
          expected: EXPECTED
          3 call(s) recorded; closest first:
            POST /users?source=web -> 201 "Created"
              X-Tenant: 'acme'
              body '{"name": "Ada", "items": [{"sku": "A1"}]}'
              - query source='web', expected 'app'
              - header X-Tenant: 'acme', expected 'beta'
              - JSON body differs:
                  --- expected
                  +++ called with
                  @@ -5,4 +5,4 @@
                       }
                     ],
                  -  "name": "Bob"
                  +  "name": "Ada"
                   }
            GET /users/7 -> 200 "User found"
              X-Tenant: (absent)
              - method is GET, expected POST
              - path /users/7 does not fit /users
              - query source=(absent), expected 'app'
              - header X-Tenant: (absent), expected 'beta'
              - body is empty, not JSON
            DELETE /users/7 -> 404 No matching requests
              X-Tenant: (absent)
              - method is DELETE, expected POST
              - path /users/7 does not fit /users
              - query source=(absent), expected 'app'
              - header X-Tenant: (absent), expected 'beta'
              - body is empty, not JSON"""
    ).replace("EXPECTED", expected)


def test_assert_called_with_times_says_how_many_it_found(called: MockServer) -> None:
    assert failure(called.assert_called, "GET", "/users/:id", times=2) == dedent(
        """\
        postman_mock: expected 2 matching call(s), found 1
          expected: GET /users/:id
          3 call(s) recorded; closest first:
            GET /users/7 -> 200 "User found"
            DELETE /users/7 -> 404 No matching requests
              - method is DELETE, expected GET
            POST /users?source=web -> 201 "Created"
              body '{"name": "Ada", "items": [{"sku": "A1"}]}'
              - method is POST, expected GET
              - path /users does not fit /users/:id"""
    )


def test_jsonpath_and_body_failures_name_the_value(called: MockServer) -> None:
    message = failure(called.assert_called, "POST", "/users", jsonpath={"$.items[0].sku": "B2"})
    assert "      - $.items[0].sku is 'A1', expected 'B2'" in message.splitlines()
    message = failure(called.assert_called, "POST", "/users", jsonpath={"$.missing": 1})
    assert "      - $.missing not found in the JSON body" in message.splitlines()
    message = failure(called.assert_called, "POST", body="name=Ada")
    assert "      - body differs, expected 'name=Ada'" in message.splitlines()
    assert "      - body is empty, expected 'name=Ada'" in message.splitlines()


def test_query_checks_the_last_value_or_every_value_of_a_key(users_server: MockServer) -> None:
    requests.get(users_server.url_for("/users?tag=a&tag=b&page=2"), timeout=5)
    users_server.assert_called("GET", "/users", query={"tag": ["a", "b"], "page": 2})
    users_server.assert_called("GET", "/users", query={"tag": "b"})
    message = failure(users_server.assert_called, "GET", query={"tag": ["b", "a"], "page": "3"})
    assert "      - query tag=['a', 'b'], expected ['b', 'a']" in message.splitlines()
    assert "      - query page='2', expected '3'" in message.splitlines()


def test_an_expected_json_that_is_not_serializable_still_gets_a_message(
    called: MockServer,
) -> None:
    message = failure(called.assert_called, "POST", json={"tags": {"a"}})
    assert message.splitlines()[1] == """  expected: POST *, json {"tags": "{'a'}"}"""


def test_a_bad_jsonpath_is_a_value_error(called: MockServer) -> None:
    with pytest.raises(ValueError, match=r"invalid JSONPath '\$\[\['"):
        called.assert_called("POST", jsonpath={"$[[": 1})


def test_failure_with_no_calls_says_so(users_server: MockServer) -> None:
    assert failure(users_server.assert_called, "GET", "/users") == dedent(
        """\
        postman_mock: no call matched
          expected: GET /users
          no calls were recorded"""
    )


def test_failure_shows_five_calls_and_counts_the_rest(users_server: MockServer) -> None:
    for number in range(8):
        requests.get(users_server.url_for(f"/users/{number}"), timeout=5)
    lines = failure(users_server.assert_called, "POST", "/users").splitlines()
    assert lines[2] == "  8 call(s) recorded; closest first:"
    assert sum(line.startswith("    GET /users/") for line in lines) == 5
    assert lines[-1] == "    ... and 3 more"


def test_a_long_body_is_previewed(users_server: MockServer) -> None:
    requests.post(users_server.url_for("/users"), data="x" * 500, timeout=5)
    message = failure(users_server.assert_called, "POST", "/users", body="y")
    assert f"      body '{'x' * 200}...'" in message.splitlines()


def test_assert_called_once(called: MockServer) -> None:
    call = called.assert_called_once(
        "POST", "/users", json={"name": "Ada", "items": [{"sku": "A1"}]}
    )
    assert isinstance(call, Call) and call.example == "Created"
    message = failure(called.assert_called_once, path="/users/7")
    assert message.splitlines()[:2] == [
        "postman_mock: expected 1 matching call(s), found 2",
        "  expected: * /users/7",
    ]


def test_assert_not_called(called: MockServer) -> None:
    called.assert_not_called("PUT", "/users/7")
    called.assert_not_called("POST", "/users", json={"name": "Bob"})
    assert failure(called.assert_not_called, "GET", "/users/*") == dedent(
        """\
        postman_mock: expected no matching call, found 1
          expected: GET /users/*
          the matching call(s):
            GET /users/7 -> 200 "User found\""""
    )


def test_assert_called_with_checks_the_last_call(called: MockServer) -> None:
    last = called.assert_called_with("DELETE", "/users/:id")
    assert last is called.calls.last
    assert failure(called.assert_called_with, "GET", "/users/7") == dedent(
        """\
        postman_mock: the last call does not match
          expected: GET /users/7
          the last of 3 call(s):
            DELETE /users/7 -> 404 No matching requests
              - method is DELETE, expected GET"""
    )


def test_assert_no_unmatched_names_each_call_and_its_near_misses(called: MockServer) -> None:
    lines = failure(called.assert_no_unmatched).splitlines()
    assert lines[:2] == [
        "postman_mock: 1 call(s) matched no example:",
        "  DELETE /users/7 -> 404 No matching requests",
    ]
    assert "- Users / Get user / User found: method is DELETE, example is GET" in {
        line.strip() for line in lines[2:]
    }


def test_assert_no_unmatched_passes_when_everything_matched(users_server: MockServer) -> None:
    requests.get(users_server.url_for("/users/1"), timeout=5)
    users_server.route("GET", "/health", body="ok")
    requests.get(users_server.url_for("/health"), timeout=5)  # an override is not unmatched
    users_server.assert_no_unmatched()


def test_assert_all_called_by_request_or_example_name(called: MockServer) -> None:
    called.assert_all_called("Create user", "Created", "Get user", "User found")
    assert failure(called.assert_all_called, "Get user", "User not found", "List users") == (
        "postman_mock: never served: 'User not found', 'List users'\n"
        "  served: 'Created', 'User found'"
    )


def test_assert_all_called_refuses_an_unknown_name_with_a_suggestion(called: MockServer) -> None:
    with pytest.raises(ValueError) as raised:
        called.assert_all_called("Get usr")
    assert (
        str(raised.value) == "no request or example is named 'Get usr' (did you mean 'Get user'?)"
    )


def test_wait_for_calls_waits_for_calls_from_other_threads(users_server: MockServer) -> None:
    def later() -> None:
        # Each call is held 50 ms by the server, so it lands in the log while the test waits.
        for number in range(3):
            requests.get(
                users_server.url_for(f"/users/{number}"),
                headers={"x-mock-response-delay": "50"},
                timeout=5,
            )

    worker = threading.Thread(target=later)
    worker.start()
    try:
        calls = users_server.wait_for_calls(3, timeout=5)
    finally:
        worker.join()
    assert [c.path for c in calls] == ["/users/0", "/users/1", "/users/2"]


def test_wait_for_calls_fails_after_the_timeout(users_server: MockServer) -> None:
    requests.get(users_server.url_for("/users"), timeout=5)
    started = time.monotonic()
    assert failure(users_server.wait_for_calls, 2, timeout=0.2) == (
        "postman_mock: waited 0.2 s for 2 call(s), got 1"
    )
    assert time.monotonic() - started >= 0.2  # it did wait (a lower bound only)


def test_assertion_failures_point_at_the_test_line_not_the_plugin(
    pytester: pytest.Pytester,
) -> None:
    builders.write_api(pytester.path)
    pytester.makeini("[pytest]\npostman_mock_collection = api.postman_collection.json\n")
    pytester.makepyfile(
        test_hidden="""
        import requests

        def test_called(postman_mock):
            requests.get(postman_mock.url_for("/users/1"))
            postman_mock.assert_called("DELETE", "/users/1")

        def test_once(postman_mock):
            postman_mock.assert_called_once("GET", "/health")

        def test_waited(postman_mock):
            postman_mock.wait_for_calls(1, timeout=0.05)
    """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(
        [
            '>       postman_mock.assert_called("DELETE", "/users/1")',
            "E       AssertionError: postman_mock: no call matched",
            "E         expected: DELETE /users/1",
            "E         1 call(s) recorded; closest first:",
            'E           GET /users/1 -> 200 "User found"',
            "E             - method is GET, expected DELETE",
            "test_hidden.py:5: AssertionError",
            '>       postman_mock.assert_called_once("GET", "/health")',
            "E         no calls were recorded",
            "test_hidden.py:8: AssertionError",
            ">       postman_mock.wait_for_calls(1, timeout=0.05)",
            "E       AssertionError: postman_mock: waited 0.05 s for 1 call(s), got 0",
            "test_hidden.py:11: AssertionError",
        ]
    )
    output = result.stdout.str()
    for plugin_file in ("api.py", "assertions.py", "journal.py"):
        assert plugin_file not in output


def test_assertions_work_the_same_through_the_fixture(pytester: pytest.Pytester) -> None:
    builders.write_api(pytester.path)
    pytester.makeini("[pytest]\npostman_mock_collection = api.postman_collection.json\n")
    pytester.makepyfile(
        test_fixture="""
        import requests

        def test_it(postman_mock):
            requests.post(postman_mock.url_for("/nowhere"), json={"a": [1, 2]})
            requests.get(postman_mock.url_for("/users/5"))
            postman_mock.assert_called("POST", "/nowhere", jsonpath={"$.a[1]": 2})
            postman_mock.assert_called_once("GET", "/users/:id")
            postman_mock.assert_called_with("GET", "/users/5")
            postman_mock.assert_not_called("DELETE")
            postman_mock.assert_all_called("Get user")
            try:
                postman_mock.assert_no_unmatched()
            except AssertionError as problem:
                assert str(problem).startswith("postman_mock: 1 call(s) matched no example:")
            else:
                raise RuntimeError("assert_no_unmatched passed")
    """
    )
    result = pytester.runpytest()
    # The test's own assertions pass; strict mode then fails it for the unmatched POST.
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*postman_mock: 1 call(s) matched no example (strict mode):"])
    assert "RuntimeError" not in result.stdout.str()
