"""Hooks for extending the mock, in pytest's own hook machinery (pluggy).

Implement them in a conftest.py or a plugin with `@pytest.hookimpl` (or a plain
function of the same name); `postman-mock serve` loads implementations from
modules registered under the `postman_mock` entry-point group. Both run in the
server's request thread, before the response leaves: keep them quick, and
guard shared state with a lock if tests read it while calls are in flight.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from ..calls.log import Call
    from ..engine.plans import Rendered
    from ..engine.request import Incoming

hookspec = pluggy.HookspecMarker("pytest")


@hookspec(firstresult=True)
def pytest_postman_mock_response(
    request: Incoming, example: str | None, response: Rendered
) -> Rendered | None:
    """Adjust a response before it is sent; return a new one, or None to keep it.

    `request` is the incoming call (method, path, query, headers, body),
    `example` the name of the example chosen (None when nothing matched), and
    `response` the response about to be sent (`dataclasses.replace` it to change
    status, headers or body). The first implementation that returns one wins.
    """


@hookspec
def pytest_postman_mock_scenarios() -> Mapping[str, Any] | None:
    """Scenarios defined in Python, in the shape of a scenarios YAML file:
    `{"degraded": {"behaviors": {...}, "overrides": [{...}]}}`. Every implementation's
    scenarios are added to those of `postman_mock_scenarios` (later names win)."""


@hookspec
def pytest_postman_mock_unmatched(call: Call) -> None:
    """Called once for each call that no example matched, once it is in the call log.

    Overridden calls, outages, CORS preflights and rejected calls are not unmatched.
    An exception here is logged and noted on the call (`Call.notes`); the client still
    gets its 404.
    """
