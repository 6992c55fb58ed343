"""The call-log viewer in a real headless Chromium: type, filter, open calls, watch it live.

Chromium is driven by Selenium and Debian's chromium-driver (tests/browser.py): real key
presses and mouse clicks, as a person would use the page. Screenshots are saved in
tests/artifacts/ (ignored by git) for a look after the run.
"""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from .browser import Browser, browser
from .conftest import start_serve
from .support_shop import HOSTILE, SHOP_TESTS, write_shop

ARTIFACTS = Path(__file__).parent / "artifacts"
ROWS = "document.querySelectorAll('#calls tbody tr').length"
PNG = b"\x89PNG\r\n\x1a\n"


def text(driver: Browser, selector: str) -> str:
    found: str = driver.evaluate(f"document.querySelector({json.dumps(selector)}).textContent")
    return found


def texts(driver: Browser, selector: str) -> list[str]:
    found: list[str] = driver.evaluate(
        f"[...document.querySelectorAll({json.dumps(selector)})].map((e) => e.textContent)"
    )
    return found


def clear(driver: Browser, selector: str) -> None:
    """Select the field's text and delete it, as a person would."""
    driver.click(selector)
    driver.evaluate(f"document.querySelector({json.dumps(selector)}).select()")
    driver.press("BACKSPACE")


def save_screenshot(driver: Browser, name: str) -> Path:
    path = driver.screenshot(ARTIFACTS / name)
    data = path.read_bytes()
    assert data.startswith(PNG)
    assert int.from_bytes(data[16:20], "big") == 1280  # the PNG's width: the whole viewport
    return path


@pytest.fixture
def report_page(pytester: pytest.Pytester) -> Path:
    """The viewer page a real pytest run wrote: six calls of four tests, one unmatched."""
    write_shop(pytester.path)
    pytester.makeini("[pytest]\npostman_mock_collection = shop.postman_collection.json\n")
    pytester.makepyfile(test_shop=SHOP_TESTS)
    result = pytester.runpytest("-p", "no:randomly", "--postman-mock-report=report.html")
    result.assert_outcomes(passed=3, failed=1)
    return pytester.path / "report.html"


def test_search_filters_and_a_row_opens_its_request_and_response(
    report_page: Path, tmp_path: Path
) -> None:
    with browser(tmp_path / "profile") as page:
        page.open(report_page.as_uri())
        assert page.evaluate(ROWS) == 6
        assert page.evaluate("document.getElementById('detail').hidden") is True
        assert text(page, "#call-count") == "6 of 6 calls"

        page.type("#search", "orders/1001")
        assert page.evaluate(ROWS) == 2
        assert texts(page, "#calls tbody td.path") == ["/orders/1001", "/orders/1001/refund"]
        assert text(page, "#call-count") == "2 of 6 calls"

        clear(page, "#search")
        assert page.evaluate(ROWS) == 6
        page.choose("#filter-kind", "unmatched")
        assert texts(page, "#calls tbody td:last-child") == ["No matching requests"]
        page.choose("#filter-kind", "")
        page.choose("#filter-method", "POST")
        assert page.evaluate(ROWS) == 3
        page.choose("#filter-method", "")
        page.choose("#filter-test", "test_shop.py::test_catalog")
        assert texts(page, "#calls tbody td.path") == ["/items", "/items/A1"]
        page.choose("#filter-test", "")

        page.click("#calls tbody tr:nth-child(3)")  # test_order: POST /orders
        assert page.evaluate("document.querySelector('#calls tbody tr.selected').rowIndex") == 3
        assert text(page, "#detail h2") == "POST/orders201"
        assert text(page, "#detail .response-name") == "Order placed"
        assert text(page, "#request-body") == json.dumps({"sku": "A1", "quantity": 2}, indent=2)
        assert text(page, "#response-body") == json.dumps({"id": 1001}, indent=2)
        assert "Content-Type" in texts(page, "#detail .headers td")

        page.click("#calls tbody tr:nth-child(6)")  # test_refund: unmatched
        assert text(page, "#detail .response-name") == "No matching requests"
        misses = texts(page, "#detail .near-misses li strong")
        assert misses[0] == "Orders / Create order / Order placed"
        save_screenshot(page, "report-calls.png")

        page.press("ESCAPE")
        assert page.evaluate("document.getElementById('detail').hidden") is True
        assert page.evaluate("document.querySelectorAll('tr.selected').length") == 0


def test_a_hostile_request_body_is_shown_as_text_and_never_runs(
    report_page: Path, tmp_path: Path
) -> None:
    with browser(tmp_path / "profile") as page:
        page.open(report_page.as_uri())
        page.evaluate("window.alert = (m) => { window.alerted = (window.alerted || 0) + 1; }")
        page.click("#calls tbody tr:nth-child(5)")  # test_hostile_body
        assert text(page, "#request-body") == HOSTILE
        assert page.evaluate("window.alerted") is None
        assert page.evaluate("document.querySelectorAll('#detail img, #detail script').length") == 0


def test_the_coverage_view_shows_each_folder_with_a_bar(report_page: Path, tmp_path: Path) -> None:
    with browser(tmp_path / "profile") as page:
        page.open(report_page.as_uri())
        assert text(page, "#tab-coverage") == "Coverage (57%)"  # 4 of 7 examples
        page.click("#tab-coverage")
        assert page.evaluate("document.getElementById('calls-view').hidden") is True
        assert texts(page, ".folder h3") == ["Catalog", "Orders", "(top level)"]
        widths = page.evaluate(
            "[...document.querySelectorAll('.folder .meter > span')].map((e) => e.style.width)"
        )
        assert widths == ["66%", "66%", "0%"]
        assert texts(page, ".folder-head .numbers")[1] == "2 of 3 examples served · 3 calls"
        save_screenshot(page, "report-coverage.png")

        page.click("#only-unserved")
        unserved = texts(page, ".example-row td:nth-child(3)")
        assert unserved == ["Out of stock", "Payment declined", "Healthy"]


@contextmanager
def serve(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`postman-mock serve` as a user runs it, with its live viewer."""
    process = start_serve(*args)
    assert process.stdout is not None
    url = process.stdout.readline().strip().rsplit(" ", 1)[1]
    try:
        yield process, url
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    with serve(str(write_shop(tmp_path))) as running:
        yield running


def test_the_live_page_refreshes_itself_and_keeps_the_search(
    served: tuple[subprocess.Popen[str], str], tmp_path: Path
) -> None:
    process, url = served
    with browser(tmp_path / "profile") as page:
        page.open(url + "/__postman_mock__/")
        assert page.evaluate(ROWS) == 0
        assert text(page, "#no-calls") == "No calls yet."
        page.type("#search", "items")

        requests.get(url + "/items", timeout=5)
        requests.get(url + "/items/A1", timeout=5)
        requests.get(url + "/health", timeout=5)
        page.wait_for(f"{ROWS} === 2", timeout=10)  # the next poll, within 2 s
        assert texts(page, "#calls tbody td.path") == ["/items", "/items/A1"]
        assert text(page, "#call-count") == "2 of 3 calls"
        assert text(page, "#live").startswith("Live · updated ")
        save_screenshot(page, "live-viewer.png")

        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
        page.wait_for("document.getElementById('live').classList.contains('offline')", 10)
        assert "cannot reach the mock server" in text(page, "#live")
        assert page.evaluate(ROWS) == 2  # what it showed stays


def test_a_private_mocks_live_page_sends_its_key_with_each_refresh(tmp_path: Path) -> None:
    with (
        serve(str(write_shop(tmp_path)), "--api-key", "s3cret") as (_, url),
        browser(tmp_path / "profile") as page,
    ):
        page.open(url + "/__postman_mock__/?key=s3cret")
        requests.get(url + "/health", headers={"x-api-key": "s3cret"}, timeout=5)
        page.wait_for(f"{ROWS} === 1", timeout=10)
        assert text(page, "#live").startswith("Live · updated ")
