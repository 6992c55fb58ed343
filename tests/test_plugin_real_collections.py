"""Plugin behaviour from issue 15, through pytester: fixed ports with markers, marker
seeds, strict mode and fuzzy matches."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from pytest_postman_mock import MockServer
from pytest_postman_mock.parsers import SEED_LIMIT
from pytest_postman_mock.settings import parse

from . import builders
from .support_ports import free_port_pair

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


FIXED_PORT_TESTS = """
import pytest, requests

@pytest.fixture
def port_ok(request):
    worker = getattr(request.config, "workerinput", {{}}).get("workerid", "gw0")
    def check(postman_mock):
        assert postman_mock.url.endswith(f":{{{port} + int(worker[2:])}}")
    return check

@pytest.mark.postman_mock(delay=1)
def test_delay(postman_mock, port_ok):
    port_ok(postman_mock)
    assert postman_mock.settings.delay == 1
    assert requests.get(postman_mock.url_for("/hello")).text.startswith("hi collection")

@pytest.mark.postman_mock(match_body=True)
def test_match_body(postman_mock, port_ok):
    port_ok(postman_mock)
    assert postman_mock.settings.match_body
    assert requests.get(postman_mock.url_for("/hello")).status_code == 200

@pytest.mark.postman_mock(variables={{"who": "marker"}})
def test_variables(postman_mock, port_ok):
    port_ok(postman_mock)
    assert requests.get(postman_mock.url_for("/hello")).text.startswith("hi marker")

def test_plain(postman_mock, port_ok):
    port_ok(postman_mock)
    assert requests.get(postman_mock.url_for("/hello")).text.startswith("hi collection")
"""


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one process", "-n 2"])
def test_a_fixed_port_works_with_every_marker(
    pytester: pytest.Pytester, workers: list[str]
) -> None:
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


def test_a_broken_ini_collection_stops_the_run_once(pytester: pytest.Pytester) -> None:
    (pytester.path / "api.postman_collection.json").write_text("{not json")
    pytester.makeini("[pytest]\npostman_mock_collection = api.postman_collection.json\n")
    pytester.makepyfile(
        test_many="\n".join(f"def test_{i}(postman_mock):\n    pass\n" for i in range(3))
    )
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.stderr.lines if line.startswith("ERROR")]
    assert errors == [
        f"ERROR: postman_mock: {pytester.path / 'api.postman_collection.json'}: invalid JSON "
        "at line 1 column 2: Expecting property name enclosed in double quotes"
    ]
    assert "During handling" not in result.stdout.str() + result.stderr.str()


def test_a_missing_ini_environment_stops_the_run_once(pytester: pytest.Pytester) -> None:
    write_api(pytester.path)
    pytester.makeini(
        "[pytest]\npostman_mock_collection = api.postman_collection.json\n"
        "postman_mock_environment = nowhere.json\n"
    )
    pytester.makepyfile(
        test_many="\n".join(f"def test_{i}(postman_mock):\n    pass\n" for i in range(3))
    )
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in result.stderr.lines if line.startswith("ERROR")] == [
        f"ERROR: {pytester.path / 'tox.ini'}: postman_mock_environment file 'nowhere.json' "
        "not found; looked in:"
    ]


def test_a_missing_marker_file_suggests_near_names_and_lists_each_place_once(
    pytester: pytest.Pytester,
) -> None:
    write_api(pytester.path)
    pytester.makepyfile(
        test_typo="""
        import pytest

        @pytest.mark.postman_mock("api.postman_colection.json")
        def test_it(postman_mock):
            pass
        """
    )
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines[:4] == [
        "ERROR: @pytest.mark.postman_mock on test_typo.py::test_it: collection file "
        "'api.postman_colection.json' not found; looked in:",
        f"  - {pytester.path / 'api.postman_colection.json'}",
        "did you mean:",
        f"  - {pytester.path / 'api.postman_collection.json'}",
    ]


def test_a_marker_on_a_test_without_the_fixture_warns_once(pytester: pytest.Pytester) -> None:
    write_api(pytester.path)
    pytester.makeini("[pytest]\npostman_mock_collection = api.postman_collection.json\n")
    pytester.makepyfile(
        test_unused="""
        import pytest

        @pytest.mark.postman_mock(delay=5)
        def test_one():
            pass

        @pytest.mark.postman_mock(delay=5)
        def test_two():
            pass

        @pytest.mark.postman_mock(delay=5)
        @pytest.mark.usefixtures("postman_mock")
        def test_fine():
            pass
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=3, warnings=1)
    result.stdout.fnmatch_lines(
        [
            "*PytestWarning: @pytest.mark.postman_mock on test_unused.py::test_one and 1 more, "
            "which do(es) not use the postman_mock fixture: the marker does nothing there; add "
            'the postman_mock argument or @pytest.mark.usefixtures("postman_mock")'
        ]
    )


def write_many(folder: Path, count: int) -> None:
    doc = builders.collection(
        *(
            builders.request(f"R{i:02d}", f"/r{i:02d}", builders.example("OK", f"/r{i:02d}"))
            for i in range(count)
        )
    )
    builders.write(folder / "many.postman_collection.json", doc)
    (folder / "tox.ini").write_text(
        "[pytest]\npostman_mock_collection = many.postman_collection.json\n"
    )


USES_ONE = """
import requests

def test_one(postman_mock):
    requests.get(postman_mock.url_for("/r00"))
"""


def test_verbose_summary_lists_a_limited_number_then_counts_the_rest(
    pytester: pytest.Pytester,
) -> None:
    write_many(pytester.path, 13)
    pytester.makepyfile(test_one=USES_ONE)
    lines = pytester.runpytest("-v").stdout.lines
    start = lines.index("  never served:")
    assert lines[start - 1] == (
        '"Test API" (many.postman_collection.json): 1 call, 0 unmatched; '
        "1 of 13 examples served (7%)"
    )
    assert lines[start + 1 : start + 3] == ["    GET /r01  R01 / OK", "    GET /r02  R02 / OK"]
    assert lines[start + 11] == (
        "    ... and 2 more examples (--postman-mock-summary=all lists them all)"
    )


def test_summary_all_lists_every_example_and_off_says_nothing(pytester: pytest.Pytester) -> None:
    write_many(pytester.path, 13)
    pytester.makepyfile(test_one=USES_ONE)
    every = pytester.runpytest("--postman-mock-summary=all").stdout.str()
    assert "    GET /r12  R12 / OK" in every and "more example" not in every
    quiet = pytester.runpytest("--postman-mock-summary=off").stdout.str()
    assert "postman mock" not in quiet


def test_one_example_is_singular_and_the_report_says_where_it_went(
    pytester: pytest.Pytester,
) -> None:
    write_many(pytester.path, 2)
    pytester.makepyfile(test_one=USES_ONE)
    result = pytester.runpytest("--postman-mock-report=out/report.json")
    result.stdout.fnmatch_lines(
        [
            '"Test API" (many.postman_collection.json): 1 call, 0 unmatched; '
            "1 of 2 examples served (50%)",
            "  1 example never served (-v lists them)",
            f"report written to {pytester.path / 'out' / 'report.json'}",
        ]
    )
    assert (pytester.path / "out" / "report.json").is_file()


def test_pytest_and_serve_take_the_same_seed_range(pytester: pytest.Pytester) -> None:
    largest = SEED_LIMIT - 1
    assert parse("seed", str(largest), "serve") == largest  # serve --seed uses this parser
    write_api(pytester.path)
    pytester.makeini("[pytest]\npostman_mock_collection = api.postman_collection.json\n")
    pytester.makepyfile(test_seed="def test_it(postman_mock):\n    pass\n")
    result = pytester.runpytest(f"--postman-mock-seed={largest}")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"postman-mock: seed {largest} *"])
    too_big = pytester.runpytest(f"--postman-mock-seed={SEED_LIMIT}")
    assert too_big.ret == pytest.ExitCode.USAGE_ERROR
