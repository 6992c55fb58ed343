"""Every setting, declared once: the table that each front door is generated from.

A `Setting` row names a setting, how its text is parsed, its help and the
places it may be given (`Place`): pytest.ini (`postman_mock_<name>`), the
pytest command line (`--postman-mock-<name>`), the `postman_mock` marker,
`MockServer(...)` keywords and `postman-mock serve --<name>`. The plugin's
options, the marker's keywords and its `pytest --markers` text, MockServer's
keyword check and serve's flags are all built from `SETTINGS`, so a setting
added here appears everywhere it says, with the same message for a bad value.

`MockSettings` holds the settings of one server (its fields are exactly the
rows marked `server=True`); the others belong to a test (strict mode, the
collection file, an outage).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from .behavior_settings import (
    DEFAULT_ERROR_STATUSES,
    Delay,
    Fault,
    RateLimit,
    parse_delay,
    parse_fault_rate,
    parse_rate,
    parse_rate_limit,
    parse_statuses,
)
from .errors import SettingsError, did_you_mean

SEED_LIMIT = 2**63
"""Seeds are whole numbers below this, wherever they are given or picked at random."""


class Place(enum.Flag):
    """Where a setting may be given."""

    INI = enum.auto()
    COMMAND_LINE = enum.auto()
    """pytest's `--postman-mock-<name>`."""
    MARKER = enum.auto()
    MOCK_SERVER = enum.auto()
    """A keyword of `MockServer(...)`."""
    SERVE = enum.auto()
    """`postman-mock serve --<name>`."""


PYTEST = Place.INI | Place.COMMAND_LINE | Place.MARKER
EVERYWHERE = PYTEST | Place.MOCK_SERVER | Place.SERVE


SECRET_HEADERS = ("x-api-key", "authorization", "cookie", "set-cookie", "proxy-authorization")
"""Headers whose values are secrets: shown as `[redacted]` (reports, the viewer, failure
text) and never written to a recorded collection; the `redact_headers` setting adds names."""


def secret_headers(extra: Iterable[str] = ()) -> frozenset[str]:
    """`SECRET_HEADERS` and the `extra` names (a server's `redact_headers`), lower case."""
    return frozenset(SECRET_HEADERS) | {name.strip().lower() for name in extra if name.strip()}


@dataclass(frozen=True)
class MockSettings:
    """How a mock server behaves; the defaults are those of a new Postman mock."""

    delay: Delay = 0
    match_body: bool = False
    match_headers: tuple[str, ...] = ()
    match_query_params: bool = True
    match_wildcards: bool = True
    match_fuzzy: bool = True
    fuzzy_threshold: float = 0.75
    match_headers_strict: bool = True
    select_by_path: bool = False
    api_key: str | None = field(default=None, repr=False)
    cors: bool = True
    seed: int | None = None
    variables: tuple[tuple[str, str], ...] = ()
    host: str = "127.0.0.1"
    port: int = 0
    max_calls: int = 10_000
    max_body: int = 10 * 1024 * 1024
    file_bodies: bool = False
    # proxy and record
    proxy: str | None = None
    record: str = "none"
    proxy_timeout: float = 30.0
    # hostile input: bounds on what a collection or request can make the mock expand
    max_variable_size: int = 1024 * 1024
    max_response_size: int = 16 * 1024 * 1024
    max_jsonpath_nodes: int = 100_000
    redact_headers: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    # real collections (issue 15)
    path_variable_values: bool = True
    # behaviors, faults, scenarios and HTTPS (issue 17)
    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = DEFAULT_ERROR_STATUSES
    rate_limit: RateLimit | None = None
    fault_rate: tuple[tuple[Fault, float], ...] = ()
    scenarios: str | None = None
    tls: bool = False
    cert: str | None = None
    key: str | None = field(default=None, repr=False)
    # connection limits (the HTTP layer)
    max_connections: int = 256
    head_timeout: float = 10.0
    idle_timeout: float = 30.0

    def with_values(self, values: Mapping[str, Any], origin: str) -> MockSettings:
        """A copy with `values` parsed and applied; a name that is not a server setting is
        an error that lists the known ones."""
        changed = {}
        for name, value in values.items():
            setting = BY_NAME.get(name)
            if setting is None or not setting.server:
                raise SettingsError(
                    f"{origin}: unknown setting {name!r}{did_you_mean(name, SERVER_NAMES)} "
                    f"(known: {', '.join(SERVER_NAMES)})"
                )
            changed[name] = setting.parse(value, origin)
        return replace(self, **changed)


# ----------------------------------------------------------------------------- parsers


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


def _seconds(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError("expected seconds above 0 and at most 3600") from None
    if isinstance(value, bool) or not 0 < number <= 3600:
        raise ValueError("expected seconds above 0 and at most 3600")
    return number


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
    return _int_in(0, SEED_LIMIT - 1)(value)


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


def _path(value: Any) -> str:
    if not isinstance(value, (str, Path)) or not str(value).strip():
        raise ValueError("expected a file path")
    return str(value)


def _name(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("expected a name")
    return value.strip() or None


RECORD_MODES = ("none", "new", "all")
MAX_PROXY_TIMEOUT = 600.0


def _proxy_url(value: Any) -> str | None:
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


def _record(value: Any) -> str:
    word = "none" if value is None else str(value).strip().lower()
    if word not in RECORD_MODES:
        raise ValueError(f"expected one of {', '.join(RECORD_MODES)}")
    return word


def _timeout(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"expected seconds above 0 and at most {MAX_PROXY_TIMEOUT:g}") from None
    if isinstance(value, bool) or not 0 < number <= MAX_PROXY_TIMEOUT:
        raise ValueError(f"expected seconds above 0 and at most {MAX_PROXY_TIMEOUT:g}")
    return number


SUMMARY_MODES = ("short", "all", "off")


def _summary(value: Any) -> str:
    word = str(value).strip().lower()
    if word not in SUMMARY_MODES:
        raise ValueError(f"expected one of {', '.join(SUMMARY_MODES)}")
    return word


OUTAGE_FIELDS = frozenset({"status", "json", "body", "headers"})


def _outage(value: Any) -> dict[str, Any] | None:
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


# ----------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Setting:
    """One setting: its name, parser, help, and where it may be given."""

    name: str
    convert: Callable[[Any], Any]
    help: str
    places: Place
    server: bool = True
    """A field of `MockSettings` (else it belongs to a test, or names a file)."""
    default: str = ""
    """The default as text, for help: taken from `MockSettings` for server settings."""
    metavar: str = ""
    serve_aliases: tuple[str, ...] = ()
    serve_const: str | None = None
    """For serve: the value of the flag given without one (`--record` means `new`)."""

    @property
    def ini(self) -> str:
        return f"postman_mock_{self.name}"

    @property
    def flag(self) -> str:
        return "--postman-mock-" + self.name.replace("_", "-")

    @property
    def serve_flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def is_bool(self) -> bool:
        return self.convert is _bool

    def parse(self, value: Any, origin: str, label: str | None = None) -> Any:
        """The parsed value; a `SettingsError` names the setting (as `label`, the user's
        spelling), the value and `origin`."""
        try:
            return self.convert(value)
        except ValueError as problem:
            raise SettingsError(f"{origin}: {label or self.name}={value!r}: {problem}") from None


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "collection",
        _path,
        "Postman collection (JSON or YAML) served by the postman_mock fixture.",
        PYTEST,
        server=False,
        metavar="FILE",
    ),
    Setting(
        "environment",
        _path,
        "Postman environment file whose values fill the collection's {{vars}}.",
        PYTEST,
        server=False,
        metavar="FILE",
    ),
    Setting(
        "delay",
        parse_delay,
        "Delay every response: milliseconds, 2g (300 ms) / 3g (100 ms), a range 100-300, "
        'or a log-normal {"median": 200, "spread": 0.5}.',
        EVERYWHERE,
        metavar="MS",
    ),
    Setting(
        "match_body",
        _bool,
        "Match request bodies against the examples (Postman 'Request body').",
        EVERYWHERE,
    ),
    Setting(
        "match_headers",
        _header_names,
        "Comma-separated header names the examples must match.",
        EVERYWHERE,
        metavar="K1,K2",
    ),
    Setting(
        "match_query_params",
        _bool,
        "Score query parameters (Postman's matchQueryParams).",
        EVERYWHERE,
    ),
    Setting(
        "match_wildcards",
        _bool,
        "Let {{var}} and :name path segments match any value (Postman's matchWildcards).",
        EVERYWHERE,
    ),
    Setting(
        "match_fuzzy",
        _bool,
        "Postman's last path step, document distance (score 70), for near-typos.",
        EVERYWHERE,
    ),
    Setting(
        "fuzzy_threshold",
        _fraction,
        "Per-segment similarity document distance asks for, above 0 and at most 1.",
        EVERYWHERE,
        metavar="T",
    ),
    Setting(
        "match_headers_strict",
        _bool,
        "With header matching, a request lacking a listed header does not match.",
        EVERYWHERE,
    ),
    Setting(
        "select_by_path",
        _bool,
        "x-mock-response-name / -id choose only among examples whose path fits the request.",
        EVERYWHERE,
    ),
    Setting(
        "file_bodies",
        _bool,
        "Read `file` request bodies from disk (only inside the collection's folder) to match.",
        EVERYWHERE,
    ),
    Setting(
        "api_key",
        _optional_text,
        "Make the mock private: callers must send this x-api-key.",
        EVERYWHERE,
        metavar="KEY",
    ),
    Setting(
        "cors",
        _bool,
        "Answer browsers' CORS preflights and add Access-Control-Allow-Origin.",
        EVERYWHERE,
    ),
    Setting(
        "seed",
        _seed,
        "Seed for {{$random...}} values (random when unset; printed in the header).",
        EVERYWHERE,
        metavar="N",
    ),
    Setting(
        "variables",
        _variables,
        "Variables that win over the environment's and the collection's: a mapping.",
        Place.MARKER | Place.MOCK_SERVER,
    ),
    Setting("host", _host, "Address the mock server binds to.", EVERYWHERE & ~Place.MARKER),
    Setting(
        "port",
        _int_in(0, 65535),
        "Port of the mock server; 0 picks a free one.",
        EVERYWHERE & ~Place.MARKER,
        serve_aliases=("-p",),
    ),
    Setting(
        "max_calls",
        _int_in(1, 10_000_000),
        "Most calls each server's log keeps; older ones are dropped and counted.",
        EVERYWHERE & ~Place.MARKER,
        metavar="N",
    ),
    Setting(
        "max_body",
        _int_in(0, 2**40),
        "Largest request body in bytes; a larger one is answered 413.",
        EVERYWHERE & ~Place.MARKER,
        metavar="BYTES",
    ),
    # hostile input: bounds on expansion, redaction, the viewer's host names
    Setting(
        "max_variable_size",
        _int_in(1, 2**31),
        "Largest text a {{variable}} may expand to, in bytes; a collection past it is refused.",
        EVERYWHERE & ~Place.MARKER,
        metavar="BYTES",
    ),
    Setting(
        "max_response_size",
        _int_in(1, 2**31),
        "Largest response body a template may render, in bytes; past it the call gets 507.",
        EVERYWHERE & ~Place.MARKER,
        metavar="BYTES",
    ),
    Setting(
        "max_jsonpath_nodes",
        _int_in(1, 10_000_000),
        "Most values one {{$body '$..x'}} JSONPath may visit or return; past it the call gets 507.",
        EVERYWHERE & ~Place.MARKER,
        metavar="N",
    ),
    Setting(
        "redact_headers",
        _header_names,
        "More header names shown as [redacted] in reports, the viewer and failure text, "
        "and saved as {{variables}} in recordings.",
        EVERYWHERE,
        metavar="K1,K2",
    ),
    Setting(
        "allowed_hosts",
        _header_names,
        "More Host names the serve viewer answers to (besides the bind address and localhost).",
        Place.MOCK_SERVER | Place.SERVE,
        metavar="H1,H2",
        serve_aliases=("--allowed-host",),
    ),
    # real collections (issue 15): valued path variables, fuzzy matches in strict mode
    Setting(
        "path_variable_values",
        _bool,
        "A :name path variable with a saved value matches only that value (false: any).",
        EVERYWHERE,
    ),
    Setting(
        "allow_fuzzy",
        _bool,
        "Strict mode accepts calls served only by document distance (score 70).",
        PYTEST,
        server=False,
        default="false",
    ),
    Setting(
        "summary",
        _summary,
        "End-of-session summary: short (with -v, the first never-served examples), all, off.",
        Place.INI | Place.COMMAND_LINE,
        server=False,
        default="short",
        metavar="MODE",
    ),
    # connection limits (the HTTP layer)
    Setting(
        "max_connections",
        _int_in(1, 100_000),
        "Most connections served at once; past it the longest-waiting idle one is closed, "
        "else the newcomer gets 503.",
        EVERYWHERE & ~Place.MARKER,
        metavar="N",
    ),
    Setting(
        "head_timeout",
        _seconds,
        "Seconds a client has, from its first byte, to send a request's head (line and "
        "headers); also the longest pause inside a body.",
        EVERYWHERE & ~Place.MARKER,
        metavar="S",
    ),
    Setting(
        "idle_timeout",
        _seconds,
        "Seconds a kept-alive connection may wait for its next request.",
        EVERYWHERE & ~Place.MARKER,
        metavar="S",
    ),
    Setting(
        "strict",
        _bool,
        "Fail a test that made calls no example matched.",
        PYTEST,
        server=False,
        default="true",
    ),
    Setting(
        "url_env",
        _name,
        "Name of an environment variable that holds the mock URL during each test.",
        Place.INI | Place.COMMAND_LINE,
        server=False,
        metavar="NAME",
    ),
    Setting(
        "outage",
        _outage,
        "Answer every call with this 5xx status (a simulated outage).",
        Place.MARKER | Place.SERVE,
        server=False,
        metavar="STATUS",
    ),
    # proxy and record
    Setting(
        "proxy",
        _proxy_url,
        "Send calls no example matches to this URL (the real API) and answer with its reply.",
        EVERYWHERE,
        metavar="URL",
    ),
    Setting(
        "record",
        _record,
        "Save proxied exchanges into the collection file: none, new (unmatched calls) or all "
        "(every call goes to the proxy; the examples it hits are replaced).",
        EVERYWHERE,
        metavar="[new|all]",
        serve_const="new",
    ),
    Setting(
        "proxy_timeout",
        _timeout,
        "Seconds to wait for the proxy target to connect and to answer (504 after that).",
        EVERYWHERE,
        metavar="SECONDS",
    ),
    # behaviors, faults, scenarios and HTTPS (issue 17; docs/behaviors.md)
    Setting(
        "error_rate",
        parse_rate,
        "Answer this fraction of calls (0 to 1) with a status from error_statuses.",
        EVERYWHERE,
        metavar="FRACTION",
    ),
    Setting(
        "error_statuses",
        parse_statuses,
        "Statuses error_rate answers with, comma-separated.",
        EVERYWHERE,
        metavar="S1,S2",
    ),
    Setting(
        "rate_limit",
        parse_rate_limit,
        "Answer 429 past N calls per window: 120/min, N/s or N/h.",
        EVERYWHERE,
        metavar="N/WINDOW",
    ),
    Setting(
        "fault_rate",
        parse_fault_rate,
        "End this fraction of calls with a network fault: reset=0.1,truncate=0.05.",
        EVERYWHERE,
        metavar="FAULT=F,...",
    ),
    Setting(
        "scenarios",
        _path,
        "YAML file of named scenarios (behaviors and overrides).",
        EVERYWHERE & ~Place.MARKER,
        metavar="FILE",
    ),
    Setting(
        "scenario",
        _name,
        "The scenario to run: its behaviors and overrides apply.",
        PYTEST | Place.SERVE,
        server=False,
        metavar="NAME",
    ),
    Setting(
        "tls",
        _bool,
        "Serve HTTPS with a certificate from a test CA (needs pytest-postman-mock[tls]).",
        PYTEST | Place.MOCK_SERVER | Place.SERVE,
    ),
    Setting(
        "cert",
        _path,
        "PEM certificate (chain) to serve HTTPS with, instead of a test CA's.",
        Place.MOCK_SERVER | Place.SERVE,
        metavar="FILE",
    ),
    Setting(
        "key",
        _path,
        "PEM private key of --cert.",
        Place.MOCK_SERVER | Place.SERVE,
        metavar="FILE",
    ),
)


def _with_defaults(rows: tuple[Setting, ...]) -> tuple[Setting, ...]:
    """Server settings take their help default from `MockSettings`, the one source."""
    defaults = MockSettings()
    out = []
    for row in rows:
        if row.server and not row.default:
            value = getattr(defaults, row.name)
            text = str(value).lower() if isinstance(value, bool) else str(value)
            if value not in (None, ()):
                row = replace(row, default=text)
        out.append(row)
    return tuple(out)


SETTINGS = _with_defaults(SETTINGS)
BY_NAME = {s.name: s for s in SETTINGS}
SERVER_NAMES = tuple(s.name for s in SETTINGS if s.server)
if set(SERVER_NAMES) != {f.name for f in fields(MockSettings)}:  # pragma: no cover
    raise AssertionError("SETTINGS and MockSettings must name the same server settings")


def settings_in(place: Place) -> tuple[Setting, ...]:
    """The settings that may be given at `place`, in table order."""
    return tuple(s for s in SETTINGS if place in s.places)


def parse(name: str, value: Any, origin: str, label: str | None = None) -> Any:
    """Parse one setting by name; an unknown name is an error that lists the known ones."""
    setting = BY_NAME.get(name)
    if setting is None:
        raise SettingsError(
            f"{origin}: unknown setting {name!r}{did_you_mean(name, BY_NAME)} "
            f"(known: {', '.join(BY_NAME)})"
        )
    return setting.parse(value, origin, label)
