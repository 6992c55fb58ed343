"""The pytest plugin, exercised as users run it: through pytester."""

from __future__ import annotations

import json

import pytest

from . import builders

pytest_plugins = ["pytester"]


def test_collection_from_ini_serves_each_test(pytester: pytest.Pytester) -> None:
    builders.write_api(pytester.path / "api")
    pytester.makeini("[pytest]\npostman_mock_collection = api/api.postman_collection.json\n")
    pytester.makepyfile(
        test_users="""
        import json, urllib.request

        def test_user(postman_mock):
            with urllib.request.urlopen(postman_mock.url_for("/users/42")) as response:
                assert json.load(response) == {"id": "42"}
            assert [(c.method, c.path, c.status, c.example) for c in postman_mock.calls] == [
                ("GET", "/users/42", 200, "User found")]
    """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


def test_ini_path_is_relative_to_the_ini_file_not_the_invocation_dir(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    builders.write_api(pytester.path / "api")
    ini = pytester.makeini("[pytest]\npostman_mock_collection = api/api.postman_collection.json\n")
    test_file = pytester.makepyfile(
        test_health="""
        import urllib.request
        def test_health(postman_mock):
            assert urllib.request.urlopen(postman_mock.url + "/health").read() == b"ok"
    """
    )
    monkeypatch.chdir(pytester.mkdir("elsewhere"))
    result = pytester.runpytest_subprocess(str(test_file), "-c", str(ini))
    result.assert_outcomes(passed=1)


def test_collection_from_marker_relative_to_the_test_file(pytester: pytest.Pytester) -> None:
    tests = pytester.mkdir("tests")
    builders.write_api(tests / "data", "marked.postman_collection.json")
    (tests / "test_marked.py").write_text(
        "import pytest, urllib.request\n"
        "@pytest.mark.postman_mock('data/marked.postman_collection.json')\n"
        "def test_marked(postman_mock):\n"
        "    assert urllib.request.urlopen(postman_mock.url + '/health').read() == b'ok'\n"
    )
    result = pytester.runpytest("tests")
    result.assert_outcomes(passed=1)


def test_calls_are_isolated_per_test(pytester: pytest.Pytester) -> None:
    builders.write_api(pytester.path)
    pytester.makeini("[pytest]\npostman_mock_collection = api.postman_collection.json\n")
    pytester.makepyfile(
        test_isolation="""
        import urllib.request

        def test_first(postman_mock):
            urllib.request.urlopen(postman_mock.url + "/health").read()
            urllib.request.urlopen(postman_mock.url + "/users/1").read()
            assert len(postman_mock.calls) == 2

        def test_second(postman_mock):
            assert len(postman_mock.calls) == 0
            urllib.request.urlopen(postman_mock.url + "/health").read()
            assert [c.path for c in postman_mock.calls] == ["/health"]
            # one server for the session: it saw all three calls
            assert len(postman_mock.server.calls) == 3
    """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_missing_collection_lists_where_it_looked(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_missing="""
        import pytest

        @pytest.mark.postman_mock("nowhere.postman_collection.json")
        def test_it(postman_mock):
            pass
    """
    )
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: @pytest.mark.postman_mock on test_missing.py::test_it: collection file "
            "'nowhere.postman_collection.json' not found; looked in:",
            f"  - {pytester.path}/nowhere.postman_collection.json",
        ]
    )


def test_no_collection_anywhere_says_how_to_set_one(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_none="def test_it(postman_mock):\n    pass\n")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*no Postman collection for the postman_mock fixture: set "
            "postman_mock_collection in pytest.ini*"
        ]
    )


def test_bad_ini_value_is_a_usage_error_naming_the_option(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\npostman_mock_delay = fast\n")
    pytester.makepyfile(test_x="def test_x():\n    pass\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            f"ERROR: {pytester.path / 'tox.ini'}: postman_mock_delay='fast': "
            "expected milliseconds from 0 to 180000, or 2g / 3g, or a range like 100-300*"
        ]
    )


def test_bad_command_line_value_names_the_command_line(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_x="def test_x():\n    pass\n")
    result = pytester.runpytest("--postman-mock-port", "99999")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: command line: --postman-mock-port='99999': expected a number from 0 to 65535"]
    )


def test_unknown_marker_argument_suggests_the_right_one(pytester: pytest.Pytester) -> None:
    builders.write_api(pytester.path)
    pytester.makepyfile(
        test_typo="""
        import pytest

        @pytest.mark.postman_mock("api.postman_collection.json", dealy=10)
        def test_it(postman_mock):
            pass
    """
    )
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*unknown postman_mock argument 'dealy' (did you mean 'delay'?)"])


def test_broken_collection_stops_the_run_with_the_file_and_pointer(
    pytester: pytest.Pytester,
) -> None:
    (pytester.path / "broken.json").write_text(json.dumps({"info": {"name": "x"}, "item": 3}))
    pytester.makepyfile(
        test_broken="""
        import pytest

        @pytest.mark.postman_mock("broken.json")
        def test_it(postman_mock):
            pass
    """
    )
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR  # before any test runs, once
    result.stderr.fnmatch_lines(
        ["ERROR: postman_mock: *broken.json at /item: expected a list of requests and folders"]
    )


def test_marker_settings_make_a_separate_server(pytester: pytest.Pytester) -> None:
    builders.write_api(pytester.path)
    pytester.makeini("[pytest]\npostman_mock_collection = api.postman_collection.json\n")
    pytester.makepyfile(
        test_servers="""
        import pytest
        seen = []

        def test_plain(postman_mock):
            seen.append(postman_mock.server)

        @pytest.mark.postman_mock(cors=False)
        def test_no_cors(postman_mock):
            seen.append(postman_mock.server)

        def test_plain_again(postman_mock):
            seen.append(postman_mock.server)
            assert seen[0] is seen[2] and seen[0] is not seen[1]
            assert seen[1].settings.cors is False
    """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=3)


def test_url_env_holds_the_url_during_the_test_only(pytester: pytest.Pytester) -> None:
    builders.write_api(pytester.path)
    pytester.makeini(
        "[pytest]\npostman_mock_collection = api.postman_collection.json\n"
        "postman_mock_url_env = API_URL\n"
    )
    pytester.makepyfile(
        test_env="""
        import os

        def test_inside(postman_mock):
            assert os.environ["API_URL"] == postman_mock.url

        def test_after():
            assert "API_URL" not in os.environ
    """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_seed_is_printed_in_the_report_header(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_x="def test_x():\n    pass\n")
    result = pytester.runpytest("--postman-mock-seed", "1234")
    result.stdout.fnmatch_lines(["postman-mock: seed 1234 (repeat with --postman-mock-seed=1234)"])
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(["postman-mock: seed * (repeat with --postman-mock-seed=*)"])


def test_marker_is_registered_with_its_signature(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.postman_mock(collection=None, *, environment=None*"])
