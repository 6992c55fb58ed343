"""From pytest.ini, `--postman-mock-*` options and the marker to one `TestSetup` per test.

Precedence: marker > command line > ini > defaults. Paths resolve relative to
where they were written: ini values to the ini file's folder, command-line
values to the invocation folder, marker values to the test file's folder and
then the rootdir. Every problem is a `SettingsError` naming the setting and
where it came from; the plugin turns it into a `pytest.UsageError`.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from ..engine.plans import Rendered, outage_response
from ..errors import SettingsError
from ..settings import MockSettings, parse, parse_bool


@dataclass(frozen=True)
class Option:
    """One setting as it appears in ini (`postman_mock_<name>`) and on the command line."""

    name: str
    help: str
    default: str = ""

    @property
    def ini(self) -> str:
        return f"postman_mock_{self.name}"

    @property
    def flag(self) -> str:
        return "--postman-mock-" + self.name.replace("_", "-")


OPTIONS = (
    Option("collection", "Postman collection (JSON or YAML) served by the postman_mock fixture."),
    Option("environment", "Postman environment file whose values fill the collection's {{vars}}."),
    Option("delay", "Delay every response: milliseconds, or 2g (300 ms) / 3g (100 ms).", "0"),
    Option(
        "match_body", "Match request bodies against the examples (Postman 'Request body').", "false"
    ),
    Option("match_headers", "Comma-separated header names the examples must match."),
    Option("api_key", "Make the mock private: callers must send this x-api-key."),
    Option("strict", "Fail a test that made calls no example matched.", "true"),
    Option("cors", "Answer browsers' CORS preflights and add Access-Control-Allow-Origin.", "true"),
    Option("seed", "Seed for {{$random...}} values (random when unset; printed in the header)."),
    Option("host", "Address the mock server binds to.", "127.0.0.1"),
    Option("port", "Port of the mock server; 0 picks a free one.", "0"),
    Option("url_env", "Name of an environment variable that holds the mock URL during each test."),
    Option(
        "max_calls",
        "Most calls each server's log keeps; older ones are dropped and counted.",
        "10000",
    ),
)
PATH_OPTIONS = ("collection", "environment")
MARKER_KEYWORDS = (
    "environment",
    "delay",
    "match_body",
    "match_headers",
    "match_query_params",
    "match_fuzzy",
    "fuzzy_threshold",
    "match_headers_strict",
    "select_by_path",
    "file_bodies",
    "match_wildcards",
    "api_key",
    "strict",
    "cors",
    "seed",
    "variables",
    "outage",
)


@dataclass(frozen=True)
class ServerKey:
    """What makes two tests share one mock server: the same files and server settings."""

    collection: Path
    environment: Path | None
    settings: MockSettings


@dataclass(frozen=True)
class TestSetup:
    """Everything the fixture needs for one test."""

    server: ServerKey
    strict: bool
    seed: int | None
    url_env: str | None
    outage: Rendered | None = None


def find_file(value: str, bases: Sequence[Path], setting: str, origin: str) -> Path:
    """The first existing `value` under `bases`; the error lists every place looked."""
    candidate = Path(value).expanduser()
    tried = [candidate] if candidate.is_absolute() else [base / candidate for base in bases]
    for path in tried:
        if path.is_file():
            return path.resolve()
    looked = "\n".join(f"  - {p}" for p in tried)
    raise SettingsError(f"{origin}: {setting} file {value!r} not found; looked in:\n{looked}")


def suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _same(name: str) -> str:
    return name


@dataclass
class Layer:
    """Values from one origin, with the folders relative paths are read from.

    `label` spells a setting's name as the user wrote it there
    (`postman_mock_delay` in ini, `--postman-mock-delay` on the command line).
    """

    origin: str
    values: Mapping[str, Any]
    bases: Sequence[Path]
    label: Callable[[str], str] = _same


def combine(layers: Sequence[Layer]) -> TestSetup:
    """Merge layers (lowest precedence first) into a `TestSetup`, validating each value."""
    settings = MockSettings()
    strict, seed, url_env, outage = True, None, None, None
    files: dict[str, Path | None] = {"collection": None, "environment": None}
    for layer in layers:
        for name, value in layer.values.items():
            if value is None or (
                isinstance(value, str) and value == "" and name not in ("api_key",)
            ):
                continue
            label = layer.label(name)
            if name in PATH_OPTIONS:
                files[name] = find_file(str(value), layer.bases, label, layer.origin)
            elif name == "strict":
                strict = parse_bool(name, value, layer.origin, label)
            elif name == "seed":
                seed = parse(name, value, layer.origin, label)
            elif name == "url_env":
                url_env = str(value).strip() or None
            elif name == "outage":
                outage = parse_outage(value, layer.origin)
            else:
                settings = replace(settings, **{name: parse(name, value, layer.origin, label)})
    collection = files["collection"]
    if collection is None:
        raise SettingsError(
            "no Postman collection for the postman_mock fixture: set postman_mock_collection in "
            "pytest.ini, pass --postman-mock-collection, or use "
            '@pytest.mark.postman_mock("api.postman_collection.json")'
        )
    key = ServerKey(collection, files["environment"], settings)
    return TestSetup(key, strict, seed, url_env, outage)


def parse_outage(value: Any, origin: str) -> Rendered:
    """`outage=503` or `outage={"status": 503, "json": ..., "headers": ...}` in a marker."""
    spec = {"status": value} if isinstance(value, int) else value
    if not isinstance(spec, Mapping) or not set(spec) <= {"status", "json", "body", "headers"}:
        raise SettingsError(
            f"{origin}: outage={value!r}: expected a 5xx status, or a dict with status and "
            "json, body or headers"
        )
    try:
        return outage_response(**spec)
    except (SettingsError, TypeError) as problem:
        raise SettingsError(f"{origin}: outage={value!r}: {problem}") from None


def marker_values(args: Sequence[Any], kwargs: Mapping[str, Any], origin: str) -> dict[str, Any]:
    """The marker's arguments as setting values; unknown keywords are an error."""
    if len(args) > 1:
        raise SettingsError(f"{origin}: postman_mock takes one collection path, got {len(args)}")
    values = dict(kwargs)
    if args:
        if "collection" in values:
            raise SettingsError(f"{origin}: collection given both by position and by keyword")
        values["collection"] = args[0]
    for name in values:
        if name not in ("collection", *MARKER_KEYWORDS):
            raise SettingsError(
                f"{origin}: unknown postman_mock argument {name!r}"
                f"{suggest(name, ('collection', *MARKER_KEYWORDS))}"
            )
    if "collection" in values and not isinstance(values["collection"], (str, Path)):
        raise SettingsError(f"{origin}: collection must be a file path")
    return values


def validate_global(layer: Layer) -> None:
    """Check ini / command-line values early (file paths are checked where they are used)."""
    for name, value in layer.values.items():
        if value in (None, "") or name in PATH_OPTIONS or name == "url_env":
            continue
        if name == "strict":
            parse_bool(name, value, layer.origin, layer.label(name))
        else:
            parse(name, value, layer.origin, layer.label(name))
