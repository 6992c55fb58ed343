"""In a real headless Chromium (Selenium): the live viewer refuses a foreign Host, and the
viewer and the HTML report show `[redacted]` for every secret header and for the API key
an example echoes in its body.

DNS rebinding is played out with Chromium's own resolver: `evil.test` maps to 127.0.0.1,
so the browser reaches the viewer while it sends `Host: evil.test`.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from . import builders
from .conftest import start_serve

selenium = pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

KEY = "k3y-browser-secret"
SECRETS = [KEY, "tok-authorization-1", "tok-cookie-2", "tok-proxy-3", "tok-session-4", "tok-set"]
LISTED = ("x-api-key", "Authorization", "Cookie", "Proxy-Authorization", "X-Session")
PREFIX = "/__postman_mock__/"
WAIT = 20


def binaries() -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.skip("Chromium and chromedriver are not installed (apt-get install chromium-driver)")
    return chromium, driver


@pytest.fixture
def chrome(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    chromium, driver = binaries()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--host-resolver-rules=MAP evil.test 127.0.0.1",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(flag)
    browser = webdriver.Chrome(options=options, service=Service(driver))
    try:
        yield browser
    finally:
        browser.quit()


def body_text(browser: webdriver.Chrome) -> str:
    return str(browser.find_element(By.TAG_NAME, "body").text)


def shown_call(browser: webdriver.Chrome) -> tuple[dict[str, str], str]:
    """Open the first call and read its request headers and response body as shown."""
    WebDriverWait(browser, WAIT).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "#calls tbody tr")
    )
    browser.find_element(By.CSS_SELECTOR, "#calls tbody tr").click()
    WebDriverWait(browser, WAIT).until(lambda b: b.find_element(By.ID, "detail").is_displayed())
    tables = browser.find_elements(By.CSS_SELECTOR, "#detail table.headers")
    rows = {}
    for table in tables:
        for row in table.find_elements(By.TAG_NAME, "tr"):
            cells = row.find_elements(By.TAG_NAME, "td")
            if len(cells) == 2:
                rows[cells[0].text.lower()] = cells[1].text
    return rows, str(browser.find_element(By.ID, "response-body").text)


def assert_redacted(browser: webdriver.Chrome) -> None:
    headers, response_body = shown_call(browser)
    for name in (*LISTED, "Set-Cookie"):
        assert headers[name.lower()] == "[redacted]", name
    assert json.loads(response_body) == {"key": "[redacted]", "auth": "[redacted]"}
    source = browser.page_source
    for secret in SECRETS:
        assert secret not in source, secret


def test_the_viewer_refuses_a_foreign_host_and_shows_secrets_redacted(
    chrome: webdriver.Chrome, tmp_path: Path
) -> None:
    report = tmp_path / "report.html"
    serve = start_serve(
        str(builders.secrets_api(tmp_path)),
        "--api-key",
        KEY,
        "--redact-headers",
        "X-Session",
        "--report",
        str(report),
    )
    try:
        assert serve.stdout is not None
        url = serve.stdout.readline().strip().rsplit(" ", 1)[-1]
        port = url.rsplit(":", 1)[1]
        headers = {"x-api-key": KEY, **builders.SECRET_HEADERS}
        assert requests.get(f"{url}/whoami", headers=headers, timeout=5).json()["key"] == KEY

        for path in (PREFIX, PREFIX + "data.json"):
            chrome.get(f"http://evil.test:{port}{path}?key={KEY}")
            text = body_text(chrome)
            assert text.startswith("Misdirected request: this call-log viewer answers only to")
            assert "Who am I" not in chrome.page_source and "whoami" not in text

        chrome.get(f"{url}{PREFIX}?key={KEY}")
        assert chrome.title.startswith("Postman mock call log")
        assert_redacted(chrome)
    finally:
        serve.terminate()
        serve.communicate(timeout=20)
    assert serve.returncode == 0
    chrome.get(report.as_uri())
    assert_redacted(chrome)
