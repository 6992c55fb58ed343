"""CORS in a real browser: a page on one origin reads JSON from the mock on another."""

from __future__ import annotations

import json
from pathlib import Path

from pytest_postman_mock import Kind, MockServer

from . import builders
from .browser import browser, serve_page

PAGE = """<!doctype html>
<html><body><pre id="result">pending</pre>
<script>
fetch("%s/widgets/1", {headers: {"X-Requested-By": "browser-test"}})
  .then(async (response) => {
    const body = await response.json();
    document.getElementById("result").textContent = JSON.stringify({
      status: response.status, body: body, total: response.headers.get("X-Total-Count")});
  })
  .catch((error) => { document.getElementById("result").textContent = "error: " + error; });
</script></body></html>
"""


def test_a_cross_origin_fetch_with_a_custom_header_gets_through(tmp_path: Path) -> None:
    collection = builders.write(
        tmp_path / "widgets.json",
        builders.collection(
            builders.request(
                "Widget",
                "https://x.test/widgets/1",
                builders.json_example(
                    "Widget",
                    "https://x.test/widgets/1",
                    {"id": 1, "name": "Sprocket"},
                    headers={"X-Total-Count": "1"},
                ),
            )
        ),
    )
    with MockServer(collection) as mock, serve_page(PAGE % mock.url) as page:
        assert page.split(":")[2] != mock.url.split(":")[2]  # two origins
        with browser(tmp_path / "profile") as window:
            window.open(page)
            shown = window.wait_for(
                "document.getElementById('result').textContent !== 'pending'"
                " && document.getElementById('result').textContent"
            )
        calls = mock.calls
    assert not shown.startswith("error:"), shown
    result = json.loads(shown)
    assert result == {"status": 200, "body": {"id": 1, "name": "Sprocket"}, "total": "1"}
    preflight, fetched = calls
    assert (preflight.method, preflight.kind) == ("OPTIONS", Kind.PREFLIGHT)
    assert preflight.header("Access-Control-Request-Headers") == "x-requested-by"
    assert (fetched.method, fetched.example) == ("GET", "Widget")
    assert fetched.header("X-Requested-By") == "browser-test"
