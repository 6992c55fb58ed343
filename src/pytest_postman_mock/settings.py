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
from typing import Any, Callable

from . import parsers
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
        return self.convert is parsers.boolean

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
        parsers.path,
        "Postman collection (JSON or YAML) served by the postman_mock fixture.",
        PYTEST,
        server=False,
        metavar="FILE",
    ),
    Setting(
        "environment",
        parsers.path,
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
        parsers.boolean,
        "Match request bodies against the examples (Postman 'Request body').",
        EVERYWHERE,
    ),
    Setting(
        "match_headers",
        parsers.header_names,
        "Comma-separated header names the examples must match.",
        EVERYWHERE,
        metavar="K1,K2",
    ),
    Setting(
        "match_query_params",
        parsers.boolean,
        "Score query parameters (Postman's matchQueryParams).",
        EVERYWHERE,
    ),
    Setting(
        "match_wildcards",
        parsers.boolean,
        "Let {{var}} and :name path segments match any value (Postman's matchWildcards).",
        EVERYWHERE,
    ),
    Setting(
        "match_fuzzy",
        parsers.boolean,
        "Postman's last path step, document distance (score 70), for near-typos.",
        EVERYWHERE,
    ),
    Setting(
        "fuzzy_threshold",
        parsers.fraction,
        "Per-segment similarity document distance asks for, above 0 and at most 1.",
        EVERYWHERE,
        metavar="T",
    ),
    Setting(
        "match_headers_strict",
        parsers.boolean,
        "With header matching, a request lacking a listed header does not match.",
        EVERYWHERE,
    ),
    Setting(
        "select_by_path",
        parsers.boolean,
        "x-mock-response-name / -id choose only among examples whose path fits the request.",
        EVERYWHERE,
    ),
    Setting(
        "file_bodies",
        parsers.boolean,
        "Read `file` request bodies from disk (only inside the collection's folder) to match.",
        EVERYWHERE,
    ),
    Setting(
        "api_key",
        parsers.optional_text,
        "Make the mock private: callers must send this x-api-key.",
        EVERYWHERE,
        metavar="KEY",
    ),
    Setting(
        "cors",
        parsers.boolean,
        "Answer browsers' CORS preflights and add Access-Control-Allow-Origin.",
        EVERYWHERE,
    ),
    Setting(
        "seed",
        parsers.seed,
        "Seed for {{$random...}} values (random when unset; printed in the header).",
        EVERYWHERE,
        metavar="N",
    ),
    Setting(
        "variables",
        parsers.variables,
        "Variables that win over the environment's and the collection's: a mapping.",
        Place.MARKER | Place.MOCK_SERVER,
    ),
    Setting("host", parsers.host, "Address the mock server binds to.", EVERYWHERE & ~Place.MARKER),
    Setting(
        "port",
        parsers.int_in(0, 65535),
        "Port of the mock server; 0 picks a free one.",
        EVERYWHERE & ~Place.MARKER,
        serve_aliases=("-p",),
    ),
    Setting(
        "max_calls",
        parsers.int_in(1, 10_000_000),
        "Most calls each server's log keeps; older ones are dropped and counted.",
        EVERYWHERE & ~Place.MARKER,
        metavar="N",
    ),
    Setting(
        "max_body",
        parsers.int_in(0, 2**40),
        "Largest request body in bytes; a larger one is answered 413.",
        EVERYWHERE & ~Place.MARKER,
        metavar="BYTES",
    ),
    # hostile input: bounds on expansion, redaction, the viewer's host names
    Setting(
        "max_variable_size",
        parsers.int_in(1, 2**31),
        "Largest text a {{variable}} may expand to, in bytes; a collection past it is refused.",
        EVERYWHERE & ~Place.MARKER,
        metavar="BYTES",
    ),
    Setting(
        "max_response_size",
        parsers.int_in(1, 2**31),
        "Largest response body a template may render, in bytes; past it the call gets 507.",
        EVERYWHERE & ~Place.MARKER,
        metavar="BYTES",
    ),
    Setting(
        "max_jsonpath_nodes",
        parsers.int_in(1, 10_000_000),
        "Most values one {{$body '$..x'}} JSONPath may visit or return; past it the call gets 507.",
        EVERYWHERE & ~Place.MARKER,
        metavar="N",
    ),
    Setting(
        "redact_headers",
        parsers.header_names,
        "More header names shown as [redacted] in reports, the viewer and failure text, "
        "and saved as {{variables}} in recordings.",
        EVERYWHERE,
        metavar="K1,K2",
    ),
    Setting(
        "allowed_hosts",
        parsers.header_names,
        "More Host names the serve viewer answers to (besides the bind address and localhost).",
        Place.MOCK_SERVER | Place.SERVE,
        metavar="H1,H2",
        serve_aliases=("--allowed-host",),
    ),
    # real collections (issue 15): valued path variables, fuzzy matches in strict mode
    Setting(
        "path_variable_values",
        parsers.boolean,
        "A :name path variable with a saved value matches only that value (false: any).",
        EVERYWHERE,
    ),
    Setting(
        "allow_fuzzy",
        parsers.boolean,
        "Strict mode accepts calls served only by document distance (score 70).",
        PYTEST,
        server=False,
        default="false",
    ),
    Setting(
        "summary",
        parsers.summary,
        "End-of-session summary: short (with -v, the first never-served examples), all, off.",
        Place.INI | Place.COMMAND_LINE,
        server=False,
        default="short",
        metavar="MODE",
    ),
    # connection limits (the HTTP layer)
    Setting(
        "max_connections",
        parsers.int_in(1, 100_000),
        "Most connections served at once; past it the longest-waiting idle one is closed, "
        "else the newcomer gets 503.",
        EVERYWHERE & ~Place.MARKER,
        metavar="N",
    ),
    Setting(
        "head_timeout",
        parsers.seconds,
        "Seconds a client has, from its first byte, to send a request's head (line and "
        "headers); also the longest pause inside a body.",
        EVERYWHERE & ~Place.MARKER,
        metavar="S",
    ),
    Setting(
        "idle_timeout",
        parsers.seconds,
        "Seconds a kept-alive connection may wait for its next request.",
        EVERYWHERE & ~Place.MARKER,
        metavar="S",
    ),
    Setting(
        "strict",
        parsers.boolean,
        "Fail a test that made calls no example matched.",
        PYTEST,
        server=False,
        default="true",
    ),
    Setting(
        "url_env",
        parsers.name,
        "Name of an environment variable that holds the mock URL during each test.",
        Place.INI | Place.COMMAND_LINE,
        server=False,
        metavar="NAME",
    ),
    Setting(
        "outage",
        parsers.outage,
        "Answer every call with this 5xx status (a simulated outage).",
        Place.MARKER | Place.SERVE,
        server=False,
        metavar="STATUS",
    ),
    # proxy and record
    Setting(
        "proxy",
        parsers.proxy_url,
        "Send calls no example matches to this URL (the real API) and answer with its reply.",
        EVERYWHERE,
        metavar="URL",
    ),
    Setting(
        "record",
        parsers.record,
        "Save proxied exchanges into the collection file: none, new (unmatched calls) or all "
        "(every call goes to the proxy; the examples it hits are replaced).",
        EVERYWHERE,
        metavar="[new|all]",
        serve_const="new",
    ),
    Setting(
        "proxy_timeout",
        parsers.timeout,
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
        parsers.path,
        "YAML file of named scenarios (behaviors and overrides).",
        EVERYWHERE & ~Place.MARKER,
        metavar="FILE",
    ),
    Setting(
        "scenario",
        parsers.name,
        "The scenario to run: its behaviors and overrides apply.",
        PYTEST | Place.SERVE,
        server=False,
        metavar="NAME",
    ),
    Setting(
        "tls",
        parsers.boolean,
        "Serve HTTPS with a certificate from a test CA (needs pytest-postman-mock[tls]).",
        PYTEST | Place.MOCK_SERVER | Place.SERVE,
    ),
    Setting(
        "cert",
        parsers.path,
        "PEM certificate (chain) to serve HTTPS with, instead of a test CA's.",
        Place.MOCK_SERVER | Place.SERVE,
        metavar="FILE",
    ),
    Setting(
        "key",
        parsers.path,
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
            if isinstance(value, bool):
                text = str(value).lower()
            elif isinstance(value, tuple):
                text = ",".join(map(str, value))  # as a user writes it: 500,502,503,504
            else:
                text = str(value)
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
