"""How behavior settings are written and checked: delays, error rates, rate limits, faults.

These are the parsers of the settings table's behavior rows (`settings.py`) and the
frozen values they produce. They sit beside the table, below every layer, because
overrides, scenarios and the server all take the same spellings; the decisions made
from these values at request time live in `calls/behaviors.py`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Union

DELAY_PRESETS = {"2g": 300, "3g": 100}
MAX_DELAY_MS = 180_000
DEFAULT_ERROR_STATUSES = (500, 502, 503, 504)
FAULTS = ("reset", "close", "empty", "truncate", "slow", "hang")
"""Network faults, each carried out on the socket by `serving/faults.py`."""
FAULT_DEFAULT_MS = {"slow": 1000, "hang": 30_000}
"""How long `slow` dribbles its body, and the bound on how long `hang` holds a call."""
WINDOWS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600}
WINDOWS.update({"hour": 3600})
_RATE = re.compile(r"\s*(\d+)\s*/\s*([a-z]+)\s*", re.IGNORECASE)
_RANGE = re.compile(r"\s*(\d+)\s*-\s*(\d+)\s*")
_FAULT = re.compile(r"\s*([a-z]+)\s*(?::\s*(\d+)\s*(?:ms)?)?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class DelayRange:
    """A delay drawn uniformly from `low` to `high` milliseconds (`"100-300"`)."""

    low: int
    high: int

    def __str__(self) -> str:
        return f"{self.low}-{self.high}"


@dataclass(frozen=True)
class DelayLogNormal:
    """A log-normal delay (`{"median": 200, "spread": 0.5}`): mostly near the median, with
    the long tail real networks have; `spread` is the sigma of the underlying normal."""

    median: int
    spread: float

    def __str__(self) -> str:
        return f"log-normal median {self.median} ms, spread {self.spread:g}"


Delay = Union[int, DelayRange, DelayLogNormal]
"""Fixed milliseconds, a range, or a log-normal distribution."""


@dataclass(frozen=True)
class RateLimit:
    """At most `count` calls per `seconds` (`"120/min"`, Postman's own cloud limit)."""

    count: int
    seconds: int

    def __str__(self) -> str:
        unit = {1: "s", 60: "min", 3600: "h"}.get(self.seconds, f"{self.seconds}s")
        return f"{self.count}/{unit}"


@dataclass(frozen=True)
class Fault:
    """A network fault and, for `slow` and `hang`, how long it lasts."""

    name: str
    ms: int = 0

    def __str__(self) -> str:
        return f"{self.name}:{self.ms}" if self.ms else self.name


def _ms(value: Any, what: str = "milliseconds") -> int:
    if isinstance(value, bool):
        raise ValueError(f"expected {what}")
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise ValueError(f"expected {what}") from None
    if not 0 <= number <= MAX_DELAY_MS:
        raise ValueError(f"expected {what} from 0 to {MAX_DELAY_MS}")
    return number


DELAY_HELP = (
    f"expected milliseconds from 0 to {MAX_DELAY_MS}, or 2g / 3g, or a range like 100-300, "
    'or {"median": MS, "spread": S}'
)


def parse_delay(value: Any) -> Delay:
    """`300`, `"2g"`, `"100-300"` or `{"median": 200, "spread": 0.5}`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    if isinstance(value, (DelayRange, DelayLogNormal)):
        return value
    if isinstance(value, str) and value.strip().lower() in DELAY_PRESETS:
        return DELAY_PRESETS[value.strip().lower()]
    if isinstance(value, str) and value.strip().startswith("{"):  # ini / command line
        try:
            value = json.loads(value)
        except ValueError:
            raise ValueError(DELAY_HELP) from None
    if isinstance(value, Mapping):
        if set(value) != {"median", "spread"}:
            raise ValueError(DELAY_HELP)
        try:
            spread = float(value["spread"])
        except (TypeError, ValueError):
            raise ValueError("spread: expected a number from 0 to 3") from None
        if isinstance(value["spread"], bool) or not 0 <= spread <= 3 or math.isnan(spread):
            raise ValueError("spread: expected a number from 0 to 3")
        return DelayLogNormal(_ms(value["median"], "a median in milliseconds"), spread)
    if isinstance(value, str) and (found := _RANGE.fullmatch(value)):
        low, high = _ms(found[1]), _ms(found[2])
        if low > high:
            raise ValueError(f"the range {value.strip()!r} runs backwards: write {high}-{low}")
        return DelayRange(low, high)
    try:
        return _ms(value)
    except ValueError:
        raise ValueError(DELAY_HELP) from None


def parse_rate(value: Any) -> float:
    """A fraction of calls from 0 to 1."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError("expected a fraction of calls from 0 to 1") from None
    if isinstance(value, bool) or not 0 <= number <= 1:
        raise ValueError("expected a fraction of calls from 0 to 1")
    return number


def parse_statuses(value: Any) -> tuple[int, ...]:
    """HTTP statuses 400-599, comma-separated or as a list."""
    items = value.split(",") if isinstance(value, str) else value
    if isinstance(items, int):
        items = [items]
    try:
        statuses = tuple(int(str(item).strip()) for item in items if str(item).strip())
    except (TypeError, ValueError):
        raise ValueError("expected HTTP statuses from 400 to 599, like 500,503") from None
    if not statuses or any(not 400 <= s <= 599 for s in statuses):
        raise ValueError("expected HTTP statuses from 400 to 599, like 500,503")
    return statuses


def parse_rate_limit(value: Any) -> RateLimit | None:
    """`"120/min"`, `"5/s"`, `"1000/h"`; empty means no limit."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, RateLimit):
        return value
    found = _RATE.fullmatch(str(value))
    if not found or found[2].lower() not in WINDOWS or int(found[1]) < 1:
        raise ValueError("expected calls per window, like 120/min, 5/s or 1000/h")
    return RateLimit(int(found[1]), WINDOWS[found[2].lower()])


def parse_fault(value: Any) -> Fault | None:
    """`"reset"`, or `"slow:3000"` / `"hang:5000"` with a duration in milliseconds."""
    if value is None or isinstance(value, Fault):
        return value
    found = _FAULT.fullmatch(str(value))
    if not found or found[1].lower() not in FAULTS:
        raise ValueError(f"expected one of {', '.join(FAULTS)} (slow and hang take :MS)")
    name = found[1].lower()
    if found[2] is not None and name not in FAULT_DEFAULT_MS:
        raise ValueError(f"the {name} fault takes no duration")
    ms = _ms(found[2]) if found[2] is not None else FAULT_DEFAULT_MS.get(name, 0)
    return Fault(name, ms)


def parse_fault_rate(value: Any) -> tuple[tuple[Fault, float], ...]:
    """`{"reset": 0.1, "truncate": 0.05}` (or `reset=0.1,truncate=0.05`): faults and the
    fraction of calls each ends with; together at most 1."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ()
    if isinstance(value, str):
        pairs = [part.partition("=") for part in value.split(",") if part.strip()]
        if any(not sep for _, sep, _ in pairs):
            raise ValueError("expected fault=fraction pairs, like reset=0.1,truncate=0.05")
        value = {name.strip(): rate.strip() for name, _, rate in pairs}
    if isinstance(value, tuple):
        return value
    if not isinstance(value, Mapping):
        raise ValueError('expected a mapping of faults to fractions, like {"reset": 0.1}')
    out = []
    for name, rate in value.items():
        fault = parse_fault(name)
        assert fault is not None
        out.append((fault, parse_rate(rate)))
    if sum(rate for _, rate in out) > 1:
        raise ValueError("the fault fractions add up to more than 1")
    return tuple(out)
