"""The live viewer's scenario switch, in a real headless Chromium driven by Selenium.

Self-contained: it starts `postman-mock serve` with a scenarios file, opens the viewer,
picks a scenario from the control and checks that the mock answers from it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from . import builders
from .conftest import start_serve

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
TIMEOUT = 5.0
SCENARIOS = """
happy: {}
maintenance:
  overrides:
    - {method: GET, path: /orders/:id, status: 503, json: {error: down}}
"""


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    if not (shutil.which(CHROMIUM) and shutil.which(DRIVER)):
        pytest.skip("needs Debian's chromium and chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(DRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def test_the_viewer_switches_the_scenario_of_a_running_serve(tmp_path: Path, browser: Any) -> None:
    doc = builders.collection(
        builders.request(
            "Order",
            "{{baseUrl}}/orders/:id",
            builders.json_example("Order", "{{baseUrl}}/orders/:id", {"id": "{{id}}"}),
        )
    )
    api = builders.write(tmp_path / "api.json", doc)
    (tmp_path / "scenarios.yaml").write_text(SCENARIOS)
    process = start_serve(str(api), "--scenarios", str(tmp_path / "scenarios.yaml"))
    try:
        assert process.stdout is not None
        url = process.stdout.readline().rsplit(" at ", 1)[1].strip()
        assert requests.get(url + "/orders/1", timeout=TIMEOUT).status_code == 200
        browser.get(url + "/__postman_mock__/")
        wait = WebDriverWait(browser, 20)
        control = wait.until(
            lambda b: (
                b.find_element("id", "scenario-control").is_displayed()
                and b.find_element("id", "scenario-switch")
            )
        )
        picker = Select(control)
        assert [o.text for o in picker.options] == ["(none)", "happy", "maintenance"]
        picker.select_by_visible_text("maintenance")
        wait.until(lambda b: b.find_element("id", "scenario-status").text == "now maintenance")
        answer = requests.get(url + "/orders/1", timeout=TIMEOUT)
        assert (answer.status_code, answer.json()) == (503, {"error": "down"})
        Select(browser.find_element("id", "scenario-switch")).select_by_visible_text("(none)")
        wait.until(lambda b: b.find_element("id", "scenario-status").text == "now no scenario")
        assert requests.get(url + "/orders/1", timeout=TIMEOUT).status_code == 200
    finally:
        process.terminate()
        process.communicate(timeout=10)
