"""Ambiguous request and example names are refused with the candidates; qualified
names (`"Folder / Get user"`, `"Get user / OK"`) are accepted (issue 15)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from pytest_postman_mock import MockServer, SettingsError

from . import builders


@pytest.fixture
def twins(tmp_path: Path) -> Iterator[MockServer]:
    doc = builders.collection(
        builders.folder(
            "Admin",
            builders.request(
                "Get user",
                "/admin/users/:id",
                builders.example("OK", "/admin/users/:id", body="admin", id="a"),
            ),
        ),
        builders.folder(
            "Public",
            builders.request(
                "Get user",
                "/users/:id",
                builders.example("OK", "/users/:id", body="public", id="b"),
                builders.example("Missing", "/users/:id", code=404, id="c"),
            ),
        ),
    )
    with MockServer(builders.write(tmp_path / "api.json", doc)) as server:
        yield server


def test_an_ambiguous_request_name_is_refused_with_the_candidates(twins: MockServer) -> None:
    with pytest.raises(SettingsError) as refused:
        twins.override("Get user", status=500)
    assert str(refused.value) == (
        "override: request 'Get user' is ambiguous: it names 'Admin / Get user', "
        "'Public / Get user'; give one of these (a qualified name like \"Folder / Request\" "
        'or "Request / Example")'
    )


def test_a_qualified_request_name_overrides_only_that_request(twins: MockServer) -> None:
    twins.override("Public / Get user", status=500)
    assert requests.get(twins.url_for("/users/1"), timeout=5).status_code == 500
    assert requests.get(twins.url_for("/admin/users/1"), timeout=5).text == "admin"


def test_an_ambiguous_example_name_is_refused_and_a_qualified_one_served(
    twins: MockServer,
) -> None:
    with pytest.raises(
        SettingsError,
        match="example 'OK' is ambiguous: it names "
        "'Admin / Get user / OK', 'Public / Get user / OK'",
    ):
        twins.override("GET", "/users/:id", example="OK")
    twins.override("GET", "/users/:id", example="Admin / Get user / OK")
    assert requests.get(twins.url_for("/users/1"), timeout=5).text == "admin"


def test_assert_all_called_takes_qualified_names_and_refuses_ambiguous_ones(
    twins: MockServer,
) -> None:
    requests.get(twins.url_for("/users/1"), timeout=5)
    twins.assert_all_called("Public / Get user", "Public / Get user / OK")
    with pytest.raises(AssertionError, match="never served: 'Admin / Get user'"):
        twins.assert_all_called("Admin / Get user")
    with pytest.raises(SettingsError, match="request 'Get user' is ambiguous"):
        twins.assert_all_called("Get user")
    with pytest.raises(SettingsError, match="example 'OK' is ambiguous"):
        twins.assert_all_called("OK")


def test_x_mock_response_name_still_follows_postman(twins: MockServer) -> None:
    # two examples named "OK": Postman sorts by id and serves the first 200 ("a")
    response = requests.get(
        twins.url_for("/users/1"), headers={"x-mock-response-name": "OK"}, timeout=5
    )
    assert response.text == "admin"
