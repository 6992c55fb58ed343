"""What a test run says about the mock: strict failures, report sections, summary, JSON, url_env."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests  # noqa: F401  (imported once here: pytester's in-process runs share it)

from . import builders

CALL_TIME = "[0-2][0-9]:[0-5][0-9]:[0-5][0-9].[0-9][0-9][0-9]"


def write_shop(folder: Path) -> Path:
    """A collection with a folder, four examples, and one of them (Out of stock) rarely served."""
    doc = builders.collection(
        builders.folder(
            "Catalog",
            builders.request(
                "Get item",
                "{{baseUrl}}/items/:sku",
                builders.json_example("Item", "{{baseUrl}}/items/:sku", {"sku": "{{sku}}"}),
                builders.json_example(
                    "Out of stock", "{{baseUrl}}/items/:sku", {"error": "gone"}, code=410
                ),
            ),
            builders.request(
                "Create order",
                "{{baseUrl}}/orders",
                builders.json_example(
                    "Order placed", "{{baseUrl}}/orders", {"id": 1}, method="POST", code=201
                ),
                method="POST",
            ),
        ),
        builders.request(
            "Health",
            "{{baseUrl}}/health",
            builders.example("Healthy", "{{baseUrl}}/health", body="ok"),
        ),
        name="Shop API",
        variables={"baseUrl": "https://shop.example.com"},
    )
    return builders.write(folder / "shop.postman_collection.json", doc)


@pytest.fixture
def shop(pytester: pytest.Pytester) -> pytest.Pytester:
    write_shop(pytester.path)
    pytester.makeini("[pytest]\npostman_mock_collection = shop.postman_collection.json\n")
    return pytester


UNMATCHED_TEST = """
import requests

def test_unmatched(postman_mock):
    assert requests.get(postman_mock.url_for("/items/A1")).status_code == 200
    assert requests.delete(postman_mock.url_for("/items/A1")).status_code == 404
    assert requests.get(postman_mock.url_for("/stock/levels")).status_code == 404
"""


def test_strict_mode_fails_the_test_with_each_unmatched_call(shop: pytest.Pytester) -> None:
    shop.makepyfile(test_strict=UNMATCHED_TEST)
    result = shop.runpytest()
    result.assert_outcomes(failed=1)  # a failure of the test itself, not an error at teardown
    result.stdout.fnmatch_lines(
        [
            "*_ test_unmatched _*",
            "postman_mock: 2 call(s) matched no example (strict mode):",
            "  DELETE /items/A1 -> 404 No matching requests",
            "*- Catalog / Get item / Item: method is DELETE, example is GET",
            "  GET /stock/levels -> 404 No matching requests",
            "*- Health / Healthy: path has 2 segments, example /health has 1",
            "Turn strict mode off for this test with @pytest.mark.postman_mock(strict=False), "
            "or for all tests with postman_mock_strict = false in pytest.ini.",
        ]
    )
    result.stdout.fnmatch_lines(["FAILED test_strict.py::test_unmatched - Failed: postman_mock*"])
    assert "Traceback" not in result.stdout.str()  # pytrace=False: just the message


def test_strict_false_in_the_marker_lets_the_test_pass(shop: pytest.Pytester) -> None:
    shop.makepyfile(
        test_lenient="import pytest\n"
        + UNMATCHED_TEST.replace(
            "def test_unmatched", "@pytest.mark.postman_mock(strict=False)\ndef test_unmatched"
        )
    )
    shop.runpytest().assert_outcomes(passed=1)


def test_strict_false_in_the_ini_file_lets_every_test_pass(shop: pytest.Pytester) -> None:
    shop.makeini(
        "[pytest]\npostman_mock_collection = shop.postman_collection.json\n"
        "postman_mock_strict = false\n"
    )
    shop.makepyfile(test_lenient=UNMATCHED_TEST)
    shop.runpytest().assert_outcomes(passed=1)


def test_strict_from_the_command_line_and_the_marker_wins(shop: pytest.Pytester) -> None:
    shop.makepyfile(
        test_mixed="import pytest\n"
        + UNMATCHED_TEST
        + UNMATCHED_TEST.replace(
            "def test_unmatched",
            "@pytest.mark.postman_mock(strict=True)\ndef test_marked_strict",
        ).replace("import requests", "")
    )
    result = shop.runpytest("--postman-mock-strict", "false")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["FAILED test_mixed.py::test_marked_strict - Failed: postman_mock*"]
    )


def test_strict_mode_ignores_overrides_outages_and_rejections(shop: pytest.Pytester) -> None:
    shop.makepyfile(
        test_fine="""
        import requests

        def test_fine(postman_mock):
            postman_mock.route("GET", "/extra", body="x")
            assert requests.get(postman_mock.url_for("/extra")).text == "x"
            postman_mock.outage(503)
            assert requests.get(postman_mock.url_for("/nowhere")).status_code == 503
        """
    )
    shop.runpytest().assert_outcomes(passed=1)


def test_a_failing_test_reports_its_calls(shop: pytest.Pytester) -> None:
    shop.makepyfile(
        test_section="""
        import requests

        def test_fails(postman_mock):
            requests.get(postman_mock.url_for("/items/A1"))
            requests.post(postman_mock.url_for("/orders"), json={"sku": "A1"})
            assert False, "the client misread the order"

        def test_passes(postman_mock):
            requests.get(postman_mock.url_for("/health"))
        """
    )
    result = shop.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: the client misread the order",
            "*- postman mock calls -*",
            f'{CALL_TIME}  GET     /items/A1 * 200  "Item"',
            f'{CALL_TIME}  POST    /orders * 201  "Order placed"',
        ]
    )
    output = result.stdout.str()
    assert output.count("postman mock calls") == 1  # the passing test has no section
    assert "/health" not in output.split("postman mock calls")[1].split("=====")[0]


def test_a_strict_failure_reports_the_near_misses_of_each_call(shop: pytest.Pytester) -> None:
    shop.makepyfile(test_strict=UNMATCHED_TEST)
    result = shop.runpytest()
    result.stdout.fnmatch_lines(
        [
            "*- postman mock calls -*",
            f'{CALL_TIME}  GET     /items/A1 * 200  "Item"',
            f"{CALL_TIME}  DELETE  /items/A1 * 404  No matching requests (nearest: *)",
            "*- Catalog / Get item / Item: method is DELETE, example is GET",
            f"{CALL_TIME}  GET     /stock/levels * 404  No matching requests (nearest: *)",
            "*- Catalog / Get item / Item: path segment 1 is 'stock', example has 'items'",
        ]
    )


def test_a_failing_test_without_calls_says_so(shop: pytest.Pytester) -> None:
    shop.makepyfile(test_empty="def test_empty(postman_mock):\n    assert False\n")
    result = shop.runpytest()
    result.stdout.fnmatch_lines(["*- postman mock calls -*", "(no calls)"])


SUMMARY_TESTS = """
import requests

def test_catalog(postman_mock):
    requests.get(postman_mock.url_for("/items/A1"))
    requests.get(postman_mock.url_for("/items/B2"))
    requests.post(postman_mock.url_for("/orders"), json={})

def test_unmatched(postman_mock):
    requests.get(postman_mock.url_for("/nothing/here"))
"""


def test_terminal_summary_counts_calls_and_examples_never_served(shop: pytest.Pytester) -> None:
    shop.makepyfile(test_summary=SUMMARY_TESTS)
    result = shop.runpytest()
    result.stdout.fnmatch_lines(
        [
            "*= postman mock =*",
            '"Shop API" (shop.postman_collection.json): 4 calls, 1 unmatched; '
            "2 of 4 examples served (50%)",
            "  2 examples never served (-v lists them)",
        ]
    )
    # Only our section: under CI=true pytest prints full failure messages after it.
    summary = result.stdout.str().split("= postman mock =")[1].split("\n=")[0]
    assert "never served:" not in summary
    assert "Out of stock" not in summary


def test_verbose_terminal_summary_lists_the_examples_never_served(shop: pytest.Pytester) -> None:
    shop.makepyfile(test_summary=SUMMARY_TESTS)
    result = shop.runpytest("-v")
    result.stdout.fnmatch_lines(
        [
            '"Shop API" (shop.postman_collection.json): 4 calls, 1 unmatched; '
            "2 of 4 examples served (50%)",
            "  never served:",
            "    GET /items/:sku  Catalog / Get item / Out of stock",
            "    GET /health  Health / Healthy",
        ]
    )


def test_no_summary_when_no_test_used_the_mock(shop: pytest.Pytester) -> None:
    shop.makepyfile(test_plain="def test_plain():\n    pass\n")
    result = shop.runpytest()
    result.assert_outcomes(passed=1)
    assert "postman mock" not in result.stdout.str()


def test_json_report_holds_the_call_log_and_coverage(shop: pytest.Pytester) -> None:
    shop.makepyfile(test_summary=SUMMARY_TESTS)
    result = shop.runpytest("-p", "no:randomly", "--postman-mock-report=out/mock-report.json")
    result.assert_outcomes(passed=1, failed=1)
    report = json.loads((shop.path / "out" / "mock-report.json").read_text())

    assert isinstance(report["seed"], int)
    [collection] = report["collections"]
    assert collection["name"] == "Shop API"
    assert collection["file"] == str(shop.path / "shop.postman_collection.json")
    assert collection["droppedCalls"] == 0
    assert collection["kinds"] == {"matched": 3, "unmatched": 1}

    calls = collection["calls"]
    assert [(c["request"]["method"], c["request"]["path"]) for c in calls] == [
        ("GET", "/items/A1"),
        ("GET", "/items/B2"),
        ("POST", "/orders"),
        ("GET", "/nothing/here"),
    ]
    first, _, order, unmatched = calls
    assert first["testId"] == "test_summary.py::test_catalog"
    assert (first["kind"], first["responseName"], first["requestName"]) == (
        "matched",
        "Item",
        "Get item",
    )
    assert first["response"]["statusCode"] == 200
    assert json.loads(first["response"]["body"]["text"]) == {"sku": "A1"}
    assert first["servedAt"].endswith("Z")
    assert first["score"] > 0 and first["durationMs"] >= 0
    assert order["request"]["body"] == {"text": "{}"}
    assert unmatched["testId"] == "test_summary.py::test_unmatched"
    assert (unmatched["kind"], unmatched["responseName"]) == ("unmatched", None)
    assert unmatched["response"]["statusCode"] == 404
    assert unmatched["nearMisses"] and set(unmatched["nearMisses"][0]) == {
        "example",
        "reason",
        "stage",
    }

    assert [(row["label"], row["served"]) for row in collection["coverage"]] == [
        ("Catalog / Get item / Item", 2),
        ("Catalog / Get item / Out of stock", 0),
        ("Catalog / Create order / Order placed", 1),
        ("Health / Healthy", 0),
    ]
    assert collection["coverage"][0] | {"served": 0} == {
        "folders": ["Catalog"],
        "request": "Get item",
        "example": "Item",
        "method": "GET",
        "path": "/items/:sku",
        "code": 200,
        "served": 0,
        "label": "Catalog / Get item / Item",
    }


def test_json_report_counts_calls_dropped_past_max_calls(shop: pytest.Pytester) -> None:
    shop.makepyfile(test_summary=SUMMARY_TESTS)
    shop.runpytest("--postman-mock-max-calls", "2", "--postman-mock-report", "report.json")
    [collection] = json.loads((shop.path / "report.json").read_text())["collections"]
    assert len(collection["calls"]) == 2
    assert collection["droppedCalls"] == 2
    assert sum(collection["kinds"].values()) == 4
    assert sum(row["served"] for row in collection["coverage"]) == 3  # counted, not read back


def test_no_report_file_without_the_option(shop: pytest.Pytester) -> None:
    shop.makepyfile(test_summary=SUMMARY_TESTS)
    shop.runpytest()
    assert not list(shop.path.rglob("*report*.json"))


def test_url_env_from_the_command_line_holds_the_url_during_each_test(
    shop: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOP_URL", "http://production.example.com")
    shop.makepyfile(
        test_env="""
        import os
        import requests

        def test_inside(postman_mock):
            assert os.environ["SHOP_URL"] == postman_mock.url
            assert requests.get(os.environ["SHOP_URL"] + "/health").text == "ok"

        def test_without_the_fixture():
            assert os.environ["SHOP_URL"] == "http://production.example.com"
        """
    )
    result = shop.runpytest("-p", "no:randomly", "--postman-mock-url-env", "SHOP_URL")
    result.assert_outcomes(passed=2)
