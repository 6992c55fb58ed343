"""How each setting's text (from ini, a flag, a marker or a keyword) becomes its value.

Every parser takes what a user wrote and returns the value or raises `ValueError` with
what was expected; `settings.Setting.parse` adds the setting's name and origin.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

SEED_LIMIT = 2**63
"""Seeds are whole numbers below this, wherever they are given or picked at random."""


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("expected true or false")


def int_in(low: int, high: int) -> Callable[[Any], int]:
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


def fraction(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError("expected a number above 0 and at most 1") from None
    if isinstance(value, bool) or not 0 < number <= 1:
        raise ValueError("expected a number above 0 and at most 1")
    return number


def seconds(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError("expected seconds above 0 and at most 3600") from None
    if isinstance(value, bool) or not 0 < number <= 3600:
        raise ValueError("expected seconds above 0 and at most 3600")
    return number


def header_names(value: Any) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else value
    try:
        names = tuple(str(item).strip() for item in items)
    except TypeError:
        raise ValueError("expected header names, comma-separated or as a list") from None
    return tuple(name for name in names if name)


def optional_text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise ValueError("expected text")
    return str(value) or None


def seed(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return int_in(0, SEED_LIMIT - 1)(value)


def variables(value: Any) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        raise ValueError("expected a mapping of variable names to values")
    return tuple((str(k), "" if v is None else str(v)) for k, v in value.items())


def host(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a host name or IP address")
    return value.strip()


def path(value: Any) -> str:
    if not isinstance(value, (str, Path)) or not str(value).strip():
        raise ValueError("expected a file path")
    return str(value)


def name(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("expected a name")
    return value.strip() or None


RECORD_MODES = ("none", "new", "all")
MAX_PROXY_TIMEOUT = 600.0


def proxy_url(value: Any) -> str | None:
    """`http(s)://host[:port][/prefix]`: no query, fragment or credentials (they would be
    sent with every call and shown in every message)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValueError("expected an http:// or https:// URL")
    parsed = urlsplit(value.strip())
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ValueError("expected an http:// or https:// URL with a host")
    if parsed.username or parsed.password:
        raise ValueError("credentials in the proxy URL are not allowed; send them as headers")
    if parsed.query or parsed.fragment:
        raise ValueError("expected a URL without a query or fragment")
    try:
        parsed.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise ValueError("the port of the proxy URL is not a number from 0 to 65535") from None
    return value.strip().rstrip("/")


def record(value: Any) -> str:
    word = "none" if value is None else str(value).strip().lower()
    if word not in RECORD_MODES:
        raise ValueError(f"expected one of {', '.join(RECORD_MODES)}")
    return word


def timeout(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"expected seconds above 0 and at most {MAX_PROXY_TIMEOUT:g}") from None
    if isinstance(value, bool) or not 0 < number <= MAX_PROXY_TIMEOUT:
        raise ValueError(f"expected seconds above 0 and at most {MAX_PROXY_TIMEOUT:g}")
    return number


SUMMARY_MODES = ("short", "all", "off")


def summary(value: Any) -> str:
    word = str(value).strip().lower()
    if word not in SUMMARY_MODES:
        raise ValueError(f"expected one of {', '.join(SUMMARY_MODES)}")
    return word


OUTAGE_FIELDS = frozenset({"status", "json", "body", "headers"})


def outage(value: Any) -> dict[str, Any] | None:
    """`503`, or `{"status": 503, "json": ..., "headers": ...}`: checked here, built by the
    engine's `outage_response`."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    spec = {"status": value} if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(spec, Mapping) or not set(spec) <= OUTAGE_FIELDS:
        raise ValueError("expected a 5xx status, or a dict with status and json, body or headers")
    return dict(spec)
