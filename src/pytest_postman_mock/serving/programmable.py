"""The programmable side of a mock, for tests and scripts alike: handlers, saved
examples from code, shared state and stateful resources.

Handlers run in the server's request threads. `state` locks each operation (and
`state.change()` / `with state.lock:` make a read-modify-write one); a resource
holds that lock for each of its operations. Whatever else handlers share is
theirs to lock.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TypeVar, Union, cast

from ..calls import building
from ..calls.handlers import SPECS, Handler, HandlerSpec, current_request, find_example
from ..calls.modules import load_module, specs_of
from ..calls.overrides import Override
from ..calls.resource import Resource
from ..calls.responses import MockResponse
from ..calls.state import State
from ..engine.request import Incoming
from ..errors import SettingsError

if TYPE_CHECKING:
    from .app import MockApp

F = TypeVar("F", bound=Callable[..., Any])
HandlerSource = Union[types.ModuleType, str, Path, Iterable[Callable[..., Any]]]


class ProgrammableAPI:
    """Handlers, examples, state and resources over `self._app`."""

    @property
    def _app(self) -> MockApp:
        raise NotImplementedError

    def handler(
        self,
        selector: str,
        path: str | None = None,
        *,
        when: Mapping[str, Any] | None = None,
        times: int | None = None,
        **behaviors: Any,
    ) -> Callable[[F], F]:
        """`@postman_mock.handler("POST", "/orders")`: the function answers those calls.

        The path may be one the collection lacks (as with `route`); `selector` alone
        names a request of the collection. The function is returned unchanged.
        `behaviors` are the rule's own (`error_rate=`, `fault=`, `fault_rate=`, `delay=`,
        ...), decided before the function runs.
        """
        __tracebackhide__ = True
        given = tuple(behaviors.items())

        def register(function: F) -> F:
            __tracebackhide__ = True
            self._add_handler(HandlerSpec(selector, path, function, when, times, given))
            return function

        return register

    def _add_handler(self, spec: HandlerSpec) -> Override:
        __tracebackhide__ = True
        try:
            rule = building.from_spec(self._app.engine, spec)
        except SettingsError as problem:
            raise problem.with_traceback(None) from None
        return self._app.overrides.add(rule)

    def use_handlers(
        self, source: HandlerSource, replacing: Sequence[Override] = ()
    ) -> list[Override]:
        """Register every `@handler`-decorated function of a module, a file or a list.

        `replacing` rules (an earlier `use_handlers` result) are swapped out in the
        same step, so a reloaded file never leaves a gap. Returns the new rules.
        """
        __tracebackhide__ = True
        where = ""
        if isinstance(source, (str, Path)):
            where = f"handlers file {source}: "
            specs = specs_of(load_module(source))
        elif isinstance(source, types.ModuleType):
            specs = specs_of(source)
        else:
            functions = cast("Iterable[Callable[..., Any]]", source)
            specs = [spec for function in functions for spec in getattr(function, SPECS, ())]
        try:
            rules = [building.from_spec(self._app.engine, spec) for spec in specs]
        except SettingsError as problem:
            raise SettingsError(f"{where}{problem}") from None
        self._app.overrides.replace(replacing, rules)
        return rules

    def example(self, name: str, example: str | None = None) -> MockResponse:
        """A saved example as a response: `example("Get user", "User found")`, or by the
        example's name or label (`"Users / Get user / User found"`).

        Returned by a handler, it is rendered for the call being answered; change it
        with `with_json`, `with_status`, `with_headers` first if you like.
        """
        __tracebackhide__ = True
        engine = self._app.engine
        try:
            compiled = find_example(engine, name, example)
        except SettingsError as problem:
            raise problem.with_traceback(None) from None
        running = current_request()
        if running is not None:
            return running.send_example(name, example)

        def alone(c: Any) -> Any:  # outside a handler: for its own saved request, no captures
            return engine.render(c, Incoming(c.method, c.path), {}, self._app.dynamic)

        return MockResponse(example=compiled, render=alone)

    @property
    def state(self) -> State:
        """What handlers share: the test's own (emptied when it ends), or the server's."""
        return self._app.state

    def resource(self, path: str, *, key: str = "id") -> Resource:
        """Serve `path` as a stateful collection seeded from its saved GET list example:
        POST adds (201), GET lists or reads one, PUT replaces, PATCH merges, DELETE removes."""
        __tracebackhide__ = True
        try:
            made = Resource(self._app.engine, self._app.state, path, key)
        except SettingsError as problem:
            raise problem.with_traceback(None) from None
        for rule in made.rules:
            self._app.overrides.add(rule)
        return made


__all__ = ["Handler", "ProgrammableAPI"]


class HandlerFile:
    """A `--handlers` file in service: loaded once, reloaded on change, and on a failed
    reload the previous handlers keep serving while the error is said once."""

    def __init__(self, api: ProgrammableAPI, path: str | Path, say: Callable[..., None]) -> None:
        self.api, self.path, self.say = api, Path(path), say
        self.rules: list[Override] = api.use_handlers(self.path)
        self.last_failure = ""

    def summary(self) -> str:
        return ", ".join(rule.describe() for rule in self.rules)

    def reload(self) -> bool:
        """Load the file again; False (after saying why, once) when it does not load."""
        try:
            self.rules = self.api.use_handlers(self.path, replacing=self.rules)
        except SettingsError as problem:
            if str(problem) != self.last_failure:
                self.last_failure = str(problem)
                self.say(
                    f"handlers reload failed, still serving the previous ones: {problem}", True
                )
            return False
        self.last_failure = ""
        self.say(f"Reloaded handlers from {self.path}: {len(self.rules)} handler(s)", False)
        return True
