"""The call-log viewer: the page's data and safety, HTML or JSON reports, the live page of serve."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import signal
import threading
import time
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import requests
from werkzeug.test import Client

from pytest_postman_mock import Kind, MockServer
from pytest_postman_mock.cli import build_parser, serve
from pytest_postman_mock.errors import SettingsError
from pytest_postman_mock.report.viewer import render_html, save_report
from pytest_postman_mock.serving.viewer_app import (
    DEFAULT_PREFIX,
    ViewerMiddleware,
    normalize_prefix,
    server_report,
    shadowed,
)

from . import builders
from .conftest import start_serve
from .support_shop import HOSTILE, SHOP_TESTS, write_shop

KIND_LABELS = {kind.value: kind.label for kind in Kind}
"""The page reads every kind's label from the same table as the text reports."""


def embedded(page: str, element_id: str) -> Any:
    """The JSON the page carries in `<script type="application/json" id=...>`."""
    found = re.search(
        rf'<script type="application/json" id="{element_id}">(.*?)</script>', page, re.S
    )
    assert found, f"no #{element_id} in the page"
    return json.loads(found.group(1))


def sha256_source(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


@pytest.fixture
def shop_server(tmp_path: Path) -> Iterator[MockServer]:
    """A running shop mock that has answered three calls, one of them unmatched."""
    with MockServer(write_shop(tmp_path)) as mock:
        requests.get(mock.url_for("/items"), timeout=5)
        requests.post(mock.url_for("/orders"), data=HOSTILE, timeout=5)
        requests.delete(mock.url_for("/items/A1"), timeout=5)
        yield mock


@pytest.fixture
def report(shop_server: MockServer) -> dict[str, Any]:
    """The server's report as it reads back from JSON (tuples become lists)."""
    found: dict[str, Any] = json.loads(
        json.dumps(server_report(shop_server, "shop.postman_collection.json"))
    )
    return found


# ---- the page ---------------------------------------------------------------------------


def test_the_page_carries_the_whole_report(report: dict[str, Any]) -> None:
    page = render_html(report)
    assert page.startswith("<!doctype html>")
    assert embedded(page, "report-data") == report
    assert "<title>Postman mock call log: Shop API</title>" in page
    [collection] = report["collections"]
    assert [c["request"]["path"] for c in collection["calls"]] == ["/items", "/orders", "/items/A1"]


def test_a_request_body_cannot_break_out_of_the_script_element(report: dict[str, Any]) -> None:
    page = render_html(report)
    assert HOSTILE not in page
    assert page.count("<script") == page.count("</script>") == 3  # data, config, the viewer
    data = page.split('id="report-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and ">" not in data
    calls = embedded(page, "report-data")["collections"][0]["calls"]
    assert calls[1]["request"]["body"] == {"text": HOSTILE}  # the same text, once parsed


def test_report_text_reaches_the_page_only_as_text() -> None:
    assets = files("pytest_postman_mock.report").joinpath("viewer_assets")
    source = assets.joinpath("viewer.js").read_text(encoding="utf-8")
    assert "textContent" in source
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in source


def test_the_page_has_search_filters_a_detail_panel_and_a_coverage_view(
    report: dict[str, Any],
) -> None:
    page = render_html(report)
    for element in (
        'id="search"',
        'id="filter-method"',
        'id="filter-status"',
        'id="filter-kind"',
        'id="filter-test"',
        'id="calls"',
        'id="detail"',
        'id="coverage"',
        'id="only-unserved"',
    ):
        assert element in page


def test_the_page_loads_nothing_from_the_network(report: dict[str, Any]) -> None:
    page = render_html(report)
    data = embedded(page, "report-data")
    page = page.replace(page.split('id="report-data">', 1)[1].split("</script>", 1)[0], "")
    assert data["collections"]  # what was cut is inert data (the request bodies hold "src=")
    assert not re.search(r"https?:|\b(?:src|href|action)\s*=|<link|@import|url\(", page, re.I)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert policy
    assert "default-src 'none'" in policy.group(1)
    assert "connect-src 'none'" in policy.group(1)


def test_the_policy_lets_exactly_the_inline_style_and_script_run(report: dict[str, Any]) -> None:
    page = render_html(report)
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    script = page.rsplit("<script>", 1)[1].split("</script>", 1)[0]
    assert f"style-src {sha256_source(style)}" in page
    assert f"script-src {sha256_source(script)}" in page
    assert "unsafe-inline" not in page


def test_the_live_page_polls_only_its_own_data(report: dict[str, Any]) -> None:
    live = render_html(report, live_url="data.json", refresh_ms=500)
    config = embedded(live, "viewer-config")
    assert config == {"liveUrl": "data.json", "refreshMs": 500, "kinds": KIND_LABELS}
    assert "connect-src 'self'" in live
    assert embedded(render_html(report), "viewer-config")["liveUrl"] is None


@pytest.mark.parametrize(
    ("name", "html"),
    [("report.html", True), ("REPORT.HTM", True), ("report.json", False), ("report", False)],
)
def test_save_report_chooses_the_format_by_suffix(
    tmp_path: Path, report: dict[str, Any], name: str, html: bool
) -> None:
    target = tmp_path / "out" / name
    save_report(target, report)
    text = target.read_text(encoding="utf-8")
    if html:
        assert text.startswith("<!doctype html>")
        assert embedded(text, "report-data") == report
    else:
        assert json.loads(text) == report


def test_pytest_writes_html_or_json_by_the_report_file_name(pytester: pytest.Pytester) -> None:
    write_shop(pytester.path)
    pytester.makeini("[pytest]\npostman_mock_collection = shop.postman_collection.json\n")
    pytester.makepyfile(test_shop=SHOP_TESTS)
    for name in ("out/report.html", "out/report.json"):
        result = pytester.runpytest(
            "-p", "no:randomly", "--postman-mock-seed=7", f"--postman-mock-report={name}"
        )
        result.assert_outcomes(passed=3, failed=1)  # test_refund: strict mode
    page = (pytester.path / "out" / "report.html").read_text(encoding="utf-8")
    from_html = embedded(page, "report-data")
    from_json = json.loads((pytester.path / "out" / "report.json").read_text(encoding="utf-8"))

    def essentials(report: dict[str, Any]) -> Any:
        [collection] = report["collections"]
        calls = [
            (c["testId"], c["request"]["method"], c["request"]["path"], c["responseName"])
            for c in collection["calls"]
        ]
        served = [(row["label"], row["served"]) for row in collection["coverage"]]
        return report["seed"], collection["kinds"], calls, served

    assert essentials(from_html) == essentials(from_json)
    seed, kinds, calls, served = essentials(from_html)
    assert (seed, kinds) == (7, {"matched": 5, "unmatched": 1})
    assert calls[-1] == ("test_shop.py::test_refund", "POST", "/orders/1001/refund", None)
    assert ("Orders / Create order / Order placed", 2) in served
    assert HOSTILE not in page


def test_the_report_option_says_html_or_json_in_its_help(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(["*--postman-mock-report=FILE*"])
    assert "viewer page when FILE ends in .html" in " ".join(result.stdout.str().split())


# ---- the live page: middleware ----------------------------------------------------------


def test_the_middleware_serves_the_viewer_and_passes_the_rest_to_the_mock(
    tmp_path: Path,
) -> None:
    server = MockServer(write_shop(tmp_path))  # WSGI only: no socket needed
    client = Client(ViewerMiddleware(server.app, lambda: server_report(server)))

    assert client.get("/items").status_code == 200
    page = client.get(DEFAULT_PREFIX)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert page.headers["Cache-Control"] == "no-store"
    assert embedded(page.get_data(as_text=True), "viewer-config")["liveUrl"] == "data.json"
    data = client.get(DEFAULT_PREFIX + "data.json")
    assert data.mimetype == "application/json"
    [collection] = data.get_json()["collections"]
    assert [c["request"]["path"] for c in collection["calls"]] == ["/items"]
    assert client.head(DEFAULT_PREFIX).status_code == 200

    redirect = client.get(DEFAULT_PREFIX.rstrip("/"))
    assert (redirect.status_code, redirect.headers["Location"]) == (308, DEFAULT_PREFIX)
    assert client.post(DEFAULT_PREFIX).status_code == 404  # not the viewer's: the mock's
    assert client.get(DEFAULT_PREFIX + "other").status_code == 404
    assert [(c.method, c.path) for c in server.calls] == [
        ("GET", "/items"),
        ("POST", DEFAULT_PREFIX),
        ("GET", DEFAULT_PREFIX + "other"),
    ]


def test_a_private_mock_shows_its_calls_only_to_callers_with_the_key(tmp_path: Path) -> None:
    server = MockServer(write_shop(tmp_path), api_key="s3cret")
    client = Client(ViewerMiddleware(server.app, lambda: server_report(server), api_key="s3cret"))

    assert client.get(DEFAULT_PREFIX).status_code == 401
    assert client.get(DEFAULT_PREFIX + "data.json?key=wrong").status_code == 401
    assert client.get(DEFAULT_PREFIX + "?key=s3cret").status_code == 200
    data = client.get(DEFAULT_PREFIX + "data.json", headers={"x-api-key": "s3cret"})
    assert data.status_code == 200 and data.get_json()["collections"][0]["calls"] == []
    redirect = client.get(DEFAULT_PREFIX.rstrip("/") + "?key=s3cret")
    assert redirect.headers["Location"] == DEFAULT_PREFIX + "?key=s3cret"
    assert client.get("/items").status_code == 401  # the mock's own check, untouched


@pytest.mark.parametrize(
    ("given", "prefix"),
    [("x", "/x/"), ("/x", "/x/"), ("/a/b/", "/a/b/"), ("//log//", "/log/")],
)
def test_viewer_paths_are_normalized(given: str, prefix: str) -> None:
    assert normalize_prefix(given) == prefix


@pytest.mark.parametrize("given", ["/", "", "/log?x=1", "/my log/"])
def test_a_viewer_path_that_would_hide_the_mock_or_is_not_a_path_is_refused(given: str) -> None:
    with pytest.raises(SettingsError, match="--viewer-path"):
        normalize_prefix(given)


def test_routes_the_viewer_would_hide_are_found(tmp_path: Path) -> None:
    clash = builders.request(
        "Clash",
        "{{baseUrl}}/__postman_mock__",
        builders.example("Clash", "{{baseUrl}}/__postman_mock__", body="mine"),
    )
    server = MockServer(write_shop(tmp_path, clash))
    assert shadowed(server.engine, DEFAULT_PREFIX) == ["GET /__postman_mock__"]
    assert shadowed(server.engine, "/_log/") == []


# ---- the live page: postman-mock serve ----------------------------------------------------


class Lines(io.StringIO):
    """serve's output, readable while it runs."""

    def wait_for(self, prefix: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.getvalue().splitlines():
                if line.startswith(prefix):
                    return line
            time.sleep(0.02)
        raise AssertionError(f"no line starting {prefix!r} in {self.getvalue()!r}")


def serve_in_thread(*argv: str) -> tuple[str, Lines, threading.Event, threading.Thread]:
    """`postman-mock serve` in this process, so each test does not pay for a new one."""
    out, stop = Lines(), threading.Event()
    args = build_parser().parse_args(["serve", *argv])
    thread = threading.Thread(target=serve, args=(args, out, stop), daemon=True)
    thread.start()
    url = out.wait_for("Serving").rsplit(" ", 1)[1]
    return url, out, stop, thread


def test_serve_moves_the_viewer_or_turns_it_off(tmp_path: Path) -> None:
    collection = str(write_shop(tmp_path))
    url, _, stop, thread = serve_in_thread(collection, "--viewer-path", "_log")
    try:
        assert (
            requests.get(url + "/_log/", timeout=5).headers["Content-Type"].startswith("text/html")
        )
        assert requests.get(url + DEFAULT_PREFIX, timeout=5).status_code == 404  # the mock's
        [collection_data] = requests.get(url + "/_log/data.json", timeout=5).json()["collections"]
        assert [c["request"]["path"] for c in collection_data["calls"]] == [DEFAULT_PREFIX]
    finally:
        stop.set()
        thread.join(timeout=10)

    url, _, stop, thread = serve_in_thread(collection, "--no-viewer")
    try:
        missing = requests.get(url + DEFAULT_PREFIX, timeout=5)
        assert missing.status_code == 404
        assert missing.json()["error"]["name"] == "mockRequestNotFoundError"
    finally:
        stop.set()
        thread.join(timeout=10)


def test_serve_warns_when_the_viewer_hides_a_route(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clash = builders.request(
        "Clash",
        "{{baseUrl}}/__postman_mock__/data.json",
        builders.example("Clash", "{{baseUrl}}/__postman_mock__/data.json", body="mine"),
    )
    url, _, stop, thread = serve_in_thread(str(write_shop(tmp_path, clash)))
    stop.set()
    thread.join(timeout=10)
    err = capsys.readouterr().err
    assert (
        "warning: the call-log viewer at /__postman_mock__/ hides "
        "GET /__postman_mock__/data.json of the collection; "
        "move it with --viewer-path or turn it off with --no-viewer"
    ) in err
    assert f"Call-log viewer at {url}/__postman_mock__/" in err


def test_serve_shows_the_live_page_and_writes_the_report_when_it_stops(tmp_path: Path) -> None:
    collection = write_shop(tmp_path)
    report = tmp_path / "out" / "calls.html"
    report_flag = ("--report", str(report))
    process = start_serve(str(collection), *report_flag)
    try:
        assert process.stdout is not None and process.stderr is not None
        url = process.stdout.readline().strip().rsplit(" ", 1)[1]
        assert process.stderr.readline().strip() == f"Call-log viewer at {url}/__postman_mock__/"
        page = requests.get(url + "/__postman_mock__/", timeout=5)
        assert page.status_code == 200
        config = embedded(page.text, "viewer-config")
        assert config == {"liveUrl": "data.json", "refreshMs": 2000, "kinds": KIND_LABELS}
        assert requests.get(url + "/items", timeout=5).status_code == 200
        data = requests.get(url + "/__postman_mock__/data.json", timeout=5).json()
        [live] = data["collections"]
        assert [c["request"]["path"] for c in live["calls"]] == ["/items"]  # not the viewer's
        assert live["file"] == str(collection)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=5)
    assert process.returncode == 0, err
    lines = out.splitlines()
    assert lines[-2:] == [f"Wrote the call log and coverage to {report}", "Stopped."]
    assert len(lines) == 3  # the one call, then the two above: the viewer's requests are not logged
    written = embedded(report.read_text(encoding="utf-8"), "report-data")
    [collection_data] = written["collections"]
    assert [c["responseName"] for c in collection_data["calls"]] == ["All items"]
    assert embedded(report.read_text(encoding="utf-8"), "viewer-config")["liveUrl"] is None
