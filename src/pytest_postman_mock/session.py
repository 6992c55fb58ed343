"""The mock servers of one pytest session, and what the session says about them at the end.

One server per distinct collection, environment and server settings, started
the first time a test asks for it and stopped when the session ends. The end
of session summary and the JSON report are computed here from every server's
call log and served-example counts.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any, Callable

import pytest

from .config import OPTIONS, Layer, ServerKey, TestSetup, combine, marker_values
from .coverage import coverage, never_served
from .errors import PostmanMockError
from .export import collection_record
from .journal import Call, Kind
from .server import MockServer

ServerHook = Callable[[MockServer], None]


class MockSession:
    """The session's mock servers, one per `ServerKey`, and the session seed."""

    def __init__(self, config: pytest.Config, seed: int, on_start: ServerHook | None = None):
        self.config = config
        self.seed = seed
        self.on_start = on_start
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
        """The merged settings for one test (its markers over the command line over ini)."""
        layers = list(self.global_layers)
        for mark in reversed(list(item.iter_markers("postman_mock"))):
            origin = f"@pytest.mark.postman_mock on {item.nodeid}"
            values = marker_values(mark.args, mark.kwargs, origin)
            layers.append(Layer(origin, values, [Path(item.path).parent, self.config.rootpath]))
        return combine(layers)

    def server_for(self, key: ServerKey) -> MockServer:
        """The running server for `key`, started on first use (a failure is remembered)."""
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
            if self.on_start is not None:
                self.on_start(server)
            self.servers[key] = server
        return server

    def close(self) -> None:
        for server in self.servers.values():
            server.stop()

    def summary_lines(self, verbose: bool) -> list[str]:
        """Per server: calls, unmatched, and the examples never served (listed with -v)."""
        lines: list[str] = []
        for key, server in self.servers.items():
            total = server.journal.total
            unmatched = sum(1 for c in server.calls if c.kind == Kind.UNMATCHED)
            rows = coverage(server.engine.index.examples, server.app.served)
            missing = never_served(rows)
            served = len(rows) - len(missing)
            percent = f" ({100 * served // len(rows)}%)" if rows else ""
            lines.append(
                f'"{server.collection.name}" ({key.collection.name}): {total} call(s), '
                f"{unmatched} unmatched; {served} of {len(rows)} examples served{percent}"
            )
            if missing and verbose:
                lines.append("  never served:")
                lines += [f"    {row.method} {row.path}  {row.label}" for row in missing]
            elif missing:
                lines.append(f"  {len(missing)} example(s) never served (-v lists them)")
        return lines

    def report(self) -> dict[str, Any]:
        """Every server's calls and coverage, for `--postman-mock-report FILE.json`."""
        return {
            "seed": self.seed,
            "collections": [
                collection_record(
                    server.collection.name,
                    str(key.collection),
                    server.calls,
                    coverage(server.engine.index.examples, server.app.served),
                    server.journal.dropped,
                )
                for key, server in self.servers.items()
            ],
        }

    def write_report(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.report(), indent=2), encoding="utf-8")


def calls_section(calls: list[Call]) -> str:
    """The "postman mock calls" section a failing test's report carries."""
    from .reporting import call_line, describe_unmatched

    lines = []
    for call in calls:
        lines.append(call_line(call))
        if call.kind == Kind.UNMATCHED:
            lines += describe_unmatched(call, indent="    ")[1:]
    return "\n".join(lines) or "(no calls)"
