"""Behaviors: the failures a dependency has, decided call by call, reproducibly.

A `Behaviors` value says what a server (or one override, or a scenario) does:
delay, an error rate, a rate limit, network faults. A `BehaviorState` makes the
decisions for one test (or one `serve` run): every random choice comes from its
own `random.Random`, seeded from the test's seed, so a test's calls meet the same
errors, faults and delays in every run and in any test order; rate-limit windows
count the calls of that test alone. The server carries the decisions out.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from functools import cached_property
from http import HTTPStatus
from typing import Any

from ..behavior_settings import (
    DEFAULT_ERROR_STATUSES,
    MAX_DELAY_MS,
    Delay,
    DelayLogNormal,
    DelayRange,
    Fault,
    RateLimit,
    parse_fault,
)
from ..engine.plans import Rendered
from ..errors import SettingsError, did_you_mean
from ..settings import MockSettings, parse

SERVER_BEHAVIORS = ("delay", "error_rate", "error_statuses", "rate_limit", "fault_rate")
"""The behavior settings a server, a scenario and `postman_mock.behaviors()` take."""
RULE_BEHAVIORS = ("delay", "error_rate", "error_statuses", "rate_limit", "fault", "fault_rate")
"""The behaviors one override, route or handler takes (`fault` always happens there,
`fault_rate` draws one for a share of its calls)."""


@dataclass(frozen=True)
class Behaviors:
    """What goes wrong, and how slowly; the defaults: nothing, at once."""

    delay: Delay = 0
    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = DEFAULT_ERROR_STATUSES
    rate_limit: RateLimit | None = None
    fault_rate: tuple[tuple[Fault, float], ...] = ()
    fault: Fault | None = None

    @classmethod
    def of(cls, settings: MockSettings) -> Behaviors:
        return cls(**{name: getattr(settings, name) for name in SERVER_BEHAVIORS})

    def with_values(
        self, values: Mapping[str, Any], origin: str, allowed: tuple[str, ...] = SERVER_BEHAVIORS
    ) -> Behaviors:
        """A copy with `values` (the settings' spellings) parsed and applied."""
        changed: dict[str, Any] = {}
        for name, value in values.items():
            if name not in allowed:
                raise SettingsError(
                    f"{origin}: unknown behavior {name!r}{did_you_mean(name, allowed)} "
                    f"(known: {', '.join(allowed)})"
                )
            if name == "fault":
                try:
                    changed[name] = parse_fault(value)
                except ValueError as problem:
                    raise SettingsError(f"{origin}: fault={value!r}: {problem}") from None
            else:
                changed[name] = parse(name, value, origin)
        return replace(self, **changed)

    @cached_property
    def active(self) -> bool:
        """Whether anything but the delay is set (checked on every call, so computed once)."""
        return self != Behaviors(delay=self.delay)

    def describe(self) -> str:
        shown = [
            f"{f.name}={getattr(self, f.name)}"
            for f in fields(self)
            if getattr(self, f.name) != getattr(DEFAULT, f.name)
        ]
        return ", ".join(shown) or "none"


DEFAULT = Behaviors()


def error_body(status: int, why: str) -> dict[str, Any]:
    """Postman's error shape, for an answer a behavior made up."""
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    return {"error": {"name": "simulatedError", "header": phrase, "message": why}}


@dataclass(frozen=True)
class Verdict:
    """Whether a call fits in its rate-limit window, and the headers that say so."""

    allowed: bool
    headers: tuple[tuple[str, str], ...]
    retry_after: int


class BehaviorState:
    """The random source and rate-limit windows of one test; safe across threads."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._windows: dict[object, tuple[float, int]] = {}

    def chance(self) -> float:
        with self._lock:
            return self._random.random()

    def pick(self, choices: tuple[int, ...]) -> int:
        with self._lock:
            return self._random.choice(choices)

    def delay_ms(self, delay: Delay) -> int:
        """Milliseconds for this call: fixed, or drawn from the range or distribution."""
        if isinstance(delay, int):
            return delay
        with self._lock:
            if isinstance(delay, DelayRange):
                return self._random.randint(delay.low, delay.high)
            assert isinstance(delay, DelayLogNormal)
            drawn = self._random.lognormvariate(math.log(max(delay.median, 1)), delay.spread)
        return min(MAX_DELAY_MS, round(drawn))

    def fault_from(self, fault_rate: tuple[tuple[Fault, float], ...]) -> Fault | None:
        """One draw decides which fault (if any) a call ends with."""
        if not fault_rate:
            return None
        roll, total = self.chance(), 0.0
        for fault, rate in fault_rate:
            total += rate
            if roll < total:
                return fault
        return None

    def error_from(self, rate: float, statuses: tuple[int, ...]) -> int | None:
        if rate <= 0:
            return None
        roll = self.chance()
        return self.pick(statuses) if roll < rate else None

    def count(self, limit: RateLimit, key: object, now: float | None = None) -> Verdict:
        """Count a call in `key`'s window (it starts at the window's first call)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            start, used = self._windows.get(key, (now, 0))
            if now - start >= limit.seconds:
                start, used = now, 0
            used += 1
            self._windows[key] = (start, used)
        reset = max(1, math.ceil(start + limit.seconds - now))
        headers = (
            ("X-RateLimit-Limit", str(limit.count)),
            ("X-RateLimit-Remaining", str(max(0, limit.count - used))),
            ("X-RateLimit-Reset", str(reset)),
        )
        return Verdict(used <= limit.count, headers, reset)


def rate_limited(limit: RateLimit, verdict: Verdict) -> Rendered:
    """The 429 past the limit, as Postman's cloud mocks answer it, with `Retry-After`."""
    body = error_body(
        429,
        f"Rate limit of {limit} reached (the mock's rate_limit behavior); "
        f"retry after {verdict.retry_after} s.",
    )
    return Rendered.json(429, body, (("Retry-After", str(verdict.retry_after)), *verdict.headers))


def simulated_error(status: int, rate: float) -> Rendered:
    why = f"Simulated by the mock's error_rate behavior ({rate:.0%} of calls)."
    return Rendered.json(status, error_body(status, why))


def with_headers(rendered: Rendered, headers: tuple[tuple[str, str], ...]) -> Rendered:
    return Rendered(rendered.status, rendered.reason, (*rendered.headers, *headers), rendered.body)


@dataclass(frozen=True)
class Decision:
    """What the behaviors make of one call: a made-up answer, a fault to end it with, the
    note for the call log, and headers every answer carries (the rate-limit counters)."""

    response: Rendered | None = None
    fault: Fault | None = None
    note: str | None = None
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def answered(self) -> bool:
        return self.response is not None or self.fault is not None


NOTHING = Decision()


def decide(state: BehaviorState, behaviors: Behaviors, key: object, label: str) -> Decision:
    """Rate limit, then a fault (always for a rule's `fault`, else drawn from `fault_rate`),
    then the error rate: the first that fires answers the call. `label` says whose
    behaviors these are in the note ("server", "override of GET /x", a scenario)."""
    headers: tuple[tuple[str, str], ...] = ()
    limit = behaviors.rate_limit
    if limit is not None:
        verdict = state.count(limit, key)
        if not verdict.allowed:
            note = f"behavior rate_limit={limit} ({label}): over the limit, answered 429"
            return Decision(rate_limited(limit, verdict), note=note)
        headers = verdict.headers
    fault = behaviors.fault
    if fault is not None:
        return Decision(fault=fault, note=f"behavior fault={fault} ({label})", headers=headers)
    fault = state.fault_from(behaviors.fault_rate)
    if fault is not None:
        note = f"behavior fault_rate ({label}): drew fault {fault}"
        return Decision(fault=fault, note=note, headers=headers)
    status = state.error_from(behaviors.error_rate, behaviors.error_statuses)
    if status is not None:
        note = f"behavior error_rate={behaviors.error_rate:g} ({label}): answered {status}"
        return Decision(simulated_error(status, behaviors.error_rate), note=note, headers=headers)
    return Decision(headers=headers) if headers else NOTHING
