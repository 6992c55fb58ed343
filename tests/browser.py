"""Headless Chromium for tests, driven by Selenium through Debian's chromium-driver.

Real key presses and mouse clicks, as a person would use the page. Both the browser and its
driver come from the system (`apt-get install chromium chromium-driver`): Selenium is given
their paths, so it never looks for or downloads anything.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
TIMEOUT = 30.0


def _found(*names: str) -> str | None:
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium() -> tuple[str, str]:
    """Chromium and its driver; skips the test when absent (fails under CI, which installs them)."""
    binary = _found("chromium", "chromium-browser")
    driver = _found("chromedriver")
    if binary and driver:
        return binary, driver
    if os.environ.get("CI"):
        pytest.fail("Chromium or chromedriver is missing in CI: .ci/run installs Debian's")
    pytest.skip("Chromium is not installed (apt-get install chromium chromium-driver)")


class Browser:
    """One headless Chromium window with one page."""

    def __init__(self, profile: Path, width: int = 1280, height: int = 800) -> None:
        binary, driver = chromium()
        options = webdriver.ChromeOptions()
        options.binary_location = binary
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={profile}")
        options.add_argument(f"--window-size={width},{height}")
        self.driver = webdriver.Chrome(options=options, service=Service(executable_path=driver))
        try:
            self.driver.set_page_load_timeout(TIMEOUT)
            self.driver.set_script_timeout(TIMEOUT)
            # The viewport itself is width x height, whatever the window decorations take.
            self.driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            )
        except BaseException:
            self.driver.quit()
            raise

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises are awaited)."""
        return self.driver.execute_script(f"return ({expression});")

    def wait_for(self, expression: str, timeout: float = 10.0) -> Any:
        """Poll until `expression` is truthy in the page; its value."""
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(
                lambda _: self.evaluate(expression)
            )
        except TimeoutException:
            raise AssertionError(f"still false after {timeout}s: {expression}") from None

    def open(self, url: str) -> None:
        """Load `url` and wait until its scripts have run (document complete)."""
        self.driver.get(url)
        self.wait_for(f"location.href === {json.dumps(url)} && document.readyState === 'complete'")

    def element(self, selector: str) -> WebElement:
        """The first element matching `selector`, once it is there."""
        self.wait_for(f"document.querySelector({json.dumps(selector)})")
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the first element matching `selector`."""
        found = self.element(selector)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", found)
        ActionChains(self.driver).move_to_element(found).click().perform()

    def type(self, selector: str, text: str) -> None:
        """Focus the element and type `text` key by key, as a person would."""
        self.click(selector)
        ActionChains(self.driver).send_keys(text).perform()

    def press(self, key: str) -> None:
        """Press and release a named key (`BACKSPACE`, `ESCAPE`) in the focused element."""
        ActionChains(self.driver).send_keys(getattr(Keys, key)).perform()

    def choose(self, selector: str, value: str) -> None:
        """Pick the option of a <select> that has `value`."""
        Select(self.element(selector)).select_by_value(value)

    def screenshot(self, path: Path) -> Path:
        """Save a PNG of what the page shows."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.driver.get_screenshot_as_png())
        return path

    def close(self) -> None:
        self.driver.quit()


@contextmanager
def browser(profile: Path, width: int = 1280, height: int = 800) -> Iterator[Browser]:
    """A headless Chromium page for the length of the block."""
    driver = Browser(profile, width, height)
    try:
        yield driver
    finally:
        driver.close()


@contextmanager
def serve_page(html: str) -> Iterator[str]:
    """Serve one HTML page from its own origin (a different port from the mock's)."""

    def app(environ: object, start_response: object) -> object:
        return Response(html, mimetype="text/html")(environ, start_response)  # type: ignore[arg-type]

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
