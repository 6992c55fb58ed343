"""Scenarios: named bundles of behaviors and overrides ("happy", "degraded", "maintenance").

A scenario file is YAML mapping each name to an optional `behaviors:` mapping (the
behavior settings' names and spellings) and an optional `overrides:` list of
`{method, path, status, json, body, headers}` entries (plus `example`, `delay`,
`fault`, `error_rate`, ...: what an override takes). Everything is checked when the
file loads, so a typo stops the run with the file and the entry named. At most one
scenario is active for a call; the test's own overrides win over the scenario's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..errors import SettingsError, did_you_mean
from . import building
from .behaviors import DEFAULT, SERVER_BEHAVIORS, Behaviors
from .handlers import HandlerSpec
from .overrides import OverrideSet

if TYPE_CHECKING:
    from ..engine.core import Engine

SCENARIO_KEYS = ("behaviors", "overrides")
ENTRY_KEYS = ("method", "path", "times")
HEADER = "x-mock-scenario"


@dataclass(frozen=True)
class Scenario:
    """One named scenario as written: behavior values and override entries."""

    name: str
    behaviors: Mapping[str, Any]
    overrides: tuple[Mapping[str, Any], ...]
    origin: str
    handlers: tuple[HandlerSpec, ...] = ()
    """`@handler(..., scenario=name)` functions of a `--handlers` file."""


@dataclass
class ActiveScenario:
    """A scenario made ready for one engine: its behaviors over the server's, its rules."""

    name: str
    behaviors: Behaviors
    rules: OverrideSet


def unknown(name: str, known: Mapping[str, Any]) -> str:
    """The message for a scenario name that is not defined, listing the defined ones."""
    if not known:
        return (
            f"unknown scenario {name!r}: no scenarios are defined (define them in a YAML file "
            "given as postman_mock_scenarios or serve --scenarios, or with the "
            "pytest_postman_mock_scenarios hook)"
        )
    names = ", ".join(sorted(known))
    return f"unknown scenario {name!r}{did_you_mean(name, known)}; known scenarios: {names}"


def from_mapping(data: Any, origin: str) -> dict[str, Scenario]:
    """Scenarios from the parsed YAML (or a hook's dict), each checked."""
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise SettingsError(f"{origin}: expected a mapping of scenario names to scenarios")
    found = {}
    for name, spec in data.items():
        where = f"{origin}: scenario {name!r}"
        spec = {} if spec is None else spec
        if not isinstance(name, str) or not name.strip():
            raise SettingsError(f"{origin}: scenario names must be non-empty text, got {name!r}")
        if not isinstance(spec, Mapping) or not set(spec) <= set(SCENARIO_KEYS):
            raise SettingsError(f"{where}: expected a mapping with behaviors and/or overrides")
        behaviors = spec.get("behaviors") or {}
        entries = spec.get("overrides") or []
        if not isinstance(behaviors, Mapping):
            raise SettingsError(f"{where}: behaviors must be a mapping")
        DEFAULT.with_values(behaviors, where)  # checked now, applied over each server's
        if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
            raise SettingsError(f"{where}: overrides must be a list of mappings")
        for number, entry in enumerate(entries, 1):
            if not isinstance(entry.get("method"), str) or not isinstance(entry.get("path"), str):
                raise SettingsError(f"{where}: override {number} needs a method and a path")
        found[name] = Scenario(name, dict(behaviors), tuple(dict(e) for e in entries), where)
    return found


def with_handlers(
    scenarios: Mapping[str, Scenario], specs: Sequence[HandlerSpec], origin: str
) -> dict[str, Scenario]:
    """`scenarios` with each `scenario=` handler added to its scenario; a name the mapping
    does not define becomes a scenario of those handlers alone."""
    found = dict(scenarios)
    for spec in specs:
        name = spec.scenario
        if name is None:
            continue
        if not isinstance(name, str) or not name.strip():
            raise SettingsError(f"{origin}: scenario= takes a non-empty name, got {name!r}")
        where = f"{origin}: scenario {name!r}"
        known = found.get(name) or Scenario(name, {}, (), where)
        found[name] = replace(known, handlers=(*known.handlers, spec))
    return found


def load(path: str | Path) -> dict[str, Scenario]:
    """The scenarios of a YAML file; a missing or malformed file is an error naming it."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as problem:
        raise SettingsError(f"scenarios file {path}: {problem.strerror or problem}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as problem:
        raise SettingsError(f"scenarios file {path}: not valid YAML: {problem}") from None
    return from_mapping(data, f"scenarios file {path}")


def activate(scenario: Scenario, engine: Engine, base: Behaviors) -> ActiveScenario:
    """The scenario's rules built against `engine`, its behaviors laid over `base`."""
    rules = OverrideSet()
    for number, entry in enumerate(scenario.overrides, 1):
        reply = {k: v for k, v in entry.items() if k not in ENTRY_KEYS}
        try:
            rule = building.build(
                engine,
                entry["method"],
                entry["path"],
                times=entry.get("times"),
                adhoc=True,
                **reply,
            )
        except SettingsError as problem:
            raise SettingsError(f"{scenario.origin}, override {number}: {problem}") from None
        rules.add(rule)
    for spec in scenario.handlers:
        try:
            rules.add(building.from_spec(engine, spec))
        except SettingsError as problem:
            raise SettingsError(f"{scenario.origin}: {problem}") from None
    behaviors = base.with_values(scenario.behaviors, scenario.origin, SERVER_BEHAVIORS)
    return ActiveScenario(scenario.name, behaviors, rules)


class ScenarioBook:
    """The scenarios a server knows (from its file and from hooks) and its default one."""

    def __init__(self, scenarios: Mapping[str, Scenario] | None = None) -> None:
        self.scenarios: dict[str, Scenario] = dict(scenarios or {})
        self.default: str | None = None
        """The scenario a server runs when no test chose one (`serve --scenario`)."""
        self._ready: dict[tuple[str, int], ActiveScenario] = {}

    def add(self, more: Mapping[str, Scenario]) -> None:
        self.replace((), more)

    def replace(self, old: Iterable[str], new: Mapping[str, Scenario]) -> None:
        """Drop the `old` names and add `new` in one step (a reloaded handlers file)."""
        dropped = set(old)
        kept = {k: v for k, v in self.scenarios.items() if k not in dropped}
        self.scenarios = {**kept, **new}
        self._ready.clear()

    def get(self, name: str) -> Scenario:
        found = self.scenarios.get(name)
        if found is None:
            raise SettingsError(unknown(name, self.scenarios))
        return found

    def ready(self, name: str, engine: Engine, base: Behaviors) -> ActiveScenario:
        """The named scenario made ready once per engine (for `x-mock-scenario` calls)."""
        key = (name, id(engine))
        active = self._ready.get(key)
        if active is None:
            active = self._ready[key] = activate(self.get(name), engine, base)
        return active
