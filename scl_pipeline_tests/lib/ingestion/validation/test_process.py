"""Process-level behaviour: importing the package does not import GX, and validating prints
nothing (no progress bars, no analytics messages)."""

from __future__ import annotations

import os
import subprocess
import sys

from scl_pipeline.lib.project_files import REPO_ROOT

ROOT = REPO_ROOT  # the checkout: subprocesses import scl_pipeline_tests from it

_SCRIPT = """
import sys
import scl_pipeline.lib.ingestion.validation as v
assert "great_expectations" not in sys.modules, "imported at module level"
from scl_pipeline_tests.lib.ingestion.validation.frames import HR_FILE, HR_ROWS, SURVEY_FILE, frame, rows_of
w = v.validate_wave(frame(HR_ROWS, HR_FILE), frame(rows_of("ona_survey"), SURVEY_FILE), "2021-Q3")
w = v.validate_wave(frame(HR_ROWS, HR_FILE), frame(rows_of("ona_survey"), SURVEY_FILE), "2021-Q3")
assert w.passed
assert "great_expectations" in sys.modules
"""


def test_lazy_import_and_silent_validation():
    env = {k: v for k, v in os.environ.items() if not k.startswith("GX_")}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, "-c", _SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert done.stderr == ""
