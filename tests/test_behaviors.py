"""Behaviors through a real server: error rates, rate limits and delays, measured, logged
and reproducible from the seed (network faults are in test_faults.py)."""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path

import pytest
import requests

from pytest_postman_mock import MockServer
from pytest_postman_mock.behavior_settings import DelayLogNormal, DelayRange, RateLimit
from pytest_postman_mock.calls.behaviors import BehaviorState
from pytest_postman_mock.calls.log import Kind
from pytest_postman_mock.errors import SettingsError
from pytest_postman_mock.settings import parse

from . import builders
from .conftest import start_serve

pytest_plugins = ["pytester"]


def hello_api(folder: Path) -> Path:
    doc = builders.collection(
        builders.request(
            "Hello",
            "{{baseUrl}}/hello",
            builders.json_example("Hello", "{{baseUrl}}/hello", {"hello": "world"}),
        ),
        name="Hello API",
    )
    return builders.write(folder / "api.postman_collection.json", doc)


def binomial_bounds(n: int, p: float, sigmas: float = 5.0) -> tuple[float, float]:
    spread = sigmas * math.sqrt(n * p * (1 - p))
    return n * p - spread, n * p + spread


def test_error_rate_answers_that_fraction_with_the_error_statuses(tmp_path: Path) -> None:
    n = 400
    with MockServer(hello_api(tmp_path), seed=11, error_rate=0.3) as mock, requests.Session() as s:
        statuses = [s.get(mock.url_for("/hello"), timeout=5).status_code for _ in range(n)]
        calls = mock.calls
    errors = [code for code in statuses if code != 200]
    low, high = binomial_bounds(n, 0.3)
    assert low <= len(errors) <= high
    assert set(errors) == {500, 502, 503, 504}
    failed = [c for c in calls if c.status != 200]
    assert all(c.kind == Kind.BEHAVIOR for c in failed)
    assert "behavior error_rate=0.3 (server)" in failed[0].notes[0]
    body = json.loads(failed[0].response_body)
    assert body["error"]["name"] == "simulatedError" and "error_rate" in body["error"]["message"]
    assert all(c.kind == Kind.MATCHED for c in calls if c.status == 200)


def test_error_statuses_choose_the_statuses(tmp_path: Path) -> None:
    with (
        MockServer(hello_api(tmp_path), seed=1, error_rate=1, error_statuses="429,503") as mock,
        requests.Session() as s,
    ):
        seen = {s.get(mock.url_for("/hello"), timeout=5).status_code for _ in range(60)}
    assert seen == {429, 503}


def test_the_same_seed_gives_the_same_sequence_on_a_fresh_server(tmp_path: Path) -> None:
    api = hello_api(tmp_path)

    def run(seed: int) -> list[int]:
        with MockServer(api, seed=seed, error_rate=0.5) as mock, requests.Session() as s:
            return [s.get(mock.url_for("/hello"), timeout=5).status_code for _ in range(40)]

    assert run(5) == run(5)
    assert run(5) != run(6)


def test_rate_limit_answers_429_after_exactly_n_calls_with_the_headers(tmp_path: Path) -> None:
    with MockServer(hello_api(tmp_path), rate_limit="5/min") as mock, requests.Session() as s:
        answers = [s.get(mock.url_for("/hello"), timeout=5) for _ in range(7)]
        calls = mock.calls
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 2
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == [
        "4",
        "3",
        "2",
        "1",
        "0",
        "0",
        "0",
    ]
    assert {a.headers["X-RateLimit-Limit"] for a in answers} == {"5"}
    limited = answers[5]
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert 1 <= int(limited.headers["X-RateLimit-Reset"]) <= 60
    assert limited.json()["error"]["header"] == "Too Many Requests"
    assert calls[5].kind == Kind.BEHAVIOR
    assert "rate_limit=5/min" in calls[5].notes[0]


def test_a_rate_limit_window_starts_again_once_it_has_passed() -> None:
    state = BehaviorState(1)
    limit = RateLimit(2, 1)
    verdicts = [state.count(limit, "k", now=t) for t in (0.0, 0.1, 0.2, 1.05, 1.1, 1.2)]
    assert [v.allowed for v in verdicts] == [True, True, False, True, True, False]
    assert state.count(limit, "other", now=0.3).allowed  # each key has its own window


def test_a_delay_range_is_drawn_per_call_within_the_range(tmp_path: Path) -> None:
    with MockServer(hello_api(tmp_path), seed=3, delay="20-60") as mock, requests.Session() as s:
        for _ in range(5):
            assert s.get(mock.url_for("/hello"), timeout=5).status_code == 200
        calls = mock.calls
    drawn = [int(c.notes[-1].split(": ")[1].split()[0]) for c in calls]
    assert all(20 <= ms <= 60 for ms in drawn)
    assert all(c.duration_ms >= ms for c, ms in zip(calls, drawn))
    assert calls[0].notes[-1].startswith("behavior delay=20-60: ")


def test_a_log_normal_delay_centres_on_its_median() -> None:
    state = BehaviorState(9)
    spec = DelayLogNormal(200, 0.5)
    draws = [state.delay_ms(spec) for _ in range(2001)]
    assert 180 <= statistics.median(draws) <= 220
    assert max(draws) > 400  # the tail real networks have


def test_delay_spellings_parse_and_bad_ones_say_what_is_expected() -> None:
    assert parse("delay", "100-300", "t") == DelayRange(100, 300)
    assert parse("delay", {"median": 200, "spread": 0.5}, "t") == DelayLogNormal(200, 0.5)
    assert parse("delay", '{"median": 50, "spread": 1}', "t") == DelayLogNormal(50, 1.0)
    assert parse("delay", "2g", "t") == 300
    with pytest.raises(SettingsError, match="runs backwards: write 100-300"):
        parse("delay", "300-100", "t")
    with pytest.raises(SettingsError, match="rate_limit='120/day': expected calls per window"):
        parse("rate_limit", "120/day", "t")
    with pytest.raises(SettingsError, match="add up to more than 1"):
        parse("fault_rate", "reset=0.7,close=0.5", "t")
    with pytest.raises(SettingsError, match="expected HTTP statuses from 400 to 599"):
        parse("error_statuses", "200", "t")


def test_an_override_carries_its_own_behaviors(tmp_path: Path) -> None:
    with MockServer(hello_api(tmp_path), seed=2) as mock, requests.Session() as s:
        mock.override("GET", "/hello", json={"o": 1}, rate_limit="2/h")
        statuses = [s.get(mock.url_for("/hello"), timeout=5).status_code for _ in range(3)]
        mock.route("GET", "/flaky", json={"ok": True}, error_rate=1, error_statuses=[502])
        flaky = s.get(mock.url_for("/flaky"), timeout=5)
        calls = mock.calls
    assert statuses == [200, 200, 429]
    assert flaky.status_code == 502
    assert "(override of GET /flaky)" in calls[-1].notes[-1]


def test_an_unknown_behavior_is_named_with_a_suggestion(tmp_path: Path) -> None:
    with MockServer(hello_api(tmp_path)) as mock:
        with pytest.raises(SettingsError, match=r"unknown behavior 'error_rat' \(did you mean"):
            mock.behaviors(error_rat=0.1)
        with pytest.raises(SettingsError, match="unknown response field"):
            mock.route("GET", "/x", fault_rat="reset")


def test_behaviors_in_pytest_are_per_test_logged_and_never_fail_strict(
    pytester: pytest.Pytester,
) -> None:
    hello_api(pytester.path)
    pytester.makeini(
        "[pytest]\npostman_mock_collection = api.postman_collection.json\n"
        "postman_mock_rate_limit = 3/min\n"
    )
    pytester.makepyfile(
        """
        import pytest, requests

        def three_then_429(mock):
            return [requests.get(mock.url_for("/hello")).status_code for _ in range(4)]

        def test_first(postman_mock):
            assert three_then_429(postman_mock) == [200, 200, 200, 429]

        def test_second_counts_again(postman_mock):
            assert three_then_429(postman_mock) == [200, 200, 200, 429]
            assert postman_mock.calls[-1].kind == "behavior"

        def test_behaviors_change_for_the_rest_of_the_test(postman_mock):
            assert requests.get(postman_mock.url_for("/hello")).status_code == 200
            postman_mock.behaviors(error_rate=1, error_statuses="503", rate_limit=None)
            assert [requests.get(postman_mock.url_for("/hello")).status_code
                    for _ in range(5)] == [503] * 5

        def test_the_next_test_is_back_to_the_settings(postman_mock):
            assert requests.get(postman_mock.url_for("/hello")).status_code == 200

        @pytest.mark.postman_mock(error_rate=1, delay="1-5")
        def test_marker(postman_mock):
            assert requests.get(postman_mock.url_for("/nowhere")).status_code >= 500
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=5)


ORDER_TESTS = """
import json, os, pathlib, requests

def test_{name}(postman_mock, request):
    with requests.Session() as s:
        seen = [s.get(postman_mock.url_for("/hello")).status_code for _ in range(30)]
    seen += [c.notes[-1] for c in postman_mock.calls if "delay" in c.notes[-1]][:5]
    out = pathlib.Path(os.environ["ORDER_OUT"])
    out.mkdir(exist_ok=True)
    (out / "{name}.json").write_text(json.dumps(seen))
"""


def test_the_same_seed_gives_the_same_sequence_forward_and_reverse(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    hello_api(pytester.path)
    pytester.makeini(
        "[pytest]\npostman_mock_collection = api.postman_collection.json\n"
        "postman_mock_error_rate = 0.4\npostman_mock_delay = 1-3\n"
    )
    for name in ("alpha", "beta", "gamma"):
        pytester.makepyfile(**{f"test_{name}": ORDER_TESTS.replace("{name}", name)})
    runs = []
    for order in (["alpha", "beta", "gamma"], ["gamma", "beta", "alpha"]):
        out = pytester.path / f"out-{order[0]}"
        monkeypatch.setenv("ORDER_OUT", str(out))
        files = [f"test_{name}.py" for name in order]
        pytester.runpytest("-p", "no:randomly", "--postman-mock-seed=42", *files).assert_outcomes(
            passed=3
        )
        runs.append({p.stem: json.loads(p.read_text()) for p in out.iterdir()})
    assert runs[0] == runs[1]
    assert runs[0]["alpha"] != runs[0]["beta"]  # each test has its own sequence
    assert {500, 502, 503, 504} & set(runs[0]["alpha"][:30])


def test_serve_takes_rate_limit_and_a_delay_range(tmp_path: Path) -> None:
    process = start_serve(
        str(hello_api(tmp_path)), "--rate-limit", "2/min", "--delay", "1-20", "--no-viewer"
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().rsplit(" at ", 1)[1].strip()
        with requests.Session() as s:
            statuses = [s.get(url + "/hello", timeout=5).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=10)
    assert out.count("Behavior") == 1  # serve's call log names the call a behavior answered
