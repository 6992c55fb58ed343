"""Proxy mode of one server: pass a call to the real API, and with recording on, save it.

`record="new"`: only calls no example matched reach the proxy, and each answer
is saved as a new example. `record="all"`: every call goes to the proxy, and
the answer replaces the example the call hit (or is added where it fits).
`record="none"`: calls are proxied and nothing is saved. What was saved, and
where, is kept in `recorded` for the session summary and the call's notes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl

from werkzeug.wrappers import Request

from ..collection.writer import parse_pointer, save_example
from ..engine.core import Engine
from ..engine.index import CompiledExample
from ..engine.plans import Rendered
from ..engine.recording import Exchange, Placer, example_for
from ..errors import PostmanMockError, SettingsError
from ..settings import MockSettings, secret_headers
from .proxy import Upstream


@dataclass(frozen=True)
class Recording:
    """One example saved into a collection file."""

    method: str
    path: str
    status: int
    name: str
    where: str
    file: str
    added: bool
    replaced: bool = False

    def describe(self) -> str:
        verb = "replaced" if self.replaced else "recorded" if self.added else "already saved"
        return f"{verb} as {self.name!r} under {self.where!r} in {Path(self.file).name}"


class Proxying:
    """The proxy target of one server, its record mode and what it recorded."""

    def __init__(self, settings: MockSettings) -> None:
        assert settings.proxy is not None
        self.upstream = Upstream(settings.proxy, settings.proxy_timeout, settings.max_body)
        self.mode = settings.record
        self.private = settings.api_key is not None
        self.recorded: list[Recording] = []
        self._lock = threading.Lock()
        self._placer: tuple[Engine, Placer] | None = None

    @classmethod
    def for_settings(cls, settings: MockSettings) -> Proxying | None:
        """Proxy mode for these settings, or None; recording without a proxy is an error."""
        if settings.proxy is None:
            if settings.record != "none":
                raise SettingsError(
                    f"record={settings.record!r} needs a proxy: set proxy to the real API's URL "
                    "(proxy=, postman_mock_proxy, --postman-mock-proxy or serve --proxy)"
                )
            return None
        return cls(settings)

    @property
    def sends_everything(self) -> bool:
        return self.mode == "all"

    def handle(
        self, engine: Engine, request: Request, path: str, body: bytes, hit: CompiledExample | None
    ) -> tuple[Rendered, list[str]]:
        """The target's answer for this call (or a 502/504), and notes for the call log."""
        drop = frozenset({"x-api-key"}) if self.private else frozenset()
        query = request.query_string.decode("latin-1")
        exchange = self.upstream.forward(
            request.method, path, query, request.headers.items(), body, drop
        )
        notes = [f"proxied to {self.upstream.base}{path}"]
        if exchange.failure is not None:
            notes.append(exchange.failure)
            return exchange.response, notes
        if self.mode != "none":
            reply = exchange.response
            recorded = Exchange(
                request.method,
                path,
                query,
                exchange.headers,
                body,
                reply.status,
                reply.reason,
                reply.headers,
                reply.body,
            )
            try:
                notes.append(self._record(engine, recorded, hit).describe())
            except PostmanMockError as problem:
                notes.append(f"not recorded: {problem}")
        return exchange.response, notes

    def _record(self, engine: Engine, exchange: Exchange, hit: CompiledExample | None) -> Recording:
        source = engine.collection.source
        if source is None:
            raise SettingsError("recording needs a collection file, not a Collection object")
        placer = self._placer_for(engine)
        placement = placer.place(exchange.method, exchange.path, _pairs(exchange.query))
        drop = ("x-api-key",) if self.private else ()
        secret = secret_headers(engine.settings.redact_headers)
        example, new_request = example_for(exchange, placement, placer.base_variable, drop, secret)
        item = parse_pointer(placement.item.pointer) if placement.item is not None else None
        replace = None
        if hit is not None and self.sends_everything and item is not None:
            # Only an example of the request the call fits is replaced: a fuzzy (tier 70)
            # hit on another path keeps its example, and the answer is added where it fits.
            hit_item, _, _ = hit.example.pointer.rpartition("/response/")
            if placement.item is not None and hit_item == placement.item.pointer:
                replace = parse_pointer(hit.example.pointer)
        saved = save_example(source, example, item=item, new_request=new_request, replace=replace)
        recording = Recording(
            exchange.method,
            exchange.path,
            exchange.status,
            saved.name,
            saved.where,
            str(source),
            saved.added,
            replaced=replace is not None and saved.added,
        )
        with self._lock:
            self.recorded.append(recording)
        return recording

    def _placer_for(self, engine: Engine) -> Placer:
        with self._lock:
            if self._placer is None or self._placer[0] is not engine:
                placer = Placer(engine.collection, engine.environment, engine.settings)
                self._placer = (engine, placer)
            return self._placer[1]

    def close(self) -> None:
        self.upstream.close()


def _pairs(query: str) -> tuple[tuple[str, str], ...]:
    return tuple(parse_qsl(query, keep_blank_values=True))
