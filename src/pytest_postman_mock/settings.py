"""Mock-server settings: one frozen record, and the parsers every front door shares.

pytest.ini, `--postman-mock-*` options, the marker, `postman-mock serve` and
`MockServer(...)` all spell the same settings; they all go through `parse()`
here, so a bad value gets the same message wherever it came from, naming the
setting and its origin.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Callable

from .errors import SettingsError

DELAY_PRESETS = {"2g": 300, "3g": 100}
MAX_DELAY_MS = 180_000


@dataclass(frozen=True)
class MockSettings:
    """How a mock server behaves; the defaults are those of a new Postman mock."""

    delay: int = 0
    match_body: bool = False
    match_headers: tuple[str, ...] = ()
    match_query_params: bool = True
    match_wildcards: bool = True
    match_fuzzy: bool = True
    """Postman's last path step, "document distance" (score 70)."""
    fuzzy_threshold: float = 0.75
    """Per-segment similarity the document-distance step asks for, 0 < t <= 1."""
    match_headers_strict: bool = True
    """With header matching, a request lacking a listed header does not match."""
    select_by_path: bool = False
    """x-mock-response-name / -id choose only among examples whose path fits the request."""
    api_key: str | None = field(default=None, repr=False)
    cors: bool = True
    seed: int | None = None
    variables: tuple[tuple[str, str], ...] = ()
    host: str = "127.0.0.1"
    port: int = 0
    max_calls: int = 10_000
    max_body: int = 10 * 1024 * 1024
    file_bodies: bool = False
    """Read `file` request bodies from disk (only inside the collection's folder) to match them."""

    def with_values(self, values: Mapping[str, Any], origin: str) -> MockSettings:
        """A copy with `values` parsed and applied; unknown names are an error."""
        return replace(self, **{name: parse(name, value, origin) for name, value in values.items()})


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("expected true or false")


def _int_in(low: int, high: int) -> Callable[[Any], int]:
    def convert(value: Any) -> int:
        if isinstance(value, bool):
            raise ValueError("expected a whole number")
        try:
            number = int(str(value).strip()) if not isinstance(value, int) else value
        except ValueError:
            raise ValueError("expected a whole number") from None
        if not low <= number <= high:
            raise ValueError(f"expected a number from {low} to {high}")
        return number

    return convert


def _fraction(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError("expected a number above 0 and at most 1") from None
    if isinstance(value, bool) or not 0 < number <= 1:
        raise ValueError("expected a number above 0 and at most 1")
    return number


def _delay(value: Any) -> int:
    if isinstance(value, str) and value.strip().lower() in DELAY_PRESETS:
        return DELAY_PRESETS[value.strip().lower()]
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    try:
        return _int_in(0, MAX_DELAY_MS)(value)
    except ValueError:
        raise ValueError(f"expected milliseconds from 0 to {MAX_DELAY_MS}, or 2g / 3g") from None


def _header_names(value: Any) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else value
    try:
        names = tuple(str(item).strip() for item in items)
    except TypeError:
        raise ValueError("expected header names, comma-separated or as a list") from None
    return tuple(name for name in names if name)


def _optional_text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise ValueError("expected text")
    return str(value) or None


def _seed(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _int_in(0, 2**63 - 1)(value)


def _variables(value: Any) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise ValueError("expected a mapping of variable names to values")
    return tuple((str(k), "" if v is None else str(v)) for k, v in value.items())


def _host(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a host name or IP address")
    return value.strip()


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "delay": _delay,
    "match_body": _bool,
    "match_headers": _header_names,
    "match_query_params": _bool,
    "match_wildcards": _bool,
    "match_fuzzy": _bool,
    "fuzzy_threshold": _fraction,
    "match_headers_strict": _bool,
    "select_by_path": _bool,
    "api_key": _optional_text,
    "cors": _bool,
    "seed": _seed,
    "variables": _variables,
    "host": _host,
    "port": _int_in(0, 65535),
    "max_calls": _int_in(1, 10_000_000),
    "max_body": _int_in(0, 2**40),
    "file_bodies": _bool,
}
SETTING_NAMES = tuple(f.name for f in fields(MockSettings))


def parse(name: str, value: Any, origin: str, label: str | None = None) -> Any:
    """Parse one setting; a `SettingsError` names it (as `label`, the user's spelling),
    the value and `origin`."""
    parser = _PARSERS.get(name)
    if parser is None:
        known = ", ".join(SETTING_NAMES)
        raise SettingsError(f"{origin}: unknown setting {name!r} (known: {known})")
    try:
        return parser(value)
    except ValueError as problem:
        raise SettingsError(f"{origin}: {label or name}={value!r}: {problem}") from None


def parse_bool(name: str, value: Any, origin: str, label: str | None = None) -> bool:
    """A true/false option that is not a server setting (strict mode, for one)."""
    try:
        return _bool(value)
    except ValueError:
        raise SettingsError(
            f"{origin}: {label or name}={value!r}: expected true or false"
        ) from None
