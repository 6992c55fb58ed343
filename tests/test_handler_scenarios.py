"""Scenarios defined in a `--handlers` file: its `SCENARIOS` mapping and its
`@handler(..., scenario=...)` functions, through a real server and through `serve --watch`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from pytest_postman_mock import MockServer, SettingsError, handler
from pytest_postman_mock.serving.programmable import HandlerFile

from . import builders
from .conftest import start_serve
from .support_serve import Lines, write_module

TIMEOUT = 5.0
MODULE = """
from pytest_postman_mock import handler

SCENARIOS = {{
    "degraded": {{
        "behaviors": {{"rate_limit": "{limit}"}},
        "overrides": [
            {{"method": "GET", "path": "/status", "status": 503, "json": {{"v": "{v}"}}}},
        ],
    }},
}}

@handler("GET", "/orders", scenario="degraded")
def slow_orders(request):
    return {{"status": 200, "json": {{"orders": "degraded {v}"}}}}

@handler("GET", "/orders", scenario="empty")
def no_orders(request):
    return {{"json": {{"orders": []}}}}

@handler("GET", "/always")
def always(request):
    return {{"json": {{"always": True}}}}
"""


@pytest.fixture
def api(tmp_path: Path) -> Path:
    return builders.write(
        tmp_path / "api.json",
        builders.collection(
            builders.request(
                "Orders",
                "https://x.test/orders",
                builders.json_example("Orders", "https://x.test/orders", {"orders": [1, 2]}),
            ),
            builders.request(
                "Status",
                "https://x.test/status",
                builders.json_example("Up", "https://x.test/status", {"up": True}),
            ),
        ),
    )


@pytest.fixture
def loaded(api: Path, tmp_path: Path) -> Iterator[tuple[MockServer, HandlerFile]]:
    mocks = tmp_path / "mocks.py"
    write_module(mocks, MODULE.format(limit="100/min", v="1"))
    said: list[str] = []
    with MockServer(api) as server:
        yield server, HandlerFile(server, mocks, lambda line, err: said.append(line))


def test_a_handlers_file_defines_scenarios_with_their_handlers(
    loaded: tuple[MockServer, HandlerFile],
) -> None:
    server, handlers = loaded
    assert handlers.summary() == ("handler always for GET /always; scenarios degraded, empty")
    with requests.Session() as session:
        get = lambda path, **kw: session.get(server.url_for(path), timeout=TIMEOUT, **kw)  # noqa: E731
        assert get("/orders").json() == {"orders": [1, 2]}  # no scenario: the collection
        assert get("/always").json() == {"always": True}  # a plain handler is always on
        server.use_scenario("degraded")
        assert get("/orders").json() == {"orders": "degraded 1"}
        status = get("/status")
        assert (status.status_code, status.json()) == (503, {"v": "1"})
        assert status.headers["X-RateLimit-Limit"] == "100"  # the scenario's behaviors
        server.use_scenario(None)
        assert get("/orders", headers={"x-mock-scenario": "empty"}).json() == {"orders": []}
        assert get("/orders").json() == {"orders": [1, 2]}
    calls = server.calls
    assert [c.scenario for c in calls] == [None, None, "degraded", "degraded", "empty", None]
    assert any("no_orders for GET /orders" in note for note in calls[4].notes)


def test_a_reload_replaces_the_files_scenarios_and_restarts_the_one_in_force(
    loaded: tuple[MockServer, HandlerFile],
) -> None:
    server, handlers = loaded
    server.use_scenario("degraded")
    write_module(handlers.path, MODULE.format(limit="100/min", v="2").replace('"empty"', '"calm"'))
    assert handlers.reload()
    assert set(server.app.scenarios.scenarios) == {"degraded", "calm"}
    response = requests.get(server.url_for("/status"), timeout=TIMEOUT)
    assert response.json() == {"v": "2"}  # the new definition, already in force
    with pytest.raises(SettingsError, match=r"unknown scenario 'empty'.*known scenarios: calm"):
        server.use_scenario("empty")


def test_a_bad_scenario_in_a_handlers_file_names_the_file_and_keeps_the_old_ones(
    loaded: tuple[MockServer, HandlerFile],
) -> None:
    server, handlers = loaded
    said: list[str] = []
    handlers.say = lambda line, err: said.append(line)
    write_module(handlers.path, 'SCENARIOS = {"broken": {"behaviours": {}}}\n')
    assert not handlers.reload()
    assert said == [
        "handlers reload failed, still serving the previous ones: "
        f"handlers file {handlers.path}: SCENARIOS: scenario 'broken': "
        "expected a mapping with behaviors and/or overrides"
    ]
    assert set(server.app.scenarios.scenarios) == {"degraded", "empty"}


def test_scenario_handlers_outside_a_handlers_file_are_refused(api: Path) -> None:
    @handler("GET", "/orders", scenario="degraded")
    def orders(request: object) -> None:
        return None

    with MockServer(api) as server, pytest.raises(SettingsError, match="scenario= belongs"):
        server.use_handlers([orders])


def test_serve_scenario_picks_a_scenario_of_the_handlers_file_and_watch_reloads_it(
    api: Path, tmp_path: Path
) -> None:
    mocks = tmp_path / "mocks.py"
    write_module(mocks, MODULE.format(limit="100/min", v="1"))
    args = ("--handlers", str(mocks), "--watch", "--scenario", "degraded", "--no-viewer")
    process = start_serve(str(api), *args)
    try:
        out = Lines(process.stdout)
        url = out.wait_for("Serving ").rsplit(" ", 1)[1]
        assert out.wait_for("Handlers from ").endswith("; scenarios degraded, empty")
        with requests.Session() as session:
            assert session.get(url + "/orders", timeout=TIMEOUT).json() == {"orders": "degraded 1"}
            write_module(mocks, MODULE.format(limit="100/min", v="2"))
            out.wait_for("2 scenario(s)")
            assert session.get(url + "/orders", timeout=TIMEOUT).json() == {"orders": "degraded 2"}
    finally:
        process.terminate()
        process.communicate(timeout=10)
