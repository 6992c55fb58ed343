"""Server fixes from issue 15, over real HTTP: saved Date/Server headers win, override and
route bodies are templated, near-miss hints for requests without examples and base paths."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from pytest_postman_mock import MockServer

from . import builders


@pytest.fixture
def server(tmp_path: Path) -> Iterator[MockServer]:
    doc = builders.collection(
        builders.request(
            "Get user",
            "{{baseUrl}}/users/:id",
            builders.example(
                "Saved headers",
                "{{baseUrl}}/users/:id",
                body="user {{id}}",
                headers={"Date": "Tue, 01 Dec 2026 10:00:00 GMT", "Server": "nginx"},
            ),
        ),
        builders.request(
            "Health", "{{baseUrl}}/health", builders.example("OK", "{{baseUrl}}/health", body="ok")
        ),
        builders.request("Refresh Access Token", "{{baseUrl}}/oauth/token", method="POST"),
        variables={"baseUrl": "https://api.example.com/clickapi"},
    )
    with MockServer(builders.write(tmp_path / "api.json", doc), seed=3) as mock:
        yield mock


def test_the_examples_date_and_server_headers_win(server: MockServer) -> None:
    response = requests.get(server.url_for("/clickapi/users/7"), timeout=5)
    assert response.headers["Date"] == "Tue, 01 Dec 2026 10:00:00 GMT"
    assert response.headers["Server"] == "nginx"
    own = requests.get(server.url_for("/clickapi/health"), timeout=5)
    assert own.headers["Server"] == "postman-mock"
    assert own.headers["Date"].endswith(" GMT")


def test_override_and_route_bodies_are_templated(server: MockServer) -> None:
    server.override("GET", "/clickapi/users/:id", json={"id": "{{id}}", "n": "{{$randomInt}}"})
    server.route("GET", "/extra/:name", body="hello {{name}}", headers={"X-Name": "{{name}}"})
    server.override("Health", body="{{$randomUUID}}")
    user = requests.get(server.url_for("/clickapi/users/42"), timeout=5).json()
    assert user["id"] == "42" and user["n"].isdigit()
    extra = requests.get(server.url_for("/extra/ada"), timeout=5)
    assert (extra.text, extra.headers["X-Name"]) == ("hello ada", "ada")
    health = requests.get(server.url_for("/clickapi/health"), timeout=5).text
    assert len(health) == 36 and health.count("-") == 4


def test_a_request_without_examples_is_named(server: MockServer) -> None:
    response = requests.post(server.url_for("/clickapi/oauth/token"), timeout=5)
    assert response.status_code == 404
    first = server.calls.last.near_misses[0]  # type: ignore[union-attr]
    assert str(first) == (
        "request 'Refresh Access Token': request 'Refresh Access Token' "
        "(POST /clickapi/oauth/token) has no saved examples: save one in Postman to mock it"
    )


def test_a_missing_base_path_is_pointed_out(server: MockServer) -> None:
    requests.get(server.url_for("/users/7"), timeout=5)
    reasons = [m.reason for m in server.calls.last.near_misses]  # type: ignore[union-attr]
    assert reasons[0] == (
        "the collection's paths start with /clickapi (carried by its base URL variable); "
        "this call's path /users/7 lacks it"
    )
