"""What the impact marts show on their materialisation: headlines, pictures, tables."""

import pandas as pd

from scl_pipeline.lib.impact.kbis import experiment_kbis
from scl_pipeline.lib.impact.previews import did_headlines, kbi_figures, markdown_table, roi_headline
from scl_pipeline.lib.reports.canvas import PNG_MAGIC
from scl_pipeline_tests.lib.impact.experiment_example import ASSIGNMENT, INTERACTIONS, graphs


def test_kbi_figure_per_experiment_unless_no_group_can_be_drawn():
    kbis = experiment_kbis(ASSIGNMENT, INTERACTIONS, graphs())  # 4 program, 5 control members
    (figure,) = kbi_figures(kbis)
    assert figure.name == "experiment_X1" and figure.png.startswith(PNG_MAGIC)
    assert "fewer than 5 members" in figure.caption  # the program group is too small to show
    assert figure.preview_markdown().startswith("![experiment_X1](data:image/png;base64,")
    both_small = kbis.assign(members=4)
    assert kbi_figures(both_small) == []


def test_roi_and_did_headlines_speak_of_the_latest_wave():
    roi = pd.DataFrame({
        "wave": ["2021-Q1"] * 3 + ["2021-Q2"] * 3, "baseline_wave": "2020-Q4", "scenario": ["low", "mid", "high"] * 2,
        "assumptions_version": "v1", "roi_multiple": [0.5, 0.6, 0.7, 1.04, 1.5, 2.0],
    })
    assert roi_headline(roi) == "ROI 1.0x–2.0x at 2021-Q2 against 2020-Q4 (low, mid, high scenarios; assumptions v1)"
    assert roi_headline(roi.iloc[:0]) == "no ROI: no wave after the baseline"
    did = pd.DataFrame({
        "wave": ["2021-Q1", "2021-Q2"], "baseline_wave": "2020-Q4", "metric": "strong_in_degree",
        "did": [1.0, 2.5], "ci_low": [0.5, 2.0], "ci_high": [1.5, 3.0],
    })
    assert did_headlines(did) == [
        "strong_in_degree: participants +2.50 against controls (95% interval 2.00 to 3.00), 2021-Q2 vs 2020-Q4"
    ]


def test_markdown_table_shortens_numbers():
    frame = pd.DataFrame({"name": ["a", "b"], "value": [1_450_000.0, 0.000123], "x": [2.5, float("nan")], "n": [3, 4]})
    lines = markdown_table(frame).splitlines()
    assert "1,450,000" in lines[2] and "2.50" in lines[2] and "0.000123" in lines[3]
    assert lines[3].count("|") == 5 and "nan" not in lines[3].lower()
    assert markdown_table(frame.iloc[:0]) == "no rows"
