"""Variables in examples (SPEC §3), served by a real MockServer over HTTP: scopes and their
precedence, disabled entries, variables referring to variables, wildcard captures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from pytest_postman_mock import MockServer
from pytest_postman_mock.engine.variables import scope_for, substitute, unresolved
from pytest_postman_mock.errors import SettingsError

from . import builders

pytest_plugins = ["pytester"]

B = "{{baseUrl}}"


def text_example(path: str, body: str, **kwargs: Any) -> dict[str, Any]:
    return builders.example(path, B + path, body=body, **kwargs)


def leaf(path: str, body: str, **kwargs: Any) -> dict[str, Any]:
    """A request whose single example answers `path` with `body`."""
    extra = {"variable": kwargs.pop("variable")} if "variable" in kwargs else {}
    return builders.request(path, B + path, text_example(path, body, **kwargs), **extra)


def var(key: str, value: str, **flags: Any) -> dict[str, Any]:
    return {"key": key, "value": value, **flags}


def scopes_collection() -> dict[str, Any]:
    doc = builders.collection(
        leaf("/scopes/top", "{{level}}"),
        builders.folder(
            "Outer",
            leaf("/scopes/outer", "{{level}}|{{outerOnly}}"),
            builders.folder(
                "Inner",
                leaf("/scopes/inner", "{{level}}|{{outerOnly}}|{{shadow}}"),
                leaf(
                    "/scopes/item",
                    "{{level}}|{{shadow}}",
                    variable=[var("level", "item"), var("shadow", "item-off", disabled=True)],
                ),
                variable=[var("level", "inner"), var("shadow", "inner")],
            ),
            variable=[var("level", "outer"), var("outerOnly", "outer")],
        ),
        leaf("/env", "{{envWins}}|{{envOff}}|{{markerWins}}|{{off}}"),
        leaf("/chain", "{{greeting}}"),
        builders.request(
            "Chained path",
            "{{apiRoot}}/ping",
            builders.example("Chained path", "{{apiRoot}}/ping", body="pong {{version}}"),
        ),
        leaf(
            "/decorated",
            "body {{level}}",
            headers={"X-Level": "{{level}}", "X-Chain": "{{greeting}}"},
            status="{{statusText}}",
        ),
        variables={
            "baseUrl": "https://api.example.com",
            "level": "collection",
            "envWins": "collection",
            "envOff": "collection",
            "markerWins": "collection",
            "who": "{{name}}",
            "name": "Ada",
            "greeting": "Hello {{who}}",
            "apiRoot": "{{baseUrl}}/{{version}}",
            "version": "v2",
            "statusText": "All {{level}}",
        },
    )
    doc["variable"].append(var("off", "disabled-value", disabled=True))
    return doc


def scopes_environment() -> dict[str, Any]:
    env = builders.environment({"envWins": "env", "markerWins": "env"})
    env["values"].append({"key": "envOff", "value": "env-off", "enabled": False})
    return env


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    collection = builders.write(tmp_path / "scopes.postman_collection.json", scopes_collection())
    environment = builders.write(tmp_path / "dev.postman_environment.json", scopes_environment())
    return collection, environment


@pytest.fixture
def server(files: tuple[Path, Path]) -> Iterator[MockServer]:
    with MockServer(*files) as mock:
        yield mock


def get(server: MockServer, path: str) -> requests.Response:
    return requests.get(server.url + path, timeout=5)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/scopes/top", "collection"),
        ("/scopes/outer", "outer|outer"),
        ("/scopes/inner", "inner|outer|inner"),  # inner folder over outer, outer still seen
        ("/scopes/item", "item|inner"),  # item over folders; its disabled `shadow` ignored
    ],
)
def test_innermost_scope_wins(server: MockServer, path: str, expected: str) -> None:
    assert get(server, path).text == expected


def test_environment_over_collection_and_disabled_entries_ignored(server: MockServer) -> None:
    assert get(server, "/env").text == "env|collection|env|{{off}}"


def test_mock_variables_are_above_everything(files: tuple[Path, Path]) -> None:
    with MockServer(*files, variables={"markerWins": "marker", "level": "marker"}) as mock:
        assert get(mock, "/env").text == "env|collection|marker|{{off}}"
        assert get(mock, "/scopes/item").text == "marker|inner"


def test_variables_refer_to_variables(server: MockServer) -> None:
    assert get(server, "/chain").text == "Hello Ada"


def test_variables_in_the_request_url_refer_to_variables(server: MockServer) -> None:
    response = get(server, "/v2/ping")
    assert (response.status_code, response.text) == (200, "pong v2")
    assert get(server, "/v3/ping").status_code == 404


def test_status_text_and_header_values_are_rendered(server: MockServer) -> None:
    response = get(server, "/decorated")
    assert response.reason == "All collection"
    assert response.headers["X-Level"] == "collection"
    assert response.headers["X-Chain"] == "Hello Ada"
    assert response.text == "body collection"


def test_globals_are_not_a_scope(files: tuple[Path, Path]) -> None:
    """Postman's mocks ignore globals; there is no way to give them to ours either."""
    with pytest.raises(SettingsError, match="globals"):
        MockServer(*files, globals={"level": "global"})


# ----------------------------------------------------------------------------- captures


def captures_collection() -> dict[str, Any]:
    return builders.collection(
        leaf("/users/{{userId}}", '{"id": {{userId}}, "name": "Carol"}'),
        leaf("/items/:itemId", '{"id": "{{itemId}}"}'),
        leaf("/accounts/{{accountId}}", "account {{accountId}}"),
        leaf("/files/v{{ver}}/:name.json", "{{ver}}:{{name}}"),
        leaf("/search?term={{term}}", "term={{term}}"),
        leaf("/orgs/{{orgId}}/teams/{{teamId}}", "{{orgId}}/{{teamId}}/{{label}}"),
        variables={
            "baseUrl": "https://api.example.com",
            "itemId": "collection-item",
            "label": "team {{teamId}}",
        },
    )


@pytest.fixture
def capturing(tmp_path: Path) -> Iterator[MockServer]:
    collection = builders.write(tmp_path / "c.json", captures_collection())
    environment = builders.write(tmp_path / "e.json", builders.environment({"accountId": "main"}))
    with MockServer(collection, environment) as mock:
        yield mock


def test_unresolved_path_variable_is_a_wildcard_captured_for_the_response(
    capturing: MockServer,
) -> None:
    response = get(capturing, "/users/42")
    assert response.json() == {"id": 42, "name": "Carol"}


def test_colon_path_variable_is_captured_and_beats_a_variable(capturing: MockServer) -> None:
    assert get(capturing, "/items/9").json() == {"id": "9"}


def test_resolved_path_variable_is_literal(capturing: MockServer) -> None:
    assert get(capturing, "/accounts/main").text == "account main"
    assert get(capturing, "/accounts/other").status_code == 404


def test_captures_inside_a_segment(capturing: MockServer) -> None:
    assert get(capturing, "/files/v3/report.json").text == "3:report"


def test_query_wildcard_is_captured(capturing: MockServer) -> None:
    assert get(capturing, "/search?term=red%20shoes").text == "term=red shoes"


def test_a_variable_may_refer_to_a_capture(capturing: MockServer) -> None:
    assert get(capturing, "/orgs/acme/teams/ops").text == "acme/ops/team ops"


def test_captured_values_are_percent_decoded_and_not_rendered(capturing: MockServer) -> None:
    assert get(capturing, "/items/%7B%7BitemId%7D%7D%20x").json() == {"id": "{{itemId}} x"}


# ----------------------------------------------------------------------------- pure functions


def test_substitute_repeats_and_leaves_unknown_names() -> None:
    values = {"a": "{{b}}", "b": "{{c}}", "c": "done"}
    assert substitute("{{a}} {{zz}}", values) == "done {{zz}}"
    assert unresolved("/x/{{id}}/{{ver}}") == ["id", "ver"]


def test_substitute_stops_after_19_passes_on_a_loop() -> None:
    assert substitute("{{a}}", {"a": "x{{a}}"}) == "x" * 19 + "{{a}}"


def test_scope_for_orders_every_layer(files: tuple[Path, Path]) -> None:
    from pytest_postman_mock.collection import load_collection, load_environment

    collection = load_collection(files[0])
    environment = load_environment(files[1])
    item = next(e for e in collection.examples() if e.name == "/scopes/item")
    scope = scope_for(collection, item, environment, {"level": "override"})
    assert scope["level"] == "override"
    assert scope["shadow"] == "inner"
    assert scope["outerOnly"] == "outer"
    assert scope["envWins"] == "env"
    assert scope["envOff"] == "collection"
    assert "off" not in scope


# ----------------------------------------------------------------------------- the marker


def test_marker_variables_override_the_environment(pytester: pytest.Pytester) -> None:
    builders.write(pytester.path / "api.json", scopes_collection())
    builders.write(pytester.path / "env.json", scopes_environment())
    pytester.makepyfile(
        test_marker="""
        import pytest, urllib.request

        @pytest.mark.postman_mock("api.json", environment="env.json",
                                  variables={"envWins": "marker", "name": "Bo"})
        def test_marked(postman_mock):
            read = lambda p: urllib.request.urlopen(postman_mock.url + p).read().decode()
            assert read("/env") == "marker|collection|env|{{off}}"
            assert read("/chain") == "Hello Bo"

        @pytest.mark.postman_mock("api.json", environment="env.json")
        def test_unmarked(postman_mock):
            read = lambda p: urllib.request.urlopen(postman_mock.url + p).read().decode()
            assert read("/env") == "env|collection|env|{{off}}"
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_spaces_inside_the_braces_do_not_matter(tmp_path: Path) -> None:
    doc = builders.collection(
        builders.request(
            "Get",
            "{{ base }}/users/{{ id }}",
            builders.example(
                "Found", "{{ base }}/users/{{ id }}", body="{{id}} {{ id }} {{ greeting }}"
            ),
        ),
        variables={"greeting": "hi"},
    )
    with MockServer(builders.write(tmp_path / "spaces.json", doc)) as server:
        assert requests.get(server.url_for("/users/7"), timeout=5).text == "7 7 hi"


def test_a_long_chain_of_variables_resolves_in_the_response_as_in_the_url(
    tmp_path: Path,
) -> None:
    chain = {f"v{n}": "{{" + f"v{n + 1}" + "}}" for n in range(12)}
    chain["v12"] = "end"
    doc = builders.collection(
        builders.request(
            "Chain",
            "https://x.test/x/{{v0}}",
            builders.example("Chain", "https://x.test/x/{{v0}}", body="{{v0}}"),
        ),
        variables=chain,
    )
    with MockServer(builders.write(tmp_path / "chain.json", doc)) as server:
        assert requests.get(server.url_for("/x/end"), timeout=5).text == "end"
