"""Handlers and state through the pytest plugin (`pytester`): state ends with each test in
either order, and a raising handler fails a strict test with its traceback."""

from __future__ import annotations

import pytest

from . import builders


def write_orders_api(folder: pytest.Pytester) -> None:
    doc = builders.collection(
        builders.request(
            "List orders",
            "{{baseUrl}}/orders",
            builders.json_example("Orders", "{{baseUrl}}/orders", [{"id": 1, "sku": "A0"}]),
        ),
    )
    builders.write(folder.path / "orders.postman_collection.json", doc)
    folder.makeini("[pytest]\npostman_mock_collection = orders.postman_collection.json\n")


WRITER = """
def test_writes(postman_mock):
    assert dict(postman_mock.state) == {}
    postman_mock.state["cart"] = ["A1"]
    postman_mock.resource("/orders").items
    assert requests.post(postman_mock.url_for("/orders"), json={"sku": "B"}).status_code == 201
"""
READER = """
def test_reads(postman_mock):
    assert dict(postman_mock.state) == {}
    orders = postman_mock.resource("/orders")
    assert [o["sku"] for o in orders.items] == ["A0"]
    assert requests.get(postman_mock.url_for("/orders")).json() == [{"id": 1, "sku": "A0"}]
"""


@pytest.mark.parametrize("order", ["writer first", "reader first"])
def test_state_and_resources_are_cleared_between_tests(
    pytester: pytest.Pytester, order: str
) -> None:
    write_orders_api(pytester)
    tests = (WRITER, READER) if order == "writer first" else (READER, WRITER)
    pytester.makepyfile(test_state="import requests\n" + "".join(tests))
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=2)
    names = ["*test_writes PASSED*", "*test_reads PASSED*"]
    result.stdout.fnmatch_lines(names if order == "writer first" else names[::-1])


def test_a_raising_handler_fails_a_strict_test_with_its_traceback(
    pytester: pytest.Pytester,
) -> None:
    write_orders_api(pytester)
    pytester.makepyfile(
        test_broken="""
        import requests

        def test_broken(postman_mock):
            @postman_mock.handler("POST", "/orders")
            def create(request):
                sku = request.json()["sku"]
                return {"status": 201, "json": {"sku": sku}}

            response = requests.post(postman_mock.url_for("/orders"), json={"qty": 1})
            assert response.status_code == 500
            assert requests.get(postman_mock.url_for("/orders")).status_code == 200
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "postman_mock: the mock server failed on 1 call(s):",
            "  POST /orders -> 500 Mock server error",
            "    note: handler test_broken.<locals>.create raised KeyError: 'sku'",
            "    Traceback (most recent call last):",
            '      File "*test_broken.py", line 6, in create',
            '        sku = request.json()["sku"]',
            "    KeyError: 'sku'",
            "Turn strict mode off for this test with @pytest.mark.postman_mock(strict=False)*",
        ]
    )


def test_handlers_from_a_module_serve_a_test(pytester: pytest.Pytester) -> None:
    write_orders_api(pytester)
    pytester.makepyfile(
        mocks="""
        from pytest_postman_mock import handler

        @handler("GET", "/orders/:id")
        def one(request):
            request.state["asked"] = request.params["id"]
            return {"json": {"id": int(request.params["id"])}}
        """,
        test_module="""
        import requests

        def test_uses_the_module(postman_mock):
            postman_mock.use_handlers("mocks.py")
            assert requests.get(postman_mock.url_for("/orders/4")).json() == {"id": 4}
            assert postman_mock.state["asked"] == "4"
        """,
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_skipped_when_rule_is_noted_in_the_strict_failure(pytester: pytest.Pytester) -> None:
    write_orders_api(pytester)
    pytester.makepyfile(
        test_skip="""
        import requests

        def test_skip(postman_mock):
            postman_mock.route("POST", "/refunds", status=201, when={"json": {"order": 1}})
            requests.post(postman_mock.url_for("/refunds"), json={"order": 2})
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "postman_mock: 1 call(s) matched no example (strict mode):",
            "  POST /refunds -> 404 No matching requests",
            "      note: skipped override of POST /refunds: JSON body differs:",
        ]
    )
