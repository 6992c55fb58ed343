"""Handlers: a test's (or a `--handlers` module's) Python functions that answer calls.

A handler gets a `HandlerRequest` and returns a dict of response fields, a
`MockResponse`, or None to let older rules and then the collection answer. It
runs in the server's request thread, so several run at once: `request.state`
(and `postman_mock.state`) locks each operation itself; anything else a
handler shares (a list in a closure, a counter) is the handler's to lock.
"""

from __future__ import annotations

import difflib
import json as jsonlib
import threading
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from werkzeug.datastructures import Headers, ImmutableMultiDict

from ..engine.index import CompiledExample
from ..errors import PostmanMockError, SettingsError
from .log import path_matches
from .responses import MockResponse, from_result
from .state import State

if TYPE_CHECKING:
    from ..engine.core import Engine

Handler = Callable[["HandlerRequest"], Any]
F = TypeVar("F", bound=Callable[..., Any])
SPECS = "__postman_mock_handlers__"
"""The attribute the top-level `handler` decorator keeps its registrations in."""


class HandlerError(PostmanMockError):
    """A handler raised, or returned something that is not a response."""

    def __init__(self, summary: str, trace: str) -> None:
        super().__init__(summary)
        self.trace = trace


@dataclass(frozen=True)
class HandlerSpec:
    """One `@handler(...)` registration: which calls a function answers."""

    selector: str
    path: str | None
    function: Handler
    when: Mapping[str, Any] | None = None
    times: int | None = None
    behaviors: tuple[tuple[str, Any], ...] = ()
    """The rule's own behaviors (`fault_rate=`, `error_rate=`, `delay=`, ...), decided
    before the function runs."""
    scenario: str | None = None
    """In a `--handlers` file: the scenario this handler belongs to (active only in it)."""


def handler(
    selector: str,
    path: str | None = None,
    *,
    when: Mapping[str, Any] | None = None,
    times: int | None = None,
    scenario: str | None = None,
    **behaviors: Any,
) -> Callable[[F], F]:
    """Mark a function of a `--handlers` module (or of `use_handlers`) as a handler.

    `@handler("POST", "/orders")` or `@handler("Get user")` (a request's name); the
    function is returned unchanged, so one function can carry several registrations.
    `behaviors` are a rule's (`error_rate=0.2`, `fault_rate={"reset": 0.1}`, ...);
    `scenario="degraded"` (in a `--handlers` file) makes it part of that scenario.
    """
    given = tuple(behaviors.items())

    def mark(function: F) -> F:
        specs = function.__dict__.setdefault(SPECS, [])
        specs.append(HandlerSpec(selector, path, function, when, times, given, scenario))
        return function

    return mark


def describe_handler(function: Handler) -> str:
    return getattr(function, "__qualname__", None) or repr(function)


def find_example(engine: Engine, name: str, example: str | None = None) -> CompiledExample:
    """A saved example by `(request name, example name)`, its label, or its own name."""
    compiled = engine.index.examples
    if example is not None:
        found = [c for c in compiled if c.example.item_name == name and c.example.name == example]
        wanted = f"{name} / {example}"
    else:
        found = [c for c in compiled if c.example.label == name]
        found = found or [c for c in compiled if c.example.label.endswith(" / " + name)]
        found = found or list(engine.index.by_name.get(name, ()))
        wanted = name
    if not found:
        labels = sorted({c.example.label for c in compiled} | set(engine.index.by_name))
        close = difflib.get_close_matches(wanted, labels, n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise SettingsError(f"the collection has no example {wanted!r}{hint}")
    return sorted(found, key=lambda c: c.sort_key)[0]


class HandlerRequest:
    """A call as a handler sees it: what the client sent, and what the collection would do."""

    def __init__(
        self,
        *,
        method: str,
        path: str,
        raw_path: str,
        query: tuple[tuple[str, str], ...],
        headers: Headers,
        body: bytes,
        form: tuple[tuple[str, str], ...] | None,
        engine: Engine,
        state: State,
        render: Callable[[CompiledExample], Any],
        choose: Callable[[], MockResponse | None],
    ) -> None:
        self.method = method
        self.path = path
        """The path, percent-decoded (`raw_path` is as sent)."""
        self.raw_path = raw_path
        self.params: dict[str, str] = {}
        """Path parameters the rule's template captured (`/orders/:id` -> {"id": "7"})."""
        self.query: ImmutableMultiDict[str, str] = ImmutableMultiDict(query)
        """Every value of every key: `query["tag"]` (the first), `query.getlist("tag")`."""
        self.headers = headers
        """Case-insensitive: `headers["content-type"]`, `headers.getlist("accept")`."""
        self.body = body
        self.state = state
        self.notes: list[str] = []
        self._form = form
        self._engine = engine
        self._render = render
        self._choose = choose
        self._json: Any = None
        self._parsed = False
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<HandlerRequest {self.method} {self.path}>"

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body parsed as JSON (a ValueError when it is not JSON)."""
        with self._lock:
            if not self._parsed:
                self._json = jsonlib.loads(self.text)
                self._parsed = True
            return self._json

    def form(self) -> ImmutableMultiDict[str, str]:
        """Fields of a urlencoded or multipart body (empty for any other body)."""
        return ImmutableMultiDict(self._form or ())

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def query_values(self, key: str) -> list[str]:
        return self.query.getlist(key)

    @property
    def example(self) -> MockResponse | None:
        """The saved example the collection would answer with (None: it has none)."""
        return self._choose()

    def send_example(self, name: str, example: str | None = None) -> MockResponse:
        """A saved example rendered for this call (Postman's `pm.mock.sendExample`)."""
        return MockResponse(example=find_example(self._engine, name, example), render=self._render)

    def fits(self, name: str) -> bool:
        """Whether this call fits a saved request, by method and path (Postman's
        `pm.mock.matchRequest`): a request's name or id, or `"METHOD /path"`."""
        items = {i.name for i in self._engine.collection.items if name in (i.name, i.id)}
        if items:
            return any(
                c.method == self.method and path_matches(c.path, self.raw_path)
                for c in self._engine.index.examples
                if c.example.item_name in items
            )
        method, _, path = name.partition(" ")
        if method.isupper() and path.startswith("/"):
            return self.method == method and path_matches(path, self.raw_path)
        names = sorted({item.name for item in self._engine.collection.items})
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise SettingsError(f"fits(): the collection has no request named {name!r}{hint}")

    def note(self, text: str) -> None:
        """Add a line to this call's notes in the call log."""
        self.notes.append(str(text))


_current = threading.local()


def current_request() -> HandlerRequest | None:
    """The request the handler running in this thread answers (None outside handlers)."""
    return getattr(_current, "request", None)


def call_handler(function: Handler, request: HandlerRequest, engine: Engine) -> MockResponse | None:
    """Run a handler; what it raised (or returned wrong) becomes a `HandlerError` with its
    traceback from the handler's own frame down."""
    who = f"handler {describe_handler(function)}"
    previous = current_request()
    _current.request = request
    try:
        result = function(request)
    except Exception as problem:
        trace = "".join(
            traceback.format_exception(type(problem), problem, problem.__traceback__.tb_next)
            if problem.__traceback__ is not None
            else traceback.format_exception_only(type(problem), problem)
        )
        raise HandlerError(f"{who} raised {type(problem).__name__}: {problem}", trace) from None
    finally:
        _current.request = previous
    try:
        return from_result(result, who, lambda name: find_example(engine, name))
    except SettingsError as problem:
        raise HandlerError(str(problem), f"{problem}\n") from None
