"""Handlers through real HTTP: every kind of answer, the request they get, saved examples
from code, `fits`, and what happens when a handler fails."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from pytest_postman_mock import HandlerRequest, MockResponse, MockServer, SettingsError, handler
from pytest_postman_mock.calls.log import Kind


def url(server: MockServer, path: str) -> str:
    return server.url_for(path)


def test_a_handler_dict_answers_with_status_json_and_headers(users_server: MockServer) -> None:
    orders: list[dict[str, object]] = []

    @users_server.handler("POST", "/orders")
    def create(request: HandlerRequest) -> dict[str, object]:
        order = {"id": len(orders) + 1, **request.json()}
        orders.append(order)
        return {"status": 201, "json": order, "headers": {"Location": f"/orders/{order['id']}"}}

    response = requests.post(url(users_server, "/orders"), json={"sku": "A1"}, timeout=5)
    assert response.status_code == 201
    assert response.json() == {"id": 1, "sku": "A1"}
    assert response.headers["Location"] == "/orders/1"
    assert orders == [{"id": 1, "sku": "A1"}]
    call = users_server.calls.last
    assert call is not None
    assert (call.kind, call.status) == (Kind.OVERRIDE, 201)
    assert call.notes == (
        "handler test_a_handler_dict_answers_with_status_json_and_headers."
        "<locals>.create for POST /orders",
    )


def test_a_handler_sees_params_query_headers_body_and_form(users_server: MockServer) -> None:
    seen: dict[str, object] = {}

    def look(request: HandlerRequest) -> MockResponse:
        seen.update(
            method=request.method,
            path=request.path,
            params=request.params,
            tags=request.query.getlist("tag"),
            tenant=request.headers["x-TENANT"],
            form=request.form().getlist("a"),
            text=request.text,
        )
        return MockResponse(status=202, body="seen", headers={"Content-Type": "text/plain"})

    users_server.route("POST", "/users/:userId", handler=look)
    response = requests.post(
        url(users_server, "/users/7?tag=a&tag=b"),
        data={"a": ["1", "2"]},
        headers={"X-Tenant": "acme"},
        timeout=5,
    )
    assert (response.status_code, response.text) == (202, "seen")
    assert seen == {
        "method": "POST",
        "path": "/users/7",
        "params": {"userId": "7"},
        "tags": ["a", "b"],
        "tenant": "acme",
        "form": ["1", "2"],
        "text": "a=1&a=2",
    }


def test_a_handler_for_a_request_name_gets_the_collections_path_params(
    users_server: MockServer,
) -> None:
    users_server.override("Get user", handler=lambda request: {"json": request.params})
    assert requests.get(url(users_server, "/users/9"), timeout=5).json() == {"userId": "9"}


def test_none_falls_through_to_an_older_override_then_the_collection(
    users_server: MockServer,
) -> None:
    users_server.override("GET", "/users/:id", status=418)
    passes: list[str] = []

    @users_server.handler("GET", "/users/:id")
    def only_seven(request: HandlerRequest) -> dict[str, object] | None:
        passes.append(request.params["id"])
        return {"status": 200, "json": {"seven": True}} if request.params["id"] == "7" else None

    assert requests.get(url(users_server, "/users/7"), timeout=5).json() == {"seven": True}
    assert requests.get(url(users_server, "/users/8"), timeout=5).status_code == 418
    assert passes == ["7", "8"]
    last = users_server.calls.last
    assert last is not None
    assert any("returned None: fell through" in note for note in last.notes)

    with MockServer(users_server.collection) as alone:
        asked: list[str] = []
        alone.override("GET", "/users/:id", handler=lambda r: asked.append(r.path), times=1)
        response = requests.get(url(alone, "/users/3"), timeout=5)
        assert response.json() == {"id": "3", "name": "Ada"}
        assert alone.calls.last is not None and alone.calls.last.example == "User found"
        # a fall-through does not use up times=1: the handler still sees the next call
        requests.get(url(alone, "/users/4"), timeout=5)
        assert asked == ["/users/3", "/users/4"]


def test_the_handler_gets_the_example_the_collection_chose_and_returns_it_changed(
    users_server: MockServer,
) -> None:
    def tweak(request: HandlerRequest) -> MockResponse | None:
        chosen = request.example
        assert chosen is not None and chosen.name == "User found"
        data = chosen.json_body()
        return chosen.with_json({**data, "name": "Grace"}).with_headers(ETag='"v2"')

    users_server.override("GET", "/users/:id", handler=tweak)
    response = requests.get(url(users_server, "/users/5"), timeout=5)
    assert response.json() == {"id": "5", "name": "Grace"}
    assert response.headers["ETag"] == '"v2"'
    call = users_server.calls.last
    assert call is not None and call.example == "User found"
    assert call.request_name == "Get user"

    users_server.route("GET", "/nowhere", handler=lambda r: {"json": r.example is None})
    assert requests.get(url(users_server, "/nowhere"), timeout=5).json() is True


def test_an_example_from_code_is_rendered_for_the_call_and_can_be_changed(
    users_server: MockServer,
) -> None:
    @users_server.handler("GET", "/users/:id")
    def missing_for_zero(request: HandlerRequest) -> MockResponse:
        if request.params["id"] == "0":
            return users_server.example("Get user", "User not found").with_status(410)
        return users_server.example("Users / Get user / User found")

    gone = requests.get(url(users_server, "/users/0"), timeout=5)
    assert (gone.status_code, gone.json()) == (410, {"error": "no such user"})
    found = requests.get(url(users_server, "/users/12"), timeout=5)
    assert found.json() == {"id": "12", "name": "Ada"}  # {{userId}} of this call
    with pytest.raises(SettingsError, match="no example 'Get user / User gone'"):
        users_server.example("Get user", "User gone")


def test_an_example_taken_before_the_call_is_rendered_for_the_call(
    users_server: MockServer,
) -> None:
    found = users_server.example("Get user", "User found")
    assert found.json_body() == {"id": "{{userId}}", "name": "Ada"}  # read outside a call
    users_server.override("GET", "/users/:id", handler=lambda request: found.with_status(203))
    response = requests.get(url(users_server, "/users/31"), timeout=5)
    assert (response.status_code, response.json()) == (203, {"id": "31", "name": "Ada"})


def test_a_dict_can_name_an_example_like_an_override(users_server: MockServer) -> None:
    users_server.override(
        "GET", "/users/:id", handler=lambda r: {"example": "User not found", "status": 404}
    )
    response = requests.get(url(users_server, "/users/1"), timeout=5)
    assert (response.status_code, response.json()) == (404, {"error": "no such user"})


def test_fits_says_whether_a_call_fits_a_saved_request(users_server: MockServer) -> None:
    def answer(request: HandlerRequest) -> dict[str, object]:
        return {
            "json": {
                "get_user": request.fits("Get user"),
                "list": request.fits("List users"),
                "route": request.fits("GET /users/:id"),
            }
        }

    users_server.route("GET", "/*", handler=answer)
    assert requests.get(url(users_server, "/users/4"), timeout=5).json() == {
        "get_user": True,
        "list": False,
        "route": True,
    }
    assert requests.get(url(users_server, "/orders"), timeout=5).json() == {
        "get_user": False,
        "list": False,
        "route": False,
    }

    users_server.route("GET", "/typo", handler=lambda request: {"json": request.fits("Get usr")})
    assert requests.get(url(users_server, "/typo"), timeout=5).status_code == 500
    call = users_server.calls.last
    assert call is not None and call.error is not None
    assert "no request named 'Get usr' (did you mean 'Get user'?)" in call.error


def test_a_raising_handler_answers_500_records_its_traceback_and_the_server_keeps_serving(
    users_server: MockServer,
) -> None:
    def broken(request: HandlerRequest) -> None:
        raise KeyError("sku")

    users_server.route("POST", "/orders", handler=broken)
    response = requests.post(url(users_server, "/orders"), json={}, timeout=5)
    assert response.status_code == 500
    assert response.json()["error"]["name"] == "mockServerError"
    call = users_server.calls.last
    assert call is not None and call.kind == Kind.ERROR
    assert call.error is not None
    assert call.error.startswith("Traceback (most recent call last):")
    assert ', in broken\n    raise KeyError("sku")' in call.error
    assert call.error.rstrip().endswith("KeyError: 'sku'")
    assert "rules.py" not in call.error  # the handler's frames, not the mock's
    assert "handler" in call.notes[0] and "raised KeyError" in call.notes[0]
    assert requests.get(url(users_server, "/users/1"), timeout=5).status_code == 200


def test_a_handler_returning_something_else_is_a_500_that_says_what_to_return(
    users_server: MockServer,
) -> None:
    users_server.route("GET", "/odd", handler=lambda request: "hello")
    users_server.route("GET", "/typo", handler=lambda request: {"stauts": 201})
    assert requests.get(url(users_server, "/odd"), timeout=5).status_code == 500
    odd = users_server.calls.last
    assert odd is not None and odd.error is not None
    assert "returned str 'hello': return a dict of" in odd.error
    assert requests.get(url(users_server, "/typo"), timeout=5).status_code == 500
    typo = users_server.calls.last
    assert typo is not None and "unknown response field(s) ['stauts']" in (typo.error or "")


def test_handler_mistakes_in_the_test_are_refused_at_once(users_server: MockServer) -> None:
    with pytest.raises(SettingsError, match="a handler gives the answer; drop \\['status'\\]"):
        users_server.override("GET", "/users/:id", handler=lambda r: None, status=200)
    with pytest.raises(SettingsError, match="handler= takes a function"):
        users_server.override("GET", "/users/:id", handler="nope")  # type: ignore[arg-type]
    with pytest.raises(SettingsError, match="no GET example has a path like '/orders'"):
        users_server.override("GET", "/orders", handler=lambda r: None)


def test_the_top_level_decorator_registers_through_use_handlers(users_server: MockServer) -> None:
    @handler("GET", "/ping")
    @handler("GET", "/pong")
    def both(request: HandlerRequest) -> dict[str, object]:
        return {"body": request.path[1:]}

    rules = users_server.use_handlers([both])
    assert len(rules) == 2
    assert requests.get(url(users_server, "/ping"), timeout=5).text == "ping"
    assert requests.get(url(users_server, "/pong"), timeout=5).text == "pong"
    for rule in rules:
        rule.remove()
    assert requests.get(url(users_server, "/ping"), timeout=5).status_code == 404


def test_a_handlers_file_with_a_bad_registration_names_the_file(
    users_server: MockServer, tmp_path: Path
) -> None:
    mocks = tmp_path / "mocks.py"
    mocks.write_text(
        "from pytest_postman_mock import handler\n\n"
        "@handler('G ET', '/x')\n"
        "def x(request):\n"
        "    return None\n",
        encoding="utf-8",
    )
    with pytest.raises(SettingsError, match=f"handlers file {mocks}: override: 'G ET' is not"):
        users_server.use_handlers(mocks)
