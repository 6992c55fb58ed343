"""From pytest.ini, `--postman-mock-*` options and the marker to one `TestSetup` per test.

Precedence: marker > command line > ini > defaults. Paths resolve relative to
where they were written: ini values to the ini file's folder, command-line
values to the invocation folder, marker values to the test file's folder and
then the rootdir. Every problem is a `SettingsError` naming the setting and
where it came from; the plugin turns it into a `pytest.UsageError`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from ..engine.plans import Rendered, outage_response
from ..errors import SettingsError, did_you_mean
from ..settings import BY_NAME, MockSettings, Place, Setting, settings_in

OPTIONS: tuple[Setting, ...] = tuple(
    s for s in settings_in(Place.INI | Place.COMMAND_LINE) if Place.INI in s.places
)
"""The settings of pytest.ini and the command line (the same set today), table order."""
MARKER_KEYWORDS = tuple(s.name for s in settings_in(Place.MARKER))
PATH_OPTIONS = ("collection", "environment")
COMMAND_LINE = "command line"
"""The origin of the `--postman-mock-*` layer."""


def on_ci() -> bool:
    """Whether this run is on CI (`CI=true`), where only the command line turns recording on."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes", "on")


def marker_doc() -> str:
    """The `pytest --markers` line, listing every keyword the marker takes."""
    keywords = ", ".join(f"{name}=None" for name in MARKER_KEYWORDS if name != "collection")
    return (
        f"postman_mock(collection=None, *, {keywords}): serve a Postman collection's examples "
        "to this test through the postman_mock fixture."
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
    record_origin = ""
    files: dict[str, Path | None] = {"collection": None, "environment": None}
    for layer in layers:
        for name, value in layer.values.items():
            if value is None or (
                isinstance(value, str) and value == "" and name not in ("api_key",)
            ):
                continue
            label = layer.label(name)
            parsed = BY_NAME[name].parse(value, layer.origin, label)
            if name in PATH_OPTIONS:
                files[name] = find_file(parsed, layer.bases, label, layer.origin)
            elif name == "strict":
                strict = parsed
            elif name == "seed":
                seed = parsed
            elif name == "url_env":
                url_env = parsed
            elif name == "outage":
                outage = build_outage(parsed, value, layer.origin)
            else:
                if name == "record":
                    record_origin = layer.origin
                settings = replace(settings, **{name: parsed})
    collection = files["collection"]
    if collection is None:
        raise SettingsError(
            "no Postman collection for the postman_mock fixture: set postman_mock_collection in "
            "pytest.ini, pass --postman-mock-collection, or use "
            '@pytest.mark.postman_mock("api.postman_collection.json")'
        )
    if settings.record != "none" and record_origin != COMMAND_LINE and on_ci():
        settings = replace(settings, record="none")  # CI records only when told on the command line
    key = ServerKey(collection, files["environment"], settings)
    return TestSetup(key, strict, seed, url_env, outage)


def build_outage(spec: dict[str, Any] | None, value: Any, origin: str) -> Rendered | None:
    """The outage response for a parsed `outage=` spec (a status, or status and body)."""
    if spec is None:
        return None
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
        if name not in MARKER_KEYWORDS:
            raise SettingsError(
                f"{origin}: unknown postman_mock argument {name!r}"
                f"{did_you_mean(name, MARKER_KEYWORDS)}"
            )
    if "collection" in values and not isinstance(values["collection"], (str, Path)):
        raise SettingsError(f"{origin}: collection must be a file path")
    return values


def validate_global(layer: Layer) -> None:
    """Check ini / command-line values early (file paths are checked where they are used)."""
    for name, value in layer.values.items():
        if value in (None, "") or name in PATH_OPTIONS:
            continue
        BY_NAME[name].parse(value, layer.origin, layer.label(name))
