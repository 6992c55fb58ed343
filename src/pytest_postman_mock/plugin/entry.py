"""The pytest plugin: options, the `postman_mock` marker and fixture, strict mode, reports.

Glue only: settings are merged in config.py, the server lives in server.py,
the per-test view in handle.py. One server runs per distinct collection,
environment and server settings, started the first time a test needs it and
stopped when the session ends; between tests only the per-test state changes.
"""

from __future__ import annotations

import json
import os
import random
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..calls.describe import strict_message
from ..calls.kinds import Kind
from ..calls.scenarios import from_mapping
from ..engine.dynamic import derive_seed
from ..errors import PostmanMockError, SettingsError
from ..parsers import SEED_LIMIT
from ..serving.server import MockServer
from . import hookspecs
from .config import OPTIONS, marker_doc, validate_global
from .fixture import PostmanMock
from .session import MockSession, calls_section, merge, summary_lines, write_report

SESSION = pytest.StashKey[MockSession]()
WORKER_SEED = "postman_mock_seed"
WORKER_RECORDS = "postman_mock_records"
HANDLE = pytest.StashKey[PostmanMock]()


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("postman-mock", "Postman collection mock server")
    for option in OPTIONS:
        default = f" (default: {option.default})" if option.default else ""
        parser.addini(option.ini, option.help + default)
        group.addoption(
            option.flag,
            dest=option.ini,
            default=None,
            metavar=option.metavar or option.name.upper(),
            help=option.help + default,
        )
    group.addoption(
        "--postman-mock-report",
        dest="postman_mock_report",
        metavar="FILE",
        help="write every mock call and the API coverage of each collection to this file: "
        "the call-log viewer page when FILE ends in .html, JSON otherwise",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", marker_doc())
    session = MockSession(config, 0, on_start=lambda server: _connect_hooks(config, server))
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
    worker_seed = getattr(config, "workerinput", {}).get(WORKER_SEED)
    if worker_seed is not None:
        session.seed = int(worker_seed)
    elif seed_text is not None:
        session.seed = int(seed_text)
    else:
        session.seed = random.randrange(SEED_LIMIT)
    config.stash[SESSION] = session


def _connect_hooks(config: pytest.Config, server: MockServer) -> None:
    """Let conftest and plugin hooks see this server's responses and unmatched calls."""
    hook = config.hook
    for defined in hook.pytest_postman_mock_scenarios():
        server.app.scenarios.add(from_mapping(defined, "pytest_postman_mock_scenarios"))
    if hook.pytest_postman_mock_response.get_hookimpls():
        server.on_response(
            lambda request, example, response: hook.pytest_postman_mock_response(
                request=request, example=example, response=response
            )
        )
    if hook.pytest_postman_mock_unmatched.get_hookimpls():
        server.on_call(
            lambda call: (
                hook.pytest_postman_mock_unmatched(call=call)
                if call.kind == Kind.UNMATCHED
                else None
            )
        )


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist controller: every worker uses the session's seed."""
    node.workerinput[WORKER_SEED] = node.config.stash[SESSION].seed


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """pytest-xdist controller: keep what a finished worker's servers saw."""
    records = getattr(node, "workeroutput", {}).get(WORKER_RECORDS)
    if records:
        node.config.stash[SESSION].worker_records.append(json.loads(records))


def _records(config: pytest.Config) -> list[dict[str, Any]]:
    mock_session = config.stash[SESSION]
    with_calls = bool(config.getoption("postman_mock_report"))
    return merge([mock_session.data(with_calls), *mock_session.worker_records])


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    mock_session = config.stash.get(SESSION, None)
    if mock_session is None:
        return
    if _is_worker(config):
        with_calls = bool(config.getoption("postman_mock_report"))
        config.workeroutput[WORKER_RECORDS] = json.dumps(mock_session.data(with_calls))  # type: ignore[attr-defined]
        return
    target = config.getoption("postman_mock_report")
    if target:
        write_report(Path(target), mock_session.seed, _records(config))
        mock_session.report_path = Path(target).resolve()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    mock_session = config.stash.get(SESSION, None)
    if mock_session is None:
        return
    records = _records(config)
    mode = mock_session.summary_mode()
    lines = summary_lines(records, config.getoption("verbose") > 0, mode) if records else []
    if mock_session.report_path is not None:
        lines.append(f"report written to {mock_session.report_path}")
    if not lines:
        return
    terminalreporter.section("postman mock")
    for line in lines:
        terminalreporter.write_line(line)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failing test's report carries a "postman mock calls" section listing its calls."""
    report = yield
    handle = item.stash.get(HANDLE, None)
    if handle is not None and report.failed and call.when == "call":
        report.sections.append(("postman mock calls", calls_section(list(handle.calls))))
    return report


def pytest_unconfigure(config: pytest.Config) -> None:
    session = config.stash.get(SESSION, None)
    if session is not None:
        session.close()


def pytest_report_header(config: pytest.Config) -> str:
    seed = config.stash[SESSION].seed
    return f"postman-mock: seed {seed} (repeat with --postman-mock-seed={seed})"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Check every marker and load every collection before any test runs, so a typo or a
    broken file stops the run once, with one message; warn once about markers on tests
    that do not use the fixture."""
    session = config.stash[SESSION]
    configured = any(layer.values.get("collection") for layer in session.global_layers)
    unused = []
    for item in items:
        marked = item.get_closest_marker("postman_mock") is not None
        uses = "postman_mock" in getattr(item, "fixturenames", ())
        if marked and not uses:
            unused.append(item.nodeid)
        if not (marked or (uses and configured)):
            continue
        try:
            setup = session.setup_for(item)
            if uses:
                session.load(setup.server)
        except SettingsError as problem:  # names its origin already
            raise pytest.UsageError(str(problem)) from None
        except PostmanMockError as problem:
            raise pytest.UsageError(f"postman_mock: {problem}") from None
    if unused:
        more = f" and {len(unused) - 1} more" if len(unused) > 1 else ""
        warnings.warn(
            pytest.PytestWarning(
                f"@pytest.mark.postman_mock on {unused[0]}{more}, which do(es) not use the "
                "postman_mock fixture: the marker does nothing there; add the postman_mock "
                'argument or @pytest.mark.usefixtures("postman_mock")'
            ),
            stacklevel=1,
        )


@pytest.fixture
def postman_mock(request: pytest.FixtureRequest) -> Iterator[PostmanMock]:
    """A Postman mock server for this test: `.url`, `.calls`, assertions and overrides."""
    session = request.config.stash[SESSION]
    item = request.node
    try:
        setup = session.setup_for(item)
        server = session.enter(setup.server)
    except PostmanMockError as problem:
        pytest.fail(f"postman_mock: {problem}", pytrace=False)
    if setup.test_seed is not None:  # the marker's seed is the test's, as MockServer(seed=)
        seed = derive_seed(setup.test_seed, "")
    else:
        seed = derive_seed(setup.seed if setup.seed is not None else session.seed, item.nodeid)
    server.begin_test(item.nodeid, seed, setup.outage)
    try:
        server.app.use_scenario(setup.scenario)
    except SettingsError as problem:
        server.end_test()
        session.leave(server)
        pytest.fail(f"postman_mock: {problem}", pytrace=False)
    handle = PostmanMock(server, item.nodeid, setup.strict, setup.allow_fuzzy)
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
        server.end_test()
        session.leave(server)


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
