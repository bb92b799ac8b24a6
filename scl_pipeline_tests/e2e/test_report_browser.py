"""A real browser opens every HTML report from disk: every picture loads, nothing is logged as an
error, markup in the data stays text, and a screenshot is saved.

Never skipped: without Chromium this test fails (``.ci/run`` installs it when it is missing).
"""

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from scl_pipeline.lib.reports.build import PROGRAM_FOLDER, write_reports
from scl_pipeline_tests.e2e.browser import full_page_screenshot, headless_chromium, open_page
from scl_pipeline_tests.lib.reports.hostile import (
    FORMULA_COUNTRY,
    FORMULA_DEPARTMENT,
    SCRIPT_COUNTRY,
    SCRIPT_DEPARTMENT,
    hostile_story_inputs,
)
from scl_pipeline_tests.lib.reports.story import BASELINE

pytestmark = pytest.mark.slow

SCREENSHOT_DIR_ENV = "SCL_SCREENSHOT_DIR"  # keep the screenshots somewhere to look at them


def test_every_report_opens_in_headless_chromium(tmp_path):
    pages = write_reports(hostile_story_inputs(), tmp_path / "reports")
    shots = Path(os.environ.get(SCREENSHOT_DIR_ENV) or tmp_path / "screenshots")
    with headless_chromium() as driver:
        for key, page in sorted(pages.items()):
            state = open_page(driver, page)
            assert state.console_errors == [], f"{page}: {state.console_errors}"
            assert state.scripts == 0, f"{page}: a script or event handler made it into the page"
            pngs = sorted(page.parent.glob("*.png"))
            assert len(state.images) == len(pngs) >= 4
            for image in state.images:
                assert image["complete"] and image["naturalWidth"] > 0, f"{page}: {image['alt']} did not load"
            natural = sorted((i["naturalWidth"], i["naturalHeight"]) for i in state.images)
            assert natural == sorted(Image.open(p).size for p in pngs)
            if key == BASELINE:
                for text in (SCRIPT_COUNTRY, FORMULA_COUNTRY, SCRIPT_DEPARTMENT, FORMULA_DEPARTMENT):
                    assert text in state.text  # shown, as text
            shot = full_page_screenshot(driver, shots / f"{key}.png")
            image = Image.open(io.BytesIO(shot.read_bytes()))
            assert image.width >= 1000 and image.height > 2000
            print(f"screenshot: {shot}")
    assert sorted(p.stem for p in shots.glob("*.png")) == sorted(pages)
    assert PROGRAM_FOLDER in pages
