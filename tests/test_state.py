"""`state` and `resource` through real HTTP: per-test state, a stateful resource over a
corpus collection's list example, and concurrent handlers that lose no update."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import requests

from pytest_postman_mock import HandlerRequest, MockServer, SettingsError

from .conftest import CORPUS

TODO = CORPUS / "collections" / "kevinswiber__postman2openapi__todo.postman.json"
THREADS, CALLS = 16, 200


@pytest.fixture
def todo_server() -> Any:
    if not TODO.exists():
        pytest.skip(f"corpus not found at {CORPUS}")
    with MockServer(TODO) as server:
        yield server


def test_the_resource_serves_a_full_crud_cycle_seeded_from_the_list_example(
    todo_server: MockServer,
) -> None:
    todos = todo_server.resource("/todos", key="id")
    seed = [{"id": 1, "title": "create a new app", "completed": False}]
    assert todos.items == seed
    base = todo_server.url_for("/todos")
    assert requests.get(base, timeout=5).json() == seed

    created = requests.post(base, json={"title": "write tests", "completed": False}, timeout=5)
    assert created.status_code == 201
    assert created.json() == {"title": "write tests", "completed": False, "id": 2}
    assert requests.get(base + "/2", timeout=5).json()["title"] == "write tests"

    replaced = requests.put(base + "/2", json={"title": "ship it"}, timeout=5)
    assert replaced.json() == {"title": "ship it", "id": 2}
    merged = requests.patch(base + "/2", json={"completed": True}, timeout=5)
    assert merged.json() == {"title": "ship it", "id": 2, "completed": True}
    assert [t["id"] for t in requests.get(base, timeout=5).json()] == [1, 2]

    deleted = requests.delete(base + "/2", timeout=5)
    assert (deleted.status_code, deleted.content) == (204, b"")
    missing = requests.get(base + "/2", timeout=5)
    assert missing.status_code == 404
    assert missing.json() == {"error": "Todo not found"}  # the collection's own error shape
    assert requests.delete(base + "/2", timeout=5).status_code == 404
    assert todos.items == seed

    changes = [n for c in todo_server.calls for n in c.notes if n.startswith("resource /todos:")]
    assert changes == [
        "resource /todos: created id 2",
        "resource /todos: replaced id 2",
        "resource /todos: updated id 2",
        "resource /todos: deleted id 2",
        "resource /todos: no id 2",
        "resource /todos: no id 2",
    ]
    assert todo_server.state["resource /todos"] == {"1": seed[0]}


def test_the_resource_refuses_bad_bodies_and_duplicate_keys(todo_server: MockServer) -> None:
    todo_server.resource("/todos")
    base = todo_server.url_for("/todos")
    bad = requests.post(base, data="title=x", timeout=5)
    assert (bad.status_code, bad.json()) == (400, {"error": "POST /todos takes a JSON object"})
    taken = requests.post(base, json={"id": 1, "title": "again"}, timeout=5)
    assert taken.status_code == 409
    # a method the resource does not serve falls through to the collection
    assert requests.head(base + "/1", timeout=5).status_code == 200


def test_a_path_without_a_list_example_is_refused(todo_server: MockServer) -> None:
    with pytest.raises(SettingsError, match="no GET /orders example whose body is a JSON list"):
        todo_server.resource("/orders")
    with pytest.raises(SettingsError, match="give a plain path"):
        todo_server.resource("/todos/:id")
    with pytest.raises(SettingsError, match="key= names a field"):
        todo_server.resource("/todos", key="")


def test_concurrent_calls_to_a_stateful_handler_lose_no_update(todo_server: MockServer) -> None:
    state = todo_server.state

    @todo_server.handler("POST", "/counter")
    def count(request: HandlerRequest) -> dict[str, Any]:
        value = request.state.change("count", lambda n: n + 1, 0)  # one locked step
        with request.state.lock:  # several steps made one
            seen = request.state.setdefault("seen", [])
            seen.append(value)
        return {"json": {"count": value}}

    answers: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def client() -> None:
        try:
            start.wait(timeout=30)
            with requests.Session() as session:
                mine = [
                    session.post(todo_server.url_for("/counter"), timeout=30).json()["count"]
                    for _ in range(CALLS)
                ]
            with lock:
                answers.extend(mine)
        except BaseException as problem:  # reported below, not lost in a thread
            errors.append(problem)

    threads = [threading.Thread(target=client) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    total = THREADS * CALLS
    assert state["count"] == total
    assert sorted(answers) == list(range(1, total + 1))
    assert sorted(state["seen"]) == list(range(1, total + 1))
    assert len(todo_server.calls.filter("POST", "/counter")) == total
