"""The call log: every field of `Call`, filters, search, bounds and thread safety, over HTTP."""

from __future__ import annotations

import dataclasses
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests

from pytest_postman_mock import Call, CallLog, Kind, MockServer, NearMiss

from . import builders


def test_a_matched_call_carries_every_field(users_server: MockServer) -> None:
    before = datetime.now(timezone.utc)
    response = requests.post(
        users_server.url_for("/users?source=signup&tag=a&tag=b"),
        json={"name": "Bob", "tags": ["x"]},
        headers={"X-Tenant": "acme", "x-mock-response-delay": "30"},
        timeout=5,
    )
    after = datetime.now(timezone.utc)
    call = users_server.calls.last

    assert isinstance(call, Call)
    assert (call.method, call.path) == ("POST", "/users")
    assert call.query == (("source", "signup"), ("tag", "a"), ("tag", "b"))
    assert call.full_path == "/users?source=signup&tag=a&tag=b"
    assert ("X-Tenant", "acme") in call.headers
    assert call.header("x-tenant") == "acme"
    assert call.header("X-Missing") is None
    assert call.body == b'{"name": "Bob", "tags": ["x"]}'
    assert call.text == '{"name": "Bob", "tags": ["x"]}'
    assert call.json() == {"name": "Bob", "tags": ["x"]}
    assert call.status == response.status_code == 201
    assert ("Content-Type", "application/json") in call.response_headers
    assert call.response_body == response.content == b'{"id": 2}'
    assert call.response_text == '{"id": 2}'
    assert (call.example, call.request_name, call.matched) == ("Created", "Create user", True)
    assert call.kind == Kind.MATCHED
    assert isinstance(call.score, float) and call.score > 0
    assert call.time.tzinfo == timezone.utc
    assert before <= call.time <= after
    assert call.duration_ms >= 30  # the 30 ms delay it asked for (a lower bound only)
    assert call.near_misses == ()
    assert call.summary() == 'POST /users?source=signup&tag=a&tag=b -> 201 "Created"'


def test_a_recorded_call_is_a_frozen_call_like_one_built_by_hand(users_server: MockServer) -> None:
    requests.get(users_server.url_for("/users/1?a=1"), headers={"X-Tenant": "acme"}, timeout=5)
    call = users_server.calls.last
    assert call is not None
    by_hand = Call(**{f.name: getattr(call, f.name) for f in dataclasses.fields(Call)})
    assert call == by_hand and hash(call) == hash(by_hand) and repr(call) == repr(by_hand)
    assert dataclasses.replace(call, status=500).status == 500
    with pytest.raises(dataclasses.FrozenInstanceError):
        call.status = 500  # type: ignore[misc]
    with pytest.raises(TypeError, match="colour"):
        Call(**{**vars(call), "colour": "red"})
    with pytest.raises(TypeError, match="path"):
        Call(method="GET")  # type: ignore[call-arg]


def test_an_unmatched_call_keeps_its_near_misses(users_server: MockServer) -> None:
    response = requests.get(users_server.url_for("/accounts"), timeout=5)
    call = users_server.calls.last
    assert call is not None
    assert response.status_code == call.status == 404
    assert (call.example, call.matched, call.kind, call.score) == (None, False, "unmatched", None)
    assert call.response_body == response.content
    assert call.near_misses, "an unmatched call explains which examples came close"
    closest = call.near_misses[0]
    assert isinstance(closest, NearMiss)
    assert closest.example in ("Users / List users / All users", "Users / List users / Admins")
    assert closest.stage == "path"
    assert "accounts" in closest.reason
    assert str(closest) == f"{closest.example}: {closest.reason}"
    assert call.summary() == "GET /accounts -> 404 No matching requests"


def test_every_kind_reads_from_one_label_table(users_server: MockServer) -> None:
    assert all(kind.label and str(kind) == kind.value for kind in Kind)
    users_server.route("GET", "/ping", status=204)
    requests.get(users_server.url_for("/ping"), timeout=5)
    call = users_server.calls.last
    assert call is not None and call.kind is Kind.OVERRIDE
    assert call.summary() == "GET /ping -> 204 Override"


def test_a_call_that_is_not_json_says_so(users_server: MockServer) -> None:
    requests.post(users_server.url_for("/users"), data=b"name=Bob", timeout=5)
    call = users_server.calls.last
    assert call is not None and call.text == "name=Bob"
    with pytest.raises(ValueError):
        call.json()


@pytest.fixture
def several_calls(users_server: MockServer) -> CallLog:
    """Six calls of every outcome, oldest first."""
    session = requests.Session()
    session.get(users_server.url_for("/users"), timeout=5)
    session.get(users_server.url_for("/users/7"), timeout=5)
    session.get(users_server.url_for("/users/8"), headers={"x-mock-response-code": "404"})
    session.post(users_server.url_for("/users"), json={"name": "Grace Hopper"}, timeout=5)
    session.delete(users_server.url_for("/users/7"), timeout=5)
    session.get(users_server.url_for("/users/7/posts"), timeout=5)
    return users_server.calls


def test_filters_by_method_path_example_status_matched_and_kind(several_calls: CallLog) -> None:
    def rows(log: CallLog) -> list[str]:
        return [f"{c.method} {c.path}" for c in log]

    assert rows(several_calls.filter("get")) == [
        "GET /users",
        "GET /users/7",
        "GET /users/8",
        "GET /users/7/posts",
    ]
    assert rows(several_calls.filter(path="/users")) == ["GET /users", "POST /users"]
    assert rows(several_calls.filter(path="/users/:id")) == [
        "GET /users/7",
        "GET /users/8",
        "DELETE /users/7",
    ]
    assert rows(several_calls.filter("GET", "/users/{{userId}}")) == [
        "GET /users/7",
        "GET /users/8",
    ]
    assert rows(several_calls.filter(path="/users/*")) == [
        "GET /users/7",
        "GET /users/8",
        "DELETE /users/7",
    ]
    assert rows(several_calls.filter(path="/users/**")) == [
        "GET /users/7",
        "GET /users/8",
        "DELETE /users/7",
        "GET /users/7/posts",
    ]
    assert rows(several_calls.filter(path="/users/*/posts")) == ["GET /users/7/posts"]
    assert rows(several_calls.filter(path="/users/?")) == [
        "GET /users/7",
        "GET /users/8",
        "DELETE /users/7",
    ]
    assert rows(several_calls.filter(example="User not found")) == ["GET /users/8"]
    assert rows(several_calls.filter(status=404)) == [
        "GET /users/8",
        "DELETE /users/7",
        "GET /users/7/posts",
    ]
    assert rows(several_calls.filter(matched=False)) == ["DELETE /users/7", "GET /users/7/posts"]
    assert rows(several_calls.filter(kind=Kind.UNMATCHED)) == [
        "DELETE /users/7",
        "GET /users/7/posts",
    ]
    assert rows(several_calls.filter("GET", "/users/:id", status=200)) == ["GET /users/7"]
    assert rows(several_calls.filter(where=lambda c: bool(c.body))) == ["POST /users"]
    assert isinstance(several_calls.filter("GET"), CallLog)


def test_last_unmatched_slices_and_counts(several_calls: CallLog) -> None:
    assert len(several_calls) == several_calls.call_count == 6
    assert several_calls.last is several_calls[-1]
    assert several_calls.last.path == "/users/7/posts"
    assert [c.path for c in several_calls.unmatched] == ["/users/7", "/users/7/posts"]
    assert isinstance(several_calls[1:3], CallLog)
    assert [c.path for c in several_calls[1:3]] == ["/users/7", "/users/8"]
    assert CallLog([]).last is None
    assert CallLog([]) == [] and several_calls[:2] == [several_calls[0], several_calls[1]]
    assert several_calls.filter("PUT") == ()
    assert several_calls != "GET /users"
    assert "GET /users -> 200" in repr(several_calls)


def test_unmatched_leaves_out_calls_an_override_answered(users_server: MockServer) -> None:
    users_server.route("GET", "/health", body="ok")
    requests.get(users_server.url_for("/health"), timeout=5)
    requests.get(users_server.url_for("/nowhere"), timeout=5)
    assert [c.kind for c in users_server.calls] == [Kind.OVERRIDE, Kind.UNMATCHED]
    assert [c.path for c in users_server.calls.unmatched] == ["/nowhere"]


def test_search_looks_in_method_path_query_and_both_bodies(several_calls: CallLog) -> None:
    def paths(text: str) -> list[str]:
        return [f"{c.method} {c.full_path}" for c in several_calls.search(text)]

    assert paths("grace hopper") == ["POST /users"]  # request body, any case
    assert paths("no such user") == ["GET /users/8"]  # response body
    assert paths("delete") == ["DELETE /users/7"]  # method
    assert paths("/posts") == ["GET /users/7/posts"]  # path
    assert paths("mockRequestNotFoundError") == ["DELETE /users/7", "GET /users/7/posts"]
    assert paths("nothing like this") == []


def test_search_finds_the_query(users_server: MockServer) -> None:
    requests.get(users_server.url_for("/users?role=admin"), timeout=5)
    requests.get(users_server.url_for("/users"), timeout=5)
    assert [c.full_path for c in users_server.calls.search("role=admin")] == ["/users?role=admin"]


def test_the_log_is_bounded_and_counts_what_it_dropped(users_api: Path) -> None:
    with MockServer(users_api, max_calls=3) as server:
        for number in range(1, 9):
            requests.get(server.url_for(f"/users/{number}"), timeout=5)
        assert [c.path for c in server.calls] == ["/users/6", "/users/7", "/users/8"]
        assert server.journal.dropped == 5
        assert server.journal.total == 8
        assert [c.seq for c in server.calls] == [6, 7, 8]


def test_max_calls_below_one_is_refused(users_api: Path) -> None:
    with pytest.raises(ValueError, match="max_calls"):
        MockServer(users_api, max_calls=0)


def test_concurrent_calls_are_each_logged_once_with_their_own_response(
    users_server: MockServer,
) -> None:
    threads, per_thread = 8, 50
    failures: list[str] = []

    def client(worker: int) -> None:
        with requests.Session() as session:
            for number in range(per_thread):
                user = f"{worker * 1000 + number}"
                got = session.get(users_server.url_for(f"/users/{user}"), timeout=5)
                if got.json()["id"] != user:
                    failures.append(f"/users/{user} got {got.text}")

    workers = [threading.Thread(target=client, args=(w,)) for w in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=20)
    assert not any(w.is_alive() for w in workers), "clients hung"
    assert failures == []

    calls = users_server.calls
    assert len(calls) == threads * per_thread
    paths = [c.path for c in calls]
    expected = {f"/users/{w * 1000 + n}" for w in range(threads) for n in range(per_thread)}
    assert len(set(paths)) == len(paths) and set(paths) == expected
    for call in calls:  # each call is paired with the response its own request got
        assert call.response_text == '{"id": "' + call.path.rsplit("/", 1)[1] + '", "name": "Ada"}'
    assert [c.seq for c in calls] == sorted(c.seq for c in calls)
    assert users_server.journal.total == threads * per_thread


def test_a_call_is_in_the_log_before_its_client_has_the_response(
    users_server: MockServer,
) -> None:
    with requests.Session() as session:
        for number in range(200):
            session.get(users_server.url_for(f"/users/{number}"), timeout=5)
            last = users_server.calls.last
            assert last is not None and last.path == f"/users/{number}", number
    assert len(users_server.calls) == 200


def test_a_failing_listener_does_not_cost_the_client_its_response(
    users_server: MockServer,
) -> None:
    def broken(call: Call) -> None:
        raise RuntimeError("listener bug")

    users_server.journal.listeners.append(broken)
    response = requests.get(users_server.url_for("/users/1"), timeout=5)
    assert response.status_code == 200
    call = users_server.calls.last
    assert call is not None
    assert call.notes == ("a call-log listener failed: RuntimeError: listener bug",)


def test_a_test_sees_its_own_calls_and_the_server_sees_all(pytester: pytest.Pytester) -> None:
    builders.write_api(pytester.path)
    pytester.makeini("[pytest]\npostman_mock_collection = api.postman_collection.json\n")
    pytester.makepyfile(
        test_logs="""
        import requests

        def test_first(postman_mock):
            port = postman_mock.server.port
            assert postman_mock.url == f"http://127.0.0.1:{port}"
            assert postman_mock.url_for("/users/1") == f"http://127.0.0.1:{port}/users/1"
            requests.get(postman_mock.url_for("/users/1"))
            requests.get(postman_mock.url_for("/health"))
            assert [c.path for c in postman_mock.calls] == ["/users/1", "/health"]
            assert postman_mock.last_call.path == "/health"

        def test_second(postman_mock):
            requests.get(postman_mock.url_for("/users/2"))
            assert [c.path for c in postman_mock.calls] == ["/users/2"]
            assert [c.path for c in postman_mock.server.calls] == [
                "/users/1", "/health", "/users/2"]
            assert {c.test_id for c in postman_mock.server.calls} == {
                "test_logs.py::test_first", "test_logs.py::test_second"}
    """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_max_calls_from_ini_bounds_the_session_log(pytester: pytest.Pytester) -> None:
    builders.write_api(pytester.path)
    pytester.makeini(
        "[pytest]\npostman_mock_collection = api.postman_collection.json\n"
        "postman_mock_max_calls = 2\n"
    )
    pytester.makepyfile(
        test_bounded="""
        import requests

        def test_many(postman_mock):
            for number in range(5):
                requests.get(postman_mock.url_for(f"/users/{number}"))
            assert [c.path for c in postman_mock.calls] == ["/users/3", "/users/4"]
            assert postman_mock.server.journal.dropped == 3
    """
    )
    pytester.runpytest().assert_outcomes(passed=1)
