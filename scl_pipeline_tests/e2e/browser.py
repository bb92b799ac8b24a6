"""Headless Chromium driven by Selenium: Debian's ``chromium`` and its ``chromedriver``.

Both come from one Debian source package, so the driver always speaks the browser's version;
Selenium Manager is never asked to download anything (the driver's path is given).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM_ENV, CHROMEDRIVER_ENV = "SCL_CHROMIUM", "SCL_CHROMEDRIVER"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars")
WIDTH = 1280


class BrowserMissing(RuntimeError):
    pass


def chromium_paths() -> tuple[str, str]:
    """(chromium, chromedriver), or :class:`BrowserMissing` saying how to install them."""
    browser = os.environ.get(CHROMIUM_ENV) or shutil.which("chromium")
    driver = os.environ.get(CHROMEDRIVER_ENV) or shutil.which("chromedriver")
    if not browser or not driver:
        raise BrowserMissing(
            f"headless Chromium is needed (found chromium={browser!r}, chromedriver={driver!r}): "
            "apt-get install chromium chromium-driver (.ci/run does this when they are missing)"
        )
    return browser, driver


@contextmanager
def headless_chromium() -> Iterator[webdriver.Chrome]:
    """A fresh headless Chromium (own throw-away profile) that records the console."""
    browser, driver_path = chromium_paths()
    with tempfile.TemporaryDirectory(prefix="scl-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = browser
        for flag in (*FLAGS, f"--user-data-dir={profile}", f"--window-size={WIDTH},900"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
        try:
            yield driver
        finally:
            driver.quit()


@dataclass(frozen=True)
class PageState:
    images: list[dict]  # alt, complete, naturalWidth, naturalHeight
    console_errors: list[str]
    scripts: int
    text: str


_INSPECT = """
return {
  ready: document.readyState,
  images: Array.from(document.images).map(i => ({alt: i.alt, complete: i.complete,
                                                 naturalWidth: i.naturalWidth, naturalHeight: i.naturalHeight})),
  scripts: document.scripts.length + document.querySelectorAll('[onerror],[onload]').length,
  text: document.body.innerText,
};
"""


def open_page(driver: webdriver.Chrome, page: Path) -> PageState:
    """Load ``page`` from disk (file://) and read what the browser made of it."""
    driver.get_log("browser")  # drop what an earlier page left
    driver.get(page.resolve().as_uri())
    state = driver.execute_script(_INSPECT)
    assert state["ready"] == "complete", state["ready"]
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    return PageState(state["images"], errors, state["scripts"], state["text"])


def full_page_screenshot(driver: webdriver.Chrome, target: Path) -> Path:
    height = int(driver.execute_script("return document.documentElement.scrollHeight"))
    driver.set_window_size(WIDTH, height)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not driver.save_screenshot(str(target)):
        raise RuntimeError(f"Chromium could not save a screenshot to {target}")
    return target
