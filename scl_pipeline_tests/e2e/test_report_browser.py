"""A real browser opens every HTML report from disk: every picture loads, nothing is logged as an
error, markup in the data stays text, and a screenshot is saved. Twice: the pages of a
synthetic story with hostile names, and the pages the pipeline itself wrote on a small demo lake.

Never skipped: without Chromium this test fails (``.ci/run`` installs it when it is missing).
"""

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image

from scl_pipeline.lib.reports.build import PROGRAM_FOLDER, written_pages
from scl_pipeline_tests.e2e.browser import PageState, full_page_screenshot, headless_chromium, open_page
from scl_pipeline_tests.helpers.reports import landed_identities, report_lake
from scl_pipeline_tests.lib.reports.hostile import (
    FORMULA_COUNTRY,
    FORMULA_DEPARTMENT,
    SCRIPT_COUNTRY,
    SCRIPT_DEPARTMENT,
    hostile_story_inputs,
)
from scl_pipeline_tests.lib.reports.pages import write_reports
from scl_pipeline_tests.lib.reports.story import BASELINE

pytestmark = pytest.mark.slow

SCREENSHOT_DIR_ENV = "SCL_SCREENSHOT_DIR"  # keep the screenshots somewhere to look at them


def _screenshots(tmp_path: Path, name: str) -> Path:
    return Path(os.environ.get(SCREENSHOT_DIR_ENV) or tmp_path / "screenshots") / name


def _open_every_page(pages: dict[str, Path], shots: Path) -> dict[str, PageState]:
    """Open each page in one headless Chromium: no console error, no script, every image loaded
    at the size of its PNG file; a full-page screenshot of each in ``shots``."""
    states = {}
    with headless_chromium() as driver:
        for key, page in sorted(pages.items()):
            state = states[key] = open_page(driver, page)
            assert state.console_errors == [], f"{page}: {state.console_errors}"
            assert state.scripts == 0, f"{page}: a script or event handler made it into the page"
            pngs = sorted(page.parent.glob("*.png"))
            assert len(state.images) == len(pngs) >= 4
            for image in state.images:
                assert image["complete"] and image["naturalWidth"] > 0, f"{page}: {image['alt']} did not load"
            natural = sorted((i["naturalWidth"], i["naturalHeight"]) for i in state.images)
            assert natural == sorted(Image.open(p).size for p in pngs)
            shot = full_page_screenshot(driver, shots / f"{key}.png")
            image = Image.open(io.BytesIO(shot.read_bytes()))
            assert image.width >= 1000 and image.height > 2000
            print(f"screenshot: {shot}")
    assert sorted(p.stem for p in shots.glob("*.png")) == sorted(pages)
    return states


def test_every_report_opens_in_headless_chromium(tmp_path):
    pages = write_reports(hostile_story_inputs(), tmp_path / "reports")
    states = _open_every_page(pages, _screenshots(tmp_path, "story"))
    for text in (SCRIPT_COUNTRY, FORMULA_COUNTRY, SCRIPT_DEPARTMENT, FORMULA_DEPARTMENT):
        assert text in states[BASELINE].text  # shown, as text
    assert PROGRAM_FOLDER in pages
    _shows_the_impact_evidence(states[PROGRAM_FOLDER], placebo=True)


def _shows_the_impact_evidence(state: PageState, placebo: bool) -> None:
    """The program page draws the event study and the balance plot, and says per metric what the
    evidence shows."""
    titles = {"Did participants change more than comparable colleagues?", "Were the groups alike before the program?"}
    assert titles <= {image["alt"] for image in state.images}  # drawn and loaded (checked above)
    assert all(title in state.text for title in titles)
    for metric in ("Strong ties received:", "Ties across countries:", "Countries reached:", "Betweenness (brokerage):",
                   "Constraint (redundant contacts):"):
        assert metric in state.text, metric
    assert ("placebo" in state.text) == placebo and ("no wave before the baseline" in state.text) != placebo


def test_the_pipelines_reports_open_in_headless_chromium(tmp_path):
    ran = report_lake(tmp_path)
    pages = written_pages(ran.lake.reports)
    assert list(pages) == [PROGRAM_FOLDER, *ran.truth.waves]
    states = _open_every_page(pages, _screenshots(tmp_path, "pipeline"))
    for key, state in states.items():
        readable = set(re.findall(r"[\w.@-]+", state.text))
        assert not readable & landed_identities(ran.lake), key  # no employee id, name or e-mail address
        assert "Participants" in state.text or key == PROGRAM_FOLDER
    # The demo lake's first wave is the baseline: no placebo wave, and the page says so.
    _shows_the_impact_evidence(states[PROGRAM_FOLDER], placebo=False)
