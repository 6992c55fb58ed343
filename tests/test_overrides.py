"""Overrides and ad-hoc routes, through real HTTP: every form, their limits, and refusals."""

from __future__ import annotations

import time

import pytest
import requests

from pytest_postman_mock import Kind, MockServer, SettingsError

from . import builders


def get(server: MockServer, path: str, **kwargs: object) -> requests.Response:
    return requests.get(server.url_for(path), timeout=5, **kwargs)  # type: ignore[arg-type]


def test_override_by_method_and_template_with_status_json_and_headers(
    users_server: MockServer,
) -> None:
    users_server.override(
        "GET", "/users/:id", status=503, json={"error": "down"}, headers={"Retry-After": "30"}
    )
    response = get(users_server, "/users/7")
    assert response.status_code == 503
    assert response.json() == {"error": "down"}
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert get(users_server, "/users").json() == [{"id": 1, "name": "Ada"}]  # other paths: as saved

    call = users_server.calls.filter(path="/users/7")[0]
    assert (call.kind, call.status, call.example, call.matched) == (Kind.OVERRIDE, 503, None, False)
    assert call.notes == ("override of GET /users/:id",)
    assert call.response_body == b'{"error":"down"}'


def test_override_with_a_raw_body_and_an_exact_path(users_server: MockServer) -> None:
    users_server.override(
        "get", "/users/7", status=200, body="<user/>", headers={"Content-Type": "text/xml"}
    )
    response = get(users_server, "/users/7")
    assert (response.status_code, response.text) == (200, "<user/>")
    assert response.headers["Content-Type"] == "text/xml"
    assert get(users_server, "/users/8").json() == {"id": "8", "name": "Ada"}


def test_override_by_glob(users_server: MockServer) -> None:
    users_server.override("GET", "/users/*", status=418)
    assert get(users_server, "/users/1").status_code == 418
    assert get(users_server, "/users").status_code == 200


def test_override_by_request_name(users_server: MockServer) -> None:
    users_server.override("Get user", status=500, json={"error": "boom"})
    assert get(users_server, "/users/42").status_code == 500
    assert get(users_server, "/users").status_code == 200  # "List users" is not "Get user"
    assert users_server.calls[0].notes == ("override of request 'Users / Get user'",)


def test_override_serves_another_saved_example(users_server: MockServer) -> None:
    users_server.override("GET", "/users/:id", example="User not found")
    response = get(users_server, "/users/3")
    assert (response.status_code, response.json()) == (404, {"error": "no such user"})
    call = users_server.calls.last
    assert call is not None
    assert (call.kind, call.example, call.request_name) == (
        Kind.OVERRIDE,
        "User not found",
        "Get user",
    )


def test_override_example_renders_the_calls_captures(users_server: MockServer) -> None:
    users_server.override("Get user", example="User found")
    assert get(users_server, "/users/99").json() == {"id": "99", "name": "Ada"}


def test_override_delay_holds_the_response(users_server: MockServer) -> None:
    users_server.override("GET", "/users/:id", json={"slow": True}, delay=150)
    started = time.monotonic()
    response = get(users_server, "/users/1")
    assert time.monotonic() - started >= 0.15
    assert response.json() == {"slow": True}
    call = users_server.calls.last
    assert call is not None and call.duration_ms >= 150


def test_times_limits_an_override_then_the_collection_answers(users_server: MockServer) -> None:
    rule = users_server.override("GET", "/users/:id", status=503, times=2)
    assert [get(users_server, "/users/1").status_code for _ in range(4)] == [503, 503, 200, 200]
    assert rule.used == 2 and rule.exhausted


def test_a_sequence_answers_each_call_with_the_next_response_once(
    users_server: MockServer,
) -> None:
    users_server.override(
        "GET",
        "/users/:id",
        responses=[{"status": 503}, {"status": 502, "body": "bad gateway"}, {"json": {"ok": 1}}],
    )
    got = [get(users_server, "/users/5") for _ in range(4)]
    assert [r.status_code for r in got] == [503, 502, 200, 200]
    assert got[1].text == "bad gateway"
    assert got[2].json() == {"ok": 1}
    assert got[3].json() == {"id": "5", "name": "Ada"}  # used up: the collection again


def test_a_sequence_with_times_repeats_its_last_response(users_server: MockServer) -> None:
    users_server.override(
        "GET", "/users/:id", responses=[{"status": 503}, {"status": 200, "json": []}], times=4
    )
    codes = [get(users_server, "/users/5").status_code for _ in range(5)]
    assert codes == [503, 200, 200, 200, 200]
    assert [c.kind for c in users_server.calls] == [Kind.OVERRIDE] * 4 + [Kind.MATCHED]


def test_a_sequence_may_mix_saved_examples_and_delays(users_server: MockServer) -> None:
    users_server.override(
        "Get user",
        responses=[{"example": "User not found", "delay": 50}, {"example": "User found"}],
    )
    assert get(users_server, "/users/1").status_code == 404
    assert get(users_server, "/users/1").status_code == 200
    assert [c.example for c in users_server.calls] == ["User not found", "User found"]
    assert users_server.calls[0].duration_ms >= 50


def test_context_manager_form_ends_the_override(users_server: MockServer) -> None:
    with users_server.override("GET", "/users/:id", status=500) as rule:
        assert get(users_server, "/users/1").status_code == 500
        assert rule.used == 1
    assert get(users_server, "/users/1").status_code == 200
    assert len(users_server.app.overrides) == 0


def test_remove_ends_an_override(users_server: MockServer) -> None:
    rule = users_server.override("GET", "/users/:id", status=500)
    rule.remove()
    rule.remove()  # twice is harmless
    assert get(users_server, "/users/1").status_code == 200


def test_the_newest_override_wins(users_server: MockServer) -> None:
    users_server.override("GET", "/users/:id", status=501)
    users_server.override("GET", "/users/7", status=502)
    assert get(users_server, "/users/7").status_code == 502
    assert get(users_server, "/users/8").status_code == 501


def test_a_newer_request_name_override_wins_over_an_older_path_one(
    users_server: MockServer,
) -> None:
    users_server.override("GET", "/users/:id", status=501)
    users_server.override("Get user", status=503)
    assert get(users_server, "/users/7").status_code == 503


def test_a_newer_path_override_wins_over_an_older_request_name_one(
    users_server: MockServer,
) -> None:
    users_server.override("Get user", status=503)
    users_server.override("GET", "/users/:id", status=501)
    assert get(users_server, "/users/7").status_code == 501


def test_an_older_route_still_answers_beside_a_newer_request_name_override(
    users_server: MockServer,
) -> None:
    users_server.route("GET", "/health", body="ok")
    users_server.override("List users", status=500)
    assert get(users_server, "/health").text == "ok"
    assert get(users_server, "/users").status_code == 500


def test_an_exhausted_newer_override_lets_the_older_one_answer(users_server: MockServer) -> None:
    users_server.override("GET", "/users/:id", status=501)
    users_server.override("GET", "/users/:id", status=502, times=1)
    codes = [get(users_server, "/users/7").status_code for _ in range(3)]
    assert codes == [502, 501, 501]


def test_route_answers_a_path_the_collection_does_not_have(users_server: MockServer) -> None:
    users_server.route("POST", "/webhooks/:name", status=202, json={"queued": True})
    response = requests.post(users_server.url_for("/webhooks/stripe"), json={}, timeout=5)
    assert (response.status_code, response.json()) == (202, {"queued": True})
    assert requests.get(users_server.url_for("/webhooks/stripe"), timeout=5).status_code == 404
    users_server.assert_called_once("POST", "/webhooks/:name")
    assert [c.kind for c in users_server.calls] == [Kind.OVERRIDE, Kind.UNMATCHED]


def test_route_takes_times_and_sequences_too(users_server: MockServer) -> None:
    users_server.route(
        "GET", "/jobs/1", responses=[{"json": {"state": "running"}}, {"json": {"state": "done"}}]
    )
    states = [get(users_server, "/jobs/1") for _ in range(3)]
    assert [r.json().get("state") for r in states[:2]] == ["running", "done"]
    assert states[2].status_code == 404


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (
            ("GET", "/userz/:id"),
            {"status": 500},
            "override: no GET example has a path like '/userz/:id' (did you mean "
            "'/users/:userId'?); use route() for a path the collection does not have",
        ),
        (
            ("DELETE", "/users/:id"),
            {"status": 500},
            "override: no DELETE example has a path like '/users/:id' (did you mean "
            "'/users/:userId'?); use route() for a path the collection does not have",
        ),
        (
            ("Get usr",),
            {"status": 500},
            "override: the collection has no request named 'Get usr' (did you mean 'Get user'?)",
        ),
        (
            ("GET",),
            {"status": 500},
            "override: 'GET' needs a path, as in override('GET', '/users', ...), or name a "
            "request, as in override('List users', ...)",
        ),
        (
            ("Get user", "/users/:id"),
            {"status": 500},
            "override: 'Get user' is not an HTTP method; to override the request 'Get user', "
            "give no path",
        ),
        (
            ("GET", "/users/:id"),
            {"example": "User not fund"},
            "override: no example is named 'User not fund' (did you mean 'User not found'?)",
        ),
        (
            ("GET", "/users/:id"),
            {"stauts": 500},
            "override: unknown response field(s) ['stauts']; use body, delay, error_rate, "
            "error_statuses, example, fault, fault_rate, headers, json, rate_limit, status",
        ),
        (
            ("GET", "/users/:id"),
            {"example": "User found", "status": 500},
            "override: example= serves a saved example as it is; drop ['status']",
        ),
        (
            ("GET", "/users/:id"),
            {"json": {}, "body": "x"},
            "give json= or body=, not both",
        ),
        (
            ("GET", "/users/:id"),
            {"status": 99},
            "status must be an HTTP status code from 100 to 599, got 99",
        ),
        (
            ("GET", "/users/:id"),
            {"times": 0},
            "override: times must be a whole number of calls >= 1, got 0",
        ),
        (
            ("GET", "/users/:id"),
            {"responses": [], "times": 1},
            "override: responses=[...] needs at least one response",
        ),
        (
            ("GET", "/users/:id"),
            {"responses": [{"status": 500}], "status": 500},
            "override: give responses=[...] or one response, not both",
        ),
    ],
)
def test_a_selector_or_response_that_makes_no_sense_is_refused_at_once(
    users_server: MockServer, args: tuple[str, ...], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(SettingsError) as raised:
        users_server.override(*args, **kwargs)  # type: ignore[arg-type]
    assert str(raised.value) == message
    assert len(users_server.app.overrides) == 0


def test_route_refuses_a_method_that_is_not_one(users_server: MockServer) -> None:
    with pytest.raises(SettingsError) as raised:
        users_server.route("Get user", "/anything", status=200)
    assert str(raised.value) == "override: 'Get user' is not an HTTP method"


def test_a_bad_delay_is_refused(users_server: MockServer) -> None:
    with pytest.raises(SettingsError, match="delay"):
        users_server.override("GET", "/users/:id", delay="soon")


def test_overrides_end_with_the_test(pytester: pytest.Pytester) -> None:
    builders.write_api(pytester.path)
    pytester.makeini("[pytest]\npostman_mock_collection = api.postman_collection.json\n")
    pytester.makepyfile(
        test_rollback="""
        import pytest
        import requests

        def test_overrides(postman_mock):
            postman_mock.override("GET", "/users/:id", status=503)
            postman_mock.override("Health", body="overridden")
            postman_mock.route("GET", "/extra", body="ad hoc")
            assert requests.get(postman_mock.url_for("/users/1")).status_code == 503
            assert requests.get(postman_mock.url_for("/health")).text == "overridden"
            assert requests.get(postman_mock.url_for("/extra")).text == "ad hoc"

        def test_fails_with_overrides(postman_mock):
            postman_mock.override("GET", "/users/:id", status=500)
            assert False, "a failing test rolls back too"

        @pytest.mark.postman_mock(strict=False)  # it calls /extra, unmatched now
        def test_afterwards(postman_mock):
            assert requests.get(postman_mock.url_for("/users/1")).json() == {"id": "1"}
            assert requests.get(postman_mock.url_for("/health")).text == "ok"
            assert requests.get(postman_mock.url_for("/extra")).status_code == 404
            assert len(postman_mock.server.app.overrides) == 0
            postman_mock.assert_called("GET", "/extra", times=1)
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["E       AssertionError: a failing test rolls back too"])


def test_a_refused_override_fails_the_test_at_its_line(pytester: pytest.Pytester) -> None:
    builders.write_api(pytester.path)
    pytester.makeini("[pytest]\npostman_mock_collection = api.postman_collection.json\n")
    pytester.makepyfile(
        test_refused="""
        def test_typo(postman_mock):
            postman_mock.override("Get usr", status=500)
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            '>       postman_mock.override("Get usr", status=500)',
            "E       pytest_postman_mock.errors.SettingsError: override: the collection has no "
            "request named 'Get usr' (did you mean 'Get user'?)",
        ]
    )
    assert "overrides.py" not in result.stdout.str()


def test_an_older_path_override_answers_when_a_newer_name_override_cannot(
    users_server: MockServer,
) -> None:
    users_server.route("GET", "/users/:id", status=299)
    users_server.override("Get user", status=503)
    # The header names no example, so the matcher chooses none and "Get user" cannot apply.
    response = get(users_server, "/users/7", headers={"x-mock-response-name": "No such example"})
    assert response.status_code == 299


def test_a_call_answered_by_a_request_name_override_names_its_request(
    users_server: MockServer,
) -> None:
    users_server.override("Get user", status=503)
    get(users_server, "/users/7")
    call = users_server.calls.last
    assert call is not None and call.request_name == "Get user"
    users_server.assert_all_called("Get user")
