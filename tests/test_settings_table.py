"""Every setting works in every place the settings table says it may be given.

The table (`SETTINGS`) generates pytest.ini options, `--postman-mock-*` flags, the
marker's keywords, MockServer's keyword check and `serve`'s flags. These tests walk
the table: for each row and each place it claims, they give a non-default value
there and read back what the server or the test actually got.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import pytest
import requests

from pytest_postman_mock import MockServer
from pytest_postman_mock.cli import _settings, build_parser
from pytest_postman_mock.settings import SETTINGS, MockSettings, Place, settings_in

from . import builders

# A value for each setting that differs from its default, as text (ini, flags) and as the
# value it parses to. Adding a setting without a sample fails `test_every_setting_has_a_sample`.
SAMPLES: dict[str, tuple[str, Any]] = {
    "collection": ("api.postman_collection.json", None),
    "environment": ("local.postman_environment.json", None),
    "delay": ("3g", 100),
    "match_body": ("true", True),
    "match_headers": ("X-Tenant,X-Team", ("X-Tenant", "X-Team")),
    "match_query_params": ("false", False),
    "match_wildcards": ("false", False),
    "match_fuzzy": ("false", False),
    "fuzzy_threshold": ("0.5", 0.5),
    "match_headers_strict": ("false", False),
    "select_by_path": ("true", True),
    "file_bodies": ("true", True),
    "api_key": ("s3cret", "s3cret"),
    "cors": ("false", False),
    "seed": ("7", 7),
    "variables": ("", (("who", "Ada"),)),
    "host": ("localhost", "localhost"),
    "port": ("0", 0),
    "max_calls": ("50", 50),
    "max_body": ("2048", 2048),
    # hostile input
    "max_variable_size": ("4096", 4096),
    "max_response_size": ("65536", 65536),
    "max_jsonpath_nodes": ("500", 500),
    "redact_headers": ("X-Session,X-Token", ("X-Session", "X-Token")),
    "allowed_hosts": ("mock.test,api.test", ("mock.test", "api.test")),
    "strict": ("false", False),
    "url_env": ("MOCK_URL", "MOCK_URL"),
    "outage": ("503", 503),
    # proxy and record
    "proxy": ("http://127.0.0.1:9", "http://127.0.0.1:9"),
    "record": ("new", "new"),
    "proxy_timeout": ("5", 5.0),
}
NEEDS: dict[str, dict[str, Any]] = {"record": {"proxy": "http://127.0.0.1:9"}}
"""Settings that only work with another one (recording needs a proxy)."""
MARKER_VALUES: dict[str, Any] = {"variables": {"who": "Ada"}, "outage": 503}
NOT_A_SERVER_SETTING_OF_THE_TEST = {"seed"}
"""pytest takes `seed` as the test's seed, not as a setting of the shared server."""


def test_every_setting_has_a_sample_and_the_table_names_mocksettings_fields() -> None:
    assert set(SAMPLES) == {s.name for s in SETTINGS}
    server_rows = {s.name for s in SETTINGS if s.server}
    assert server_rows == set(MockSettings.__dataclass_fields__)
    for setting in SETTINGS:
        assert setting.places, setting.name
        assert setting.help.endswith("."), setting.name


def write_api(folder: Path) -> Path:
    doc = builders.collection(
        builders.request(
            "Hello",
            "{{baseUrl}}/hello",
            builders.example("Hello", "{{baseUrl}}/hello", body="hi {{who}}"),
        ),
        name="Table API",
    )
    builders.write(folder / "api.postman_collection.json", doc)
    builders.write(folder / "local.postman_environment.json", builders.environment({"who": "env"}))
    return folder / "api.postman_collection.json"


PROBE = """
import json, os, pytest, requests

{decorator}
def test_probe(postman_mock, request):
    settings = postman_mock.settings
    seen = {f: getattr(settings, f) for f in settings.__dataclass_fields__}
    seen["strict"] = postman_mock.strict
    seen["url_env"] = "MOCK_URL" if os.environ.get("MOCK_URL") == postman_mock.url else None
    seen["collection"] = postman_mock.server.collection.name
    seen["environment"] = postman_mock.server.engine.environment is not None
    seen["outage"] = requests.get(postman_mock.url_for("/hello"),
                                  headers={"x-api-key": "s3cret"}).status_code
    seen["seed"] = request.config.stash[__import__("pytest_postman_mock.plugin.entry",
        fromlist=["SESSION"]).SESSION].seed
    print("SEEN=" + json.dumps(seen, default=list))
"""


def observed(result: pytest.RunResult) -> dict[str, Any]:
    line = next(x for x in result.outlines if "SEEN=" in x)
    return json.loads(line.partition("SEEN=")[2])


def expected_seen(name: str, value: Any) -> Any:
    if name == "collection":
        return "Table API"
    if name == "environment":
        return True
    if isinstance(value, tuple):
        return [list(v) if isinstance(v, tuple) else v for v in value]
    return value


@pytest.mark.parametrize("place", [Place.INI, Place.COMMAND_LINE, Place.MARKER])
def test_each_pytest_place_reaches_the_test(pytester: pytest.Pytester, place: Place) -> None:
    write_api(pytester.path)
    rows = settings_in(place)
    ini = ["[pytest]"]
    args: list[str] = ["-s", "-p", "no:cacheprovider"]
    marker: dict[str, Any] = {}
    if place is not Place.INI or "collection" not in {r.name for r in rows}:
        ini.append("postman_mock_collection = api.postman_collection.json")
    for row in rows:
        text, _ = SAMPLES[row.name]
        if place is Place.INI:
            ini.append(f"{row.ini} = {text}")
        elif place is Place.COMMAND_LINE:
            args.append(f"{row.flag}={text}")
        else:
            marker[row.name] = MARKER_VALUES.get(row.name, text)
    pytester.makeini("\n".join(ini) + "\n")
    decorator = f"@pytest.mark.postman_mock(**{marker!r})" if marker else ""
    pytester.makepyfile(test_probe=PROBE.replace("{decorator}", decorator))
    result = pytester.runpytest(*args)
    result.assert_outcomes(passed=1)
    seen = observed(result)
    for row in rows:
        text, value = SAMPLES[row.name]
        want = expected_seen(row.name, value)
        if row.name == "outage":
            want = 503
        if row.name == "seed":
            if place is Place.MARKER:
                continue  # a marker's seed seeds that test's values (see test_seed.py)
            want = 7
        assert seen[row.name] == want, (place, row.name, shlex.join(args))


@pytest.mark.parametrize("row", settings_in(Place.MOCK_SERVER), ids=lambda s: s.name)
def test_each_mockserver_keyword_reaches_the_server(row: Any, tmp_path: Path) -> None:
    text, value = SAMPLES[row.name]
    given = MARKER_VALUES.get(row.name, text)
    server = MockServer(write_api(tmp_path), **{row.name: given, **NEEDS.get(row.name, {})})
    assert getattr(server.settings, row.name) == value


def test_a_mockserver_keyword_outside_the_table_is_named_with_a_suggestion(
    tmp_path: Path,
) -> None:
    with pytest.raises(
        ValueError, match=r"unknown setting 'match_bodies' \(did you mean 'match_body'\?\)"
    ):
        MockServer(write_api(tmp_path), match_bodies=True)


@pytest.mark.parametrize("row", settings_in(Place.SERVE), ids=lambda s: s.name)
def test_each_serve_flag_reaches_the_server(row: Any, tmp_path: Path) -> None:
    text, value = SAMPLES[row.name]
    api = str(write_api(tmp_path))
    if row.is_bool:
        argv = ["serve", api, row.serve_flag if value else "--no-" + row.serve_flag[2:]]
    else:
        argv = ["serve", api, row.serve_flag, text]
    args = build_parser().parse_args(argv)
    if row.server:
        assert _settings(args)[row.name] == value
        given = {**NEEDS.get(row.name, {}), **_settings(args)}
        assert getattr(MockServer(api, **given).settings, row.name) == value
    else:
        assert getattr(args, row.name) == text


def test_pytest_markers_lists_every_marker_keyword(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    line = next(x for x in result.outlines if x.startswith("@pytest.mark.postman_mock("))
    for row in settings_in(Place.MARKER):
        assert f"{row.name}=" in line, row.name


def test_help_lists_every_ini_option_and_flag(pytester: pytest.Pytester) -> None:
    text = "\n".join(pytester.runpytest("--help").outlines)
    for row in settings_in(Place.INI):
        assert row.ini in text
    for row in settings_in(Place.COMMAND_LINE):
        assert row.flag in text


def test_a_bad_value_names_the_spelling_of_each_place(pytester: pytest.Pytester) -> None:
    write_api(pytester.path)
    pytester.makeini("[pytest]\npostman_mock_collection = api.postman_collection.json\n")
    pytester.makepyfile("def test_x(postman_mock): pass\n")
    result = pytester.runpytest("--postman-mock-fuzzy-threshold=2")
    assert "--postman-mock-fuzzy-threshold='2': expected a number above 0 and at most 1" in (
        result.stderr.str()
    )
    served = build_parser().parse_args(["serve", "api.json", "--max-calls", "x"])
    with pytest.raises(ValueError, match="--max-calls='x': expected a whole number"):
        _settings(served)


def test_serve_answers_with_the_settings_it_was_given(tmp_path: Path) -> None:
    """One end-to-end check that generated flags drive a live server."""
    api = str(write_api(tmp_path))
    args = build_parser().parse_args(["serve", api, "--api-key", "k", "--no-cors"])
    with MockServer(api, **_settings(args)) as server:
        assert requests.get(server.url_for("/hello")).status_code == 401
        answer = requests.get(server.url_for("/hello"), headers={"x-api-key": "k"})
        assert answer.status_code == 200 and "access-control-allow-origin" not in answer.headers
