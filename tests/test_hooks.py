"""The two pluggy hooks, implemented in a conftest.py as users do, run through pytester."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests  # noqa: F401  (imported once here: pytester's in-process runs share it)

from . import builders

HOOKS_PAGE = Path(__file__).resolve().parents[1] / "docs" / "hooks.md"


@pytest.fixture
def api(pytester: pytest.Pytester) -> pytest.Pytester:
    builders.write_api(pytester.path)
    pytester.makeini("[pytest]\npostman_mock_collection = api.postman_collection.json\n")
    return pytester


HOOKS_CONFTEST = """
import dataclasses
import json

UNMATCHED = []
RESPONSES = []

def pytest_postman_mock_response(request, example, response):
    RESPONSES.append((request.method, request.path, example))
    if example == "User found":
        payload = json.loads(response.body)
        payload["adjusted"] = True
        return dataclasses.replace(
            response,
            status=203,
            headers=(*response.headers, ("X-Adjusted", request.headers.get("x-trace", "-"))),
            body=json.dumps(payload).encode(),
        )
    return None

def pytest_postman_mock_unmatched(call):
    UNMATCHED.append(call)
"""


def test_the_response_hook_adjusts_a_response_before_it_is_sent(api: pytest.Pytester) -> None:
    api.makeconftest(HOOKS_CONFTEST)
    api.makepyfile(
        test_response="""
        import requests
        from conftest import RESPONSES

        def test_adjusted(postman_mock):
            response = requests.get(postman_mock.url_for("/users/7"), headers={"X-Trace": "t1"})
            assert response.status_code == 203
            assert response.headers["X-Adjusted"] == "t1"
            assert response.json() == {"id": "7", "adjusted": True}
            call = postman_mock.calls.last
            assert call.status == 203  # the log has what was sent
            assert call.response_body == response.content

        def test_kept(postman_mock):
            response = requests.get(postman_mock.url_for("/health"))
            assert (response.status_code, response.text) == (200, "ok")
            assert "X-Adjusted" not in response.headers
            assert RESPONSES[-1] == ("GET", "/health", "Healthy")
        """
    )
    api.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_the_unmatched_hook_is_called_once_for_each_unmatched_call(api: pytest.Pytester) -> None:
    api.makeconftest(HOOKS_CONFTEST)
    api.makepyfile(
        test_unmatched="""
        import pytest
        import requests
        from conftest import UNMATCHED

        @pytest.mark.postman_mock(strict=False)
        def test_calls(postman_mock):
            requests.get(postman_mock.url_for("/users/1"))               # matched
            requests.delete(postman_mock.url_for("/users/1"))            # unmatched
            assert [c.full_path for c in UNMATCHED] == ["/users/1"]  # before the response
            postman_mock.route("GET", "/extra", body="x")
            requests.get(postman_mock.url_for("/extra"))                 # an override
            requests.post(postman_mock.url_for("/orders?id=3"), json={})  # unmatched
            requests.get(postman_mock.url_for("/users/2"))               # matched

            assert [(c.method, c.full_path) for c in UNMATCHED] == [
                ("DELETE", "/users/1"), ("POST", "/orders?id=3")]
            assert UNMATCHED == list(postman_mock.calls.unmatched)
            first = UNMATCHED[0]
            assert first.kind == "unmatched" and first.status == 404
            assert first.test_id == "test_unmatched.py::test_calls"
            assert str(first.near_misses[0]) == (
                "Get user / User found: method is DELETE, example is GET")

        def test_not_called_without_unmatched_calls(postman_mock):
            count = len(UNMATCHED)
            requests.get(postman_mock.url_for("/health"))
            postman_mock.outage(503)
            requests.get(postman_mock.url_for("/anything"))
            assert len(UNMATCHED) == count
        """
    )
    api.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_a_response_hook_returning_none_leaves_it_to_the_next(api: pytest.Pytester) -> None:
    api.makeconftest(
        "def pytest_postman_mock_response(request, example, response):\n    return None\n"
    )
    api.makepyfile(
        plugin_teapot="""
        import dataclasses
        import pytest

        @pytest.hookimpl
        def pytest_postman_mock_response(request, example, response):
            return dataclasses.replace(response, status=418)
        """,
        test_chain="""
        import requests

        def test_teapot(postman_mock):
            assert requests.get(postman_mock.url_for("/health")).status_code == 418
        """,
    )
    api.syspathinsert()
    api.runpytest("-p", "plugin_teapot").assert_outcomes(passed=1)


def test_a_failing_response_hook_is_a_server_error_that_fails_a_strict_test(
    api: pytest.Pytester,
) -> None:
    api.makeconftest(
        "def pytest_postman_mock_response(request, example, response):\n"
        "    raise KeyError('tenant')\n"
    )
    api.makepyfile(
        test_broken="""
        import requests

        def test_broken(postman_mock):
            response = requests.get(postman_mock.url_for("/health"))
            assert response.status_code == 500
            assert response.json()["error"]["name"] == "mockServerError"
            assert postman_mock.calls.last.kind == "error"
            assert "KeyError: 'tenant'" in postman_mock.calls.last.error
            assert requests.get(postman_mock.url_for("/health")).status_code == 500  # still up
        """
    )
    result = api.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "postman_mock: the mock server failed on 2 call(s):",
            "  GET /health -> 500 Mock server error",
            "    KeyError: 'tenant'",
            "  GET /health -> 500 Mock server error",
            "    KeyError: 'tenant'",
            "Turn strict mode off for this test with @pytest.mark.postman_mock(strict=False)*",
        ]
    )


def readme_conftest() -> str:
    """The conftest.py the docs show for the hooks, exactly as written there."""
    text = HOOKS_PAGE.read_text(encoding="utf-8")
    found = re.search(r"<!-- example: hooks-conftest -->\n```python\n(.*?)```", text, re.DOTALL)
    assert found, "docs/hooks.md lost its hooks example"
    return found.group(1)


def test_the_readme_hooks_example_works(api: pytest.Pytester) -> None:
    api.makeconftest(readme_conftest())
    api.makepyfile(
        test_readme="""
        import logging
        import pytest
        import requests

        @pytest.mark.postman_mock(strict=False)
        def test_example(postman_mock, caplog):
            caplog.set_level(logging.WARNING, logger="api-mock")
            served = requests.get(postman_mock.url_for("/users/3"), headers={"X-Request-Id": "r-1"})
            assert served.headers["X-Request-Id"] == "r-1"
            assert served.json() == {"id": "3"}
            missing = requests.get(postman_mock.url_for("/nothing"))
            assert missing.status_code == 404 and "X-Request-Id" not in missing.headers
            assert caplog.messages == [
                "no example for GET /nothing (nearest: Health / Healthy)"]
        """
    )
    api.runpytest().assert_outcomes(passed=1)
