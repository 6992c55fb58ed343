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
from ..calls.behaviors import Behaviors
from ..calls.handlers import (
    SPECS,
    Handler,
    HandlerSpec,
    current_request,
    describe_handler,
    find_example,
)
from ..calls.modules import SCENARIOS, load_module, specs_of
from ..calls.overrides import Override
from ..calls.resource import Resource
from ..calls.responses import MockResponse
from ..calls.scenarios import activate, from_mapping, with_handlers
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
        return self._use_specs(specs, replacing, where)

    def _use_specs(
        self, specs: Sequence[HandlerSpec], replacing: Sequence[Override], where: str
    ) -> list[Override]:
        try:
            for spec in specs:
                if spec.scenario is not None:
                    raise SettingsError(
                        f"handler {describe_handler(spec.function)}: scenario= belongs to "
                        "the scenarios of a serve --handlers file; here, use "
                        "use_scenario() with the pytest_postman_mock_scenarios hook"
                    )
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
    reload the previous handlers (and scenarios) keep serving while the error is said once.

    Its `SCENARIOS` mapping (the scenarios YAML shape) and its `@handler(...,
    scenario=name)` functions join the server's scenarios; a reload replaces them, and
    the scenario in force, if the file defines it, starts again from the new definition.
    """

    def __init__(self, api: ProgrammableAPI, path: str | Path, say: Callable[..., None]) -> None:
        self.api, self.path, self.say = api, Path(path), say
        self.rules: list[Override] = []
        self.scenarios: tuple[str, ...] = ()
        self.last_failure = ""
        self.load()

    def load(self) -> None:
        """Load the file; a `SettingsError` naming it when it does not load."""
        where = f"handlers file {self.path}"
        module = load_module(self.path)
        specs = specs_of(module)
        app = self.api._app
        scenarios = from_mapping(vars(module).get(SCENARIOS), f"{where}: {SCENARIOS}")
        scenarios = with_handlers(scenarios, specs, where)
        base = Behaviors.of(app.settings)
        for scenario in scenarios.values():  # every rule checked before any is used
            activate(scenario, app.engine, base)
        plain = [spec for spec in specs if spec.scenario is None]
        self.rules = self.api._use_specs(plain, self.rules, f"{where}: ")
        app.scenarios.replace(self.scenarios, scenarios)
        self.scenarios = tuple(scenarios)
        active = app.active_scenario
        if active is not None and active.name in scenarios:
            app.use_scenario(active.name)

    def summary(self) -> str:
        shown = ", ".join(rule.describe() for rule in self.rules) or "no handlers"
        if self.scenarios:
            shown += f"; scenarios {', '.join(self.scenarios)}"
        return shown

    def reload(self) -> bool:
        """Load the file again; False (after saying why, once) when it does not load."""
        try:
            self.load()
        except SettingsError as problem:
            if str(problem) != self.last_failure:
                self.last_failure = str(problem)
                self.say(
                    f"handlers reload failed, still serving the previous ones: {problem}", True
                )
            return False
        self.last_failure = ""
        found = f", {len(self.scenarios)} scenario(s)" if self.scenarios else ""
        self.say(f"Reloaded handlers from {self.path}: {len(self.rules)} handler(s){found}", False)
        return True
