"""The mock servers of one pytest session, and what the session says about them at the end.

One server per distinct collection, environment and server settings, started
the first time a test asks for it and stopped when the session ends; with a fixed
port, one server per port, serving each test the engine of its own settings.
Collection and environment files are read once per session. The end
of session summary and the JSON report are computed here from every server's
call log and served-example counts.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, Callable

import pytest

from ..calls.describe import call_line, describe_unmatched
from ..calls.kinds import Kind
from ..calls.log import Call
from ..collection import Collection, Environment, load_collection, load_environment
from ..engine.core import Engine
from ..errors import PostmanMockError, plural
from ..report.coverage import coverage
from ..report.records import collection_record
from ..report.viewer import save_report
from ..serving.server import MockServer
from ..settings import parse
from .config import COMMAND_LINE, OPTIONS, Layer, ServerKey, TestSetup, combine, marker_values

ServerHook = Callable[[MockServer], None]


class MockSession:
    """The session's mock servers, one per `ServerKey`, and the session seed."""

    def __init__(self, config: pytest.Config, seed: int, on_start: ServerHook | None = None):
        self.config = config
        self.seed = seed
        self.on_start = on_start
        self.servers: dict[ServerKey, MockServer] = {}
        self.failures: dict[ServerKey, str] = {}
        self.by_port: dict[tuple[str, int], MockServer] = {}
        """With a fixed port: the one server listening on it in this process."""
        self.home: dict[int, tuple[ServerKey, Engine]] = {}
        self.files: dict[Path, Collection | Environment] = {}
        self.guests: dict[ServerKey, Engine] = {}
        """Engines for tests whose settings differ from their fixed-port server's."""
        self.report_path: Path | None = None
        """Where `--postman-mock-report` wrote, once it has."""
        self.unmarked: TestSetup | None = None
        """The setup of every test without a marker, merged (and its files found) once."""
        self.worker_records: list[list[dict[str, Any]]] = []
        """What pytest-xdist workers reported back (in the controller)."""
        worker = getattr(config, "workerinput", {}).get("workerid", "")
        self.worker_number = int(worker[2:]) if worker.startswith("gw") else 0
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
                COMMAND_LINE,
                {o.name: config.getoption(o.ini) for o in OPTIONS},
                [config.invocation_params.dir],
                lambda name: by_name[name].flag,
            ),
        ]

    def summary_mode(self) -> str:
        """`summary` from the command line, else ini, else "short"."""
        for layer in reversed(self.global_layers):
            value = layer.values.get("summary")
            if value not in (None, ""):
                return str(parse("summary", value, layer.origin, layer.label("summary")))
        return "short"

    def setup_for(self, item: pytest.Item) -> TestSetup:
        """The merged settings for one test (its markers over the command line over ini)."""
        marks = list(item.iter_markers("postman_mock"))
        if not marks:  # the same for every such test: merged once it merges without an error
            if self.unmarked is None:
                self.unmarked = combine(self.global_layers)
            return self.unmarked
        layers = list(self.global_layers)
        for mark in reversed(marks):
            origin = f"@pytest.mark.postman_mock on {item.nodeid}"
            values = marker_values(mark.args, mark.kwargs, origin)
            bases = [Path(item.path).parent, self.config.rootpath]
            layers.append(Layer(origin, values, bases, per_test=True))
        return combine(layers)

    def server_for(self, key: ServerKey) -> MockServer:
        """The running server for `key`, started on first use (a failure is remembered).

        Under pytest-xdist a fixed port is offset by the worker's number (gw0 +0, gw1 +1, ...)
        so that workers never clash.
        """
        if key in self.failures:
            raise PostmanMockError(self.failures[key])
        server = self.servers.get(key)
        if server is None:
            settings = key.settings
            if settings.port and self.worker_number:
                settings = replace(settings, port=settings.port + self.worker_number)
            try:
                collection, environment = self.load(key)
                server = MockServer(collection, environment, settings).start()
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

    def load(self, key: ServerKey) -> tuple[Collection, Environment | None]:
        """The key's collection and environment, each file read once per session."""
        collection = self.files.get(key.collection)
        if collection is None:
            collection = self.files[key.collection] = load_collection(key.collection)
        environment = None
        if key.environment is not None:
            environment = self.files.get(key.environment)
            if environment is None:
                environment = self.files[key.environment] = load_environment(key.environment)
        assert isinstance(collection, Collection)
        assert environment is None or isinstance(environment, Environment)
        return collection, environment

    def enter(self, key: ServerKey) -> MockServer:
        """The server a test with `key` runs against, serving that key's engine.

        With a fixed port there is one listening server per process: a test whose
        markers change server settings (or the collection) gets its own engine on that
        server for its duration (`leave` puts the server's own engine back).
        """
        port = key.settings.port
        if not port:
            return self.server_for(key)
        host = (key.settings.host, port)
        server = self.by_port.get(host)
        if server is None:
            server = self.by_port[host] = self.server_for(key)
            self.home[id(server)] = (key, server.engine)
        home_key = self.home[id(server)][0]
        if key != home_key:
            engine = self.guests.get(key)
            if engine is None:
                engine = self.guests[key] = self._guest(key)
            server.app.use_engine(engine)
        return server

    def _guest(self, key: ServerKey) -> Engine:
        if key in self.failures:
            raise PostmanMockError(self.failures[key])
        try:
            return Engine(*self.load(key), key.settings)
        except PostmanMockError as problem:
            self.failures[key] = str(problem)
            raise

    def leave(self, server: MockServer) -> None:
        """After a test: the server serves its own engine again."""
        own = self.home.get(id(server))
        if own is not None and server.engine is not own[1]:
            server.app.use_engine(own[1])

    def close(self) -> None:
        for server in self.servers.values():
            server.stop()

    def data(self, with_calls: bool) -> list[dict[str, Any]]:
        """Each server's counts and coverage (and calls), as plain data that merges;
        fixed-port guests' coverage is added to their collection's (their calls are in the
        server's log already)."""
        records = []
        for key, server in self.servers.items():
            record = collection_record(
                server.collection.name,
                str(key.collection),
                server.calls if with_calls else (),
                coverage(server.engine.index.examples, server.app.served),
                server.journal.dropped,
                dict(server.app.kinds),
                server.settings.redact_headers,
            )
            proxying = server.app.proxying
            if proxying is not None:
                record["recorded"] = [asdict(r) for r in proxying.recorded]
            records.append(record)
        for key, engine in self.guests.items():
            server = self.by_port[(key.settings.host, key.settings.port)]
            served = coverage(engine.index.examples, server.app.served)
            records.append(
                collection_record(engine.collection.name, str(key.collection), (), served, 0, {})
            )
        return merge([records])


def merge(parts: Iterable[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One record per collection file from several processes' records (pytest-xdist)."""
    merged: dict[str, dict[str, Any]] = {}
    for records in parts:
        for record in records:
            mine = merged.get(record["file"])
            if mine is None:
                merged[record["file"]] = json.loads(json.dumps(record))
                continue
            mine["calls"] += record["calls"]
            mine.setdefault("recorded", []).extend(record.get("recorded", []))
            mine["droppedCalls"] += record["droppedCalls"]
            for kind, count in record["kinds"].items():
                mine["kinds"][kind] = mine["kinds"].get(kind, 0) + count
            for row, theirs in zip(mine["coverage"], record["coverage"]):
                row["served"] += theirs["served"]
    for record in merged.values():
        record["calls"].sort(key=lambda call: call["servedAt"])
    return list(merged.values())


NEVER_SERVED_SHOWN = 10
"""With -v, how many never-served examples each collection lists (summary=all: every one)."""


def summary_lines(
    records: Iterable[dict[str, Any]], verbose: bool, mode: str = "short"
) -> list[str]:
    """Per collection: calls, unmatched, and the examples never served (listed with -v, up
    to `NEVER_SERVED_SHOWN` of them; `mode` "all" lists every one, "off" says nothing)."""
    lines: list[str] = []
    if mode == "off":
        return lines
    for record in records:
        total = sum(record["kinds"].values())
        unmatched = record["kinds"].get(Kind.UNMATCHED, 0)
        rows = record["coverage"]
        missing = [row for row in rows if not row["served"]]
        served = len(rows) - len(missing)
        percent = f" ({100 * served // len(rows)}%)" if rows else ""
        proxied = record["kinds"].get(Kind.PROXIED, 0)
        passed_on = f", {proxied} proxied" if proxied else ""
        lines.append(
            f'"{record["name"]}" ({Path(record["file"]).name}): {plural(total, "call")}, '
            f"{unmatched} unmatched{passed_on}; {served} of {plural(len(rows), 'example')} "
            f"served{percent}"
        )
        lines += recorded_lines(record.get("recorded", []))
        if missing and (verbose or mode == "all"):
            shown = missing if mode == "all" else missing[:NEVER_SERVED_SHOWN]
            lines.append("  never served:")
            lines += [f"    {row['method']} {row['path']}  {row['label']}" for row in shown]
            if len(shown) < len(missing):
                rest = len(missing) - len(shown)
                lines.append(
                    f"    ... and {plural(rest, 'more example')} "
                    "(--postman-mock-summary=all lists them all)"
                )
        elif missing:
            lines.append(f"  {plural(len(missing), 'example')} never served (-v lists them)")
    return lines


def recorded_lines(recorded: list[dict[str, Any]]) -> list[str]:
    """What proxy mode saved into the collection file, one line per example."""
    saved = [r for r in recorded if r["added"]]
    if not saved:
        return []
    lines = [f"  recorded {len(saved)} example(s) into {saved[0]['file']}:"]
    for row in saved:
        verb = "replaced" if row["replaced"] else "added"
        lines.append(
            f"    {row['method']} {row['path']} -> {row['status']}: {verb} "
            f"{row['name']!r} under {row['where']!r}"
        )
    return lines


def write_report(path: Path, seed: int, records: list[dict[str, Any]]) -> None:
    """JSON, or the call-log viewer page when the file name ends in `.html`."""
    save_report(path, {"seed": seed, "collections": records})


def calls_section(calls: list[Call]) -> str:
    """The "postman mock calls" section a failing test's report carries."""
    lines = []
    for call in calls:
        lines.append(call_line(call))
        if call.kind == Kind.UNMATCHED:
            lines += describe_unmatched(call, indent="    ")[1:]
        elif call.error:
            lines += [f"    {line}" for line in call.error.strip().splitlines()[-1:]]
    return "\n".join(lines) or "(no calls)"
