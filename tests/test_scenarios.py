"""Scenarios: named behaviors and overrides, chosen per test, per run, per server, per call,
and switched live in `serve` (the viewer's control is tested in test_browser_scenarios.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from pytest_postman_mock import MockServer
from pytest_postman_mock.calls.log import Kind
from pytest_postman_mock.errors import SettingsError

from . import builders
from .conftest import start_serve

pytest_plugins = ["pytester"]
TIMEOUT = 5.0
SCENARIOS = """
happy: {}
degraded:
  behaviors: {error_rate: 1, error_statuses: "502"}
maintenance:
  overrides:
    - {method: GET, path: /orders/:id, status: 503, json: {error: down}}
    - {method: GET, path: /status, json: {status: maintenance}}
"""
KNOWN = "known scenarios: degraded, happy, maintenance"


def write_api(folder: Path) -> Path:
    doc = builders.collection(
        builders.request(
            "Order",
            "{{baseUrl}}/orders/:id",
            builders.json_example("Order", "{{baseUrl}}/orders/:id", {"id": "{{id}}"}),
        ),
        name="Orders",
    )
    (folder / "scenarios.yaml").write_text(SCENARIOS)
    return builders.write(folder / "api.postman_collection.json", doc)


def test_a_scenario_brings_its_overrides_and_behaviors(tmp_path: Path) -> None:
    api = write_api(tmp_path)
    with MockServer(api, scenarios=str(tmp_path / "scenarios.yaml")) as mock:
        assert requests.get(mock.url_for("/orders/7"), timeout=TIMEOUT).json() == {"id": "7"}
        mock.use_scenario("maintenance")
        down = requests.get(mock.url_for("/orders/7"), timeout=TIMEOUT)
        status = requests.get(mock.url_for("/status"), timeout=TIMEOUT).json()
        mock.use_scenario("degraded")
        degraded = requests.get(mock.url_for("/orders/7"), timeout=TIMEOUT)
        calls = mock.calls
    assert (down.status_code, down.json()) == (503, {"error": "down"})
    assert status == {"status": "maintenance"}
    assert degraded.status_code == 502
    assert [c.scenario for c in calls] == [None, "maintenance", "maintenance", "degraded"]
    assert "scenario 'maintenance'" in calls[1].notes
    assert calls[3].kind == Kind.BEHAVIOR and "(scenario 'degraded')" in calls[3].notes[-1]


def test_the_x_mock_scenario_header_chooses_for_one_call(tmp_path: Path) -> None:
    api = write_api(tmp_path)
    with MockServer(api, scenarios=str(tmp_path / "scenarios.yaml")) as mock:
        url = mock.url_for("/orders/7")
        one = requests.get(url, headers={"x-mock-scenario": "maintenance"}, timeout=TIMEOUT)
        after = requests.get(url, timeout=TIMEOUT)
        typo = requests.get(url, headers={"x-mock-scenario": "maintenace"}, timeout=TIMEOUT)
        calls = mock.calls
    assert one.status_code == 503 and after.status_code == 200
    assert calls[0].scenario == "maintenance" and calls[1].scenario is None
    assert typo.status_code == 400
    message = typo.json()["error"]["message"]
    assert "unknown scenario 'maintenace' (did you mean 'maintenance'?)" in message
    assert KNOWN in message


def test_an_unknown_scenario_lists_the_known_ones(tmp_path: Path) -> None:
    api = write_api(tmp_path)
    mock = MockServer(api, scenarios=str(tmp_path / "scenarios.yaml"))
    with pytest.raises(SettingsError, match=f"unknown scenario 'sad'; {KNOWN}"):
        mock.use_scenario("sad")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("degraded: [1, 2]", "scenario 'degraded': expected a mapping with behaviors"),
        ("slow:\n  behaviors: {delay: soon}", "scenario 'slow': delay='soon': expected"),
        ("x:\n  behaviors: {eror_rate: 1}", "unknown behavior 'eror_rate'"),
        ("x:\n  overrides: [{path: /a}]", "override 1 needs a method and a path"),
        ("x: [unclosed", "not valid YAML"),
    ],
)
def test_a_bad_scenarios_file_names_the_file_and_the_problem(
    tmp_path: Path, text: str, problem: str
) -> None:
    api = write_api(tmp_path)
    (tmp_path / "bad.yaml").write_text(text)
    with pytest.raises(SettingsError, match=r"scenarios file .*bad\.yaml") as raised:
        MockServer(api, scenarios=str(tmp_path / "bad.yaml"))
    assert problem in str(raised.value)


def test_scenarios_in_pytest_by_marker_ini_command_line_and_hook(
    pytester: pytest.Pytester,
) -> None:
    write_api(pytester.path)
    pytester.makeini(
        "[pytest]\npostman_mock_collection = api.postman_collection.json\n"
        "postman_mock_scenarios = scenarios.yaml\n"
    )
    pytester.makeconftest(
        """
        def pytest_postman_mock_scenarios():
            return {"teapot": {"overrides": [{"method": "GET", "path": "/orders/:id",
                                              "status": 418}]}}
        """
    )
    pytester.makepyfile(
        """
        import pytest, requests

        def status(mock):
            return requests.get(mock.url_for("/orders/1")).status_code

        @pytest.mark.postman_mock(scenario="maintenance")
        def test_marker(postman_mock):
            assert status(postman_mock) == 503
            assert postman_mock.calls.last.scenario == "maintenance"

        @pytest.mark.postman_mock(scenario="teapot")
        def test_hook(postman_mock):
            assert status(postman_mock) == 418

        def test_run_wide(postman_mock, request):
            wanted = request.config.getoption("postman_mock_scenario")
            assert postman_mock.scenario == wanted
            assert status(postman_mock) == (502 if wanted == "degraded" else 200)

        def test_switch_within_a_test(postman_mock):
            postman_mock.use_scenario("maintenance")
            assert status(postman_mock) == 503
        """
    )
    pytester.runpytest().assert_outcomes(passed=4)
    pytester.runpytest("--postman-mock-scenario", "degraded").assert_outcomes(passed=4)
    pytester.makepyfile(
        test_typo="""
        import pytest

        @pytest.mark.postman_mock(scenario="maintenace")
        def test_typo(postman_mock):
            pass
        """
    )
    result = pytester.runpytest("test_typo.py")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*unknown scenario 'maintenace' (did you mean 'maintenance'?); known scenarios: "
            "degraded, happy, maintenance, teapot*"
        ]
    )


def test_a_run_wide_scenario_from_ini(pytester: pytest.Pytester) -> None:
    write_api(pytester.path)
    pytester.makeini(
        "[pytest]\npostman_mock_collection = api.postman_collection.json\n"
        "postman_mock_scenarios = scenarios.yaml\npostman_mock_scenario = maintenance\n"
    )
    pytester.makepyfile(
        """
        import requests

        def test_ini(postman_mock):
            assert requests.get(postman_mock.url_for("/orders/1")).status_code == 503
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def read_url(process: object) -> str:
    stdout = process.stdout  # type: ignore[attr-defined]
    line = stdout.readline()
    assert line.startswith("Serving"), line
    return line.rsplit(" at ", 1)[1].strip()


def test_serve_scenario_and_the_live_admin_switch(tmp_path: Path) -> None:
    api = write_api(tmp_path)
    process = start_serve(
        str(api),
        "--scenarios",
        str(tmp_path / "scenarios.yaml"),
        "--scenario",
        "maintenance",
        "--api-key",
        "k",
    )
    try:
        url = read_url(process)
        key = {"x-api-key": "k"}
        assert requests.get(url + "/orders/1", headers=key, timeout=TIMEOUT).status_code == 503
        admin = url + "/__postman_mock__/scenario"
        assert requests.get(admin, timeout=TIMEOUT).status_code == 401  # a private mock's key
        state = requests.get(admin, headers=key, timeout=TIMEOUT).json()
        assert state == {
            "scenario": "maintenance",
            "scenarios": ["degraded", "happy", "maintenance"],
        }
        switched = requests.post(admin + "?key=k", json={"scenario": "happy"}, timeout=TIMEOUT)
        assert switched.json()["scenario"] == "happy"
        assert requests.get(url + "/orders/1", headers=key, timeout=TIMEOUT).status_code == 200
        bad = requests.post(admin, headers=key, json={"scenario": "sad"}, timeout=TIMEOUT)
        assert bad.status_code == 400 and KNOWN in bad.json()["error"]
        requests.post(admin, headers=key, json={"scenario": None}, timeout=TIMEOUT)
        assert requests.get(admin, headers=key, timeout=TIMEOUT).json()["scenario"] is None
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=10)
    assert "503" in out


def test_serve_with_an_unknown_scenario_exits_2_listing_the_known_ones(tmp_path: Path) -> None:
    api = write_api(tmp_path)
    process = start_serve(
        str(api), "--scenarios", str(tmp_path / "scenarios.yaml"), "--scenario", "sad"
    )
    _, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert f"unknown scenario 'sad'; {KNOWN}" in err
    assert "Traceback" not in err
