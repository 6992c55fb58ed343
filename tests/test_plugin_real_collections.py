"""Plugin behaviour from issue 15, through pytester: fixed ports with markers, marker
seeds, strict mode and fuzzy matches."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import requests

from pytest_postman_mock import MockServer

from . import builders

pytest_plugins = ["pytester"]


def write_api(folder: Path) -> Path:
    doc = builders.collection(
        builders.request(
            "Greeting",
            "{{baseUrl}}/hello",
            builders.example("Hello", "{{baseUrl}}/hello", body="hi {{who}} {{$randomInt}}"),
        ),
        builders.request(
            "Show Order Details",
            "{{baseUrl}}/v2/checkout/orders/:id",
            builders.example("Order", "{{baseUrl}}/v2/checkout/orders/:id", body="order"),
        ),
        variables={"who": "collection"},
    )
    return builders.write(folder / "api.postman_collection.json", doc)


def free_port_pair() -> int:
    """A port that is free, with the next one free too (pytest-xdist's gw1 takes port + 1)."""
    for _ in range(50):
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            if port >= 65535:
                continue
            with socket.socket() as second:
                try:
                    second.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
        return int(port)
    raise AssertionError("no two consecutive free ports")


FIXED_PORT_TESTS = """
import os, pytest, requests

def port_ok(postman_mock):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    assert postman_mock.url.endswith(f":{{{port} + int(worker[2:])}}")

@pytest.mark.postman_mock(delay=1)
def test_delay(postman_mock):
    port_ok(postman_mock)
    assert postman_mock.settings.delay == 1
    assert requests.get(postman_mock.url_for("/hello")).text.startswith("hi collection")

@pytest.mark.postman_mock(match_body=True)
def test_match_body(postman_mock):
    port_ok(postman_mock)
    assert postman_mock.settings.match_body
    assert requests.get(postman_mock.url_for("/hello")).status_code == 200

@pytest.mark.postman_mock(variables={{"who": "marker"}})
def test_variables(postman_mock):
    port_ok(postman_mock)
    assert requests.get(postman_mock.url_for("/hello")).text.startswith("hi marker")

def test_plain(postman_mock):
    port_ok(postman_mock)
    assert requests.get(postman_mock.url_for("/hello")).text.startswith("hi collection")
"""


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one process", "-n 2"])
def test_a_fixed_port_works_with_every_marker(pytester: pytest.Pytester, workers: list[str]) -> None:
    write_api(pytester.path)
    port = free_port_pair()
    pytester.makeini(
        "[pytest]\npostman_mock_collection = api.postman_collection.json\n"
        f"postman_mock_port = {port}\n"
    )
    pytester.makepyfile(test_fixed=FIXED_PORT_TESTS.format(port=port))
    result = pytester.runpytest_subprocess(*workers, "-p", "no:randomly")
    result.assert_outcomes(passed=4)
    assert "Address already in use" not in result.stdout.str()


def test_a_marker_seed_is_the_tests_seed(pytester: pytest.Pytester) -> None:
    collection = write_api(pytester.path)
    with MockServer(collection, seed=7) as server:
        expected = requests.get(server.url_for("/hello"), timeout=5).text
    pytester.makeini("[pytest]\npostman_mock_collection = api.postman_collection.json\n")
    pytester.makepyfile(
        test_seeded=f"""
        import pytest, requests

        @pytest.mark.postman_mock(seed=7)
        def test_one(postman_mock):
            assert requests.get(postman_mock.url_for("/hello")).text == {expected!r}

        @pytest.mark.postman_mock(seed=7)
        def test_two(postman_mock):
            assert requests.get(postman_mock.url_for("/hello")).text == {expected!r}
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_strict_mode_fails_a_test_served_only_by_document_distance(
    pytester: pytest.Pytester,
) -> None:
    write_api(pytester.path)
    pytester.makeini("[pytest]\npostman_mock_collection = api.postman_collection.json\n")
    pytester.makepyfile(
        test_typo="""
        import pytest, requests

        def test_typo(postman_mock):
            assert requests.get(postman_mock.url_for("/v2/chekout/orders/X")).text == "order"

        @pytest.mark.postman_mock(allow_fuzzy=True)
        def test_allowed(postman_mock):
            assert requests.get(postman_mock.url_for("/v2/chekout/orders/X")).text == "order"
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*postman_mock: 1 call(s) served only by document distance (strict mode), most "
            "often a typo in the client's path:",
            "*  GET /v2/chekout/orders/X -> 200 (score 70)",
            "*    fuzzy match: served only by document distance from 'Show Order Details / "
            "Order' (GET /v2/checkout/orders/:id)",
            "*  If the client means it, allow it with "
            "@pytest.mark.postman_mock(allow_fuzzy=True) or postman_mock_allow_fuzzy = true "
            "in pytest.ini (match_fuzzy=False stops serving it).",
        ]
    )
