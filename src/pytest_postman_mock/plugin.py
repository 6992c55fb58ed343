"""The pytest plugin: options, the `postman_mock` marker and fixture, strict mode, reports.

Glue only: settings are merged in config.py, the server lives in server.py,
the per-test view in handle.py. One server runs per distinct collection,
environment and server settings, started the first time a test needs it and
stopped when the session ends; between tests only the per-test state changes.
"""

from __future__ import annotations

import os
import random
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from .app import derive_seed
from .config import (
    OPTIONS,
    Layer,
    ServerKey,
    TestSetup,
    combine,
    marker_values,
    validate_global,
)
from .errors import PostmanMockError, SettingsError
from .handle import PostmanMock
from .reporting import strict_message
from .server import MockServer

MARKER_DOC = (
    "postman_mock(collection=None, *, environment=None, delay=None, match_body=None, "
    "match_headers=None, api_key=None, strict=None, cors=None, seed=None, variables=None, "
    "outage=None): serve a Postman collection's examples to this test through the "
    "postman_mock fixture."
)


class MockSession:
    """The session's mock servers, one per `ServerKey`, and the session seed."""

    def __init__(self, config: pytest.Config, seed: int) -> None:
        self.config = config
        self.seed = seed
        self.servers: dict[ServerKey, MockServer] = {}
        self.failures: dict[ServerKey, str] = {}
        inipath = config.inipath
        by_name = {o.name: o for o in OPTIONS}
        self.global_layers = [
            Layer(
                str(inipath) if inipath else "ini",
                {o.name: config.getini(o.ini) for o in OPTIONS},
                [inipath.parent if inipath else config.rootpath],
                lambda name: by_name[name].ini,
            ),
            Layer(
                "command line",
                {o.name: config.getoption(f"postman_mock_{o.name}") for o in OPTIONS},
                [config.invocation_params.dir],
                lambda name: by_name[name].flag,
            ),
        ]

    def setup_for(self, item: pytest.Item) -> TestSetup:
        layers = list(self.global_layers)
        for mark in reversed(list(item.iter_markers("postman_mock"))):
            origin = f"@pytest.mark.postman_mock on {item.nodeid}"
            values = marker_values(mark.args, mark.kwargs, origin)
            layers.append(Layer(origin, values, [Path(item.path).parent, self.config.rootpath]))
        return combine(layers)

    def server_for(self, key: ServerKey) -> MockServer:
        if key in self.failures:
            raise PostmanMockError(self.failures[key])
        server = self.servers.get(key)
        if server is None:
            try:
                server = MockServer(key.collection, key.environment, key.settings).start()
            except PostmanMockError as problem:
                self.failures[key] = str(problem)
                raise
            for warning in server.collection.warnings:
                warnings.warn(
                    pytest.PytestWarning(f"{key.collection.name}: {warning}"), stacklevel=2
                )
            self.servers[key] = server
        return server

    def close(self) -> None:
        for server in self.servers.values():
            server.stop()
        self.servers.clear()


SESSION = pytest.StashKey[MockSession]()
HANDLE = pytest.StashKey[PostmanMock]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("postman-mock", "Postman collection mock server")
    for option in OPTIONS:
        default = f" (default: {option.default})" if option.default else ""
        parser.addini(option.ini, option.help + default)
        group.addoption(
            option.flag,
            dest=f"postman_mock_{option.name}",
            default=None,
            metavar=option.name.upper(),
            help=option.help + default,
        )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_DOC)
    session = MockSession(config, 0)
    for layer in session.global_layers:
        try:
            validate_global(layer)
        except SettingsError as problem:
            raise pytest.UsageError(str(problem)) from None
    seed_text = next(
        (
            str(layer.values["seed"])
            for layer in reversed(session.global_layers)
            if layer.values.get("seed") not in (None, "")
        ),
        None,
    )
    session.seed = int(seed_text) if seed_text is not None else random.randrange(2**32)
    config.stash[SESSION] = session


def pytest_unconfigure(config: pytest.Config) -> None:
    session = config.stash.get(SESSION, None)
    if session is not None:
        session.close()


def pytest_report_header(config: pytest.Config) -> str:
    seed = config.stash[SESSION].seed
    return f"postman-mock: seed {seed} (repeat with --postman-mock-seed={seed})"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Check every marker before any test runs, so a typo stops the run with its name."""
    session = config.stash[SESSION]
    for item in items:
        if item.get_closest_marker("postman_mock") is None:
            continue
        try:
            session.setup_for(item)
        except SettingsError as problem:
            raise pytest.UsageError(str(problem)) from None


@pytest.fixture
def postman_mock(request: pytest.FixtureRequest) -> Iterator[PostmanMock]:
    """A Postman mock server for this test: `.url`, `.calls`, assertions and overrides."""
    session = request.config.stash[SESSION]
    item = request.node
    try:
        setup = session.setup_for(item)
        server = session.server_for(setup.server)
    except PostmanMockError as problem:
        pytest.fail(f"postman_mock: {problem}", pytrace=False)
    seed = setup.seed if setup.seed is not None else session.seed
    server.app.begin_test(item.nodeid, derive_seed(seed, item.nodeid))
    handle = PostmanMock(server, item.nodeid, setup.strict)
    item.stash[HANDLE] = handle
    previous: str | None = None
    if setup.url_env:
        previous = os.environ.get(setup.url_env)
        os.environ[setup.url_env] = server.url
    try:
        yield handle
    finally:
        if setup.url_env:
            if previous is None:
                os.environ.pop(setup.url_env, None)
            else:
                os.environ[setup.url_env] = previous
        server.app.begin_test(None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Strict mode: a test that passed but made unmatched calls fails, saying which."""
    result = yield
    handle = item.stash.get(HANDLE, None)
    if handle is not None and handle.strict:
        failures = handle.strict_failures()
        if failures:
            pytest.fail(strict_message(failures), pytrace=False)
    return result
