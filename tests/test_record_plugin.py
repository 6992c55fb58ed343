"""Proxy and record from pytest (marker, ini, flags, CI) and from `postman-mock record`."""

from __future__ import annotations

import io
import json
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from pytest_postman_mock.cli import _settings, build_parser, main

from . import upstream
from .conftest import start_serve

LIVE_TEST = """
import requests

{decorator}
def test_live(postman_mock):
    answer = requests.get(postman_mock.url_for("/users/42"))
    assert answer.json()["from"] == "upstream"
    assert postman_mock.calls.last.kind == "proxied"
"""


@pytest.fixture
def target() -> Iterator[tuple[str, upstream.Upstream]]:
    with upstream.running() as found:
        yield found


def recorded(path: Path) -> list[str]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    users = next(i for i in doc["item"] if i["name"] == "Users")
    get_user = next(i for i in users["item"] if i["name"] == "Get user")
    return [e["name"] for e in get_user["response"]]


def test_the_marker_records_strict_mode_passes_and_the_summary_says_where(
    pytester: pytest.Pytester,
    target: tuple[str, upstream.Upstream],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    url, _ = target
    api = upstream.users_collection(pytester.path)
    pytester.makeini("[pytest]\npostman_mock_collection = api.postman_collection.json\n")
    marker = f'@__import__("pytest").mark.postman_mock(proxy="{url}", record="new")'
    pytester.makepyfile(test_live=LIVE_TEST.format(decorator=marker))
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*1 call(s), 0 unmatched, 1 proxied*",
            f"  recorded 1 example(s) into {api}:",
            "    GET /users/42 -> 200: added '200 OK' under 'Users / Get user'",
        ]
    )
    assert recorded(api) == ["200 OK"]


def test_on_ci_only_the_command_line_turns_recording_on(
    pytester: pytest.Pytester,
    target: tuple[str, upstream.Upstream],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CI", "true")
    url, _ = target
    api = upstream.users_collection(pytester.path)
    pytester.makeini(
        "[pytest]\npostman_mock_collection = api.postman_collection.json\n"
        f"postman_mock_proxy = {url}\npostman_mock_record = new\n"
    )
    pytester.makepyfile(test_live=LIVE_TEST.format(decorator=""))
    pytester.runpytest().assert_outcomes(passed=1)  # proxied, but not saved
    assert recorded(api) == []
    pytester.runpytest("--postman-mock-record=new").assert_outcomes(passed=1)
    assert recorded(api) == ["200 OK"]


def test_postman_mock_record_serves_proxies_and_saves(
    tmp_path: Path, target: tuple[str, upstream.Upstream]
) -> None:
    url, _ = target
    api = upstream.users_collection(tmp_path)
    process = start_serve(str(api), "--proxy", url, "--no-viewer", command="record")
    try:
        assert process.stdout is not None
        mock = process.stdout.readline().rsplit(" ", 1)[1].strip()
        assert requests.get(mock + "/users/42").json()["from"] == "upstream"
        assert requests.get(mock + "/health").text == "up from the example"
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
    assert f"Proxying unmatched calls to {url}, recording new" in err
    assert "GET /users/42 -> 200: recorded as '200 OK' under 'Users / Get user'" in out
    assert recorded(api) == ["200 OK"]


def test_record_without_a_proxy_says_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api = upstream.users_collection(tmp_path)
    assert main(["record", str(api)], out=io.StringIO()) == 2
    assert "record needs --proxy URL" in capsys.readouterr().err


def test_serve_record_without_a_mode_means_new() -> None:
    argv = ["serve", "api.json", "--proxy", "http://127.0.0.1:9", "--record"]
    args = build_parser().parse_args(argv)
    assert _settings(args)["record"] == "new"
