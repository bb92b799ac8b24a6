import numpy as np
import pandas as pd

from scl_pipeline.lib.impact import headlines as h
from scl_pipeline.lib.impact.kbis import experiment_kbis
from scl_pipeline_tests.lib.impact.experiment_example import ASSIGNMENT, INTERACTIONS, graphs


def test_new_bond_and_network_headlines():
    row = pd.Series({"wave": "2022-Q2", "baseline_wave": "2020-Q4", "participants": 200,
                     "participants_without_participant_tie": 3, "participants_in_both_waves": 190,
                     "new_bond_share": 181 / 190, "cross_country_ratio_to_baseline": 10.04, "reach_2_share": 0.612})
    assert h.new_bond_headline(row) == "95% of participants formed a new strong bond with another participant since 2020-Q4 (181 of 190)"
    assert h.participant_network_headline(row) == (
        "2022-Q2: 3 of 200 participants without a tie to another participant; cross-country ties among "
        "them 10.0x the baseline; 61% of the organisation within 2 steps")
    no_base = row.copy()
    no_base["new_bond_share"] = None
    no_base["cross_country_ratio_to_baseline"] = np.nan
    assert h.new_bond_headline(no_base) == "2022-Q2: no baseline wave to compare the participants' bonds with"
    assert "x the baseline" not in h.participant_network_headline(no_base)


def test_roi_range():
    roi = pd.DataFrame({"scenario": ["low", "mid", "high"], "roi_multiple": [5.08, 6.9, 8.66]})
    assert h.roi_range(roi) == "5.1x–8.7x"
    assert h.roi_range(roi.iloc[:1]) == "5.1x"
    assert h.roi_range(roi.iloc[:0]) == "n/a"


def test_did_headline():
    did = pd.DataFrame({"metric": ["strong_in_degree"], "did": [2.1], "ci_low": [1.4], "ci_high": [2.8],
                        "wave": ["2021-Q4"], "baseline_wave": ["2020-Q4"]})
    assert h.did_headline(did) == ("strong_in_degree: participants +2.10 against controls (95% interval 1.40 to 2.80), "
                                   "2021-Q4 vs 2020-Q4")
    assert "no difference-in-differences" in h.did_headline(did.iloc[:0])


def test_kbi_headline_and_chart_data():
    kbis = experiment_kbis(ASSIGNMENT, INTERACTIONS, graphs())
    text = h.kbi_headline(kbis)
    assert text.startswith("X1: program vs control: Addressing knowledge gaps 25% vs 0% (p = ")
    assert "Building connectivity 75% vs 20%" in text and "Engagement 0% vs 20%" in text  # E = 3
    assert h.kbi_headline(kbis.iloc[:0]) == "no experiment"


def test_roi_and_did_headlines_speak_of_the_latest_wave():
    roi = pd.DataFrame({
        "wave": ["2021-Q1"] * 3 + ["2021-Q2"] * 3, "baseline_wave": "2020-Q4", "scenario": ["low", "mid", "high"] * 2,
        "assumptions_version": "v1", "roi_multiple": [0.5, 0.6, 0.7, 1.04, 1.5, 2.0],
    })
    assert h.roi_headline(roi) == "ROI 1.0x–2.0x at 2021-Q2 against 2020-Q4 (low, mid, high scenarios; assumptions v1)"
    assert h.roi_headline(roi.iloc[:0]) == "no ROI: no wave after the baseline"
    did = pd.DataFrame({
        "wave": ["2021-Q1", "2021-Q2"], "baseline_wave": "2020-Q4", "metric": "strong_in_degree",
        "did": [1.0, 2.5], "ci_low": [0.5, 2.0], "ci_high": [1.5, 3.0],
    })
    assert h.did_headlines(did) == [
        "strong_in_degree: participants +2.50 against controls (95% interval 2.00 to 3.00), 2021-Q2 vs 2020-Q4"
    ]
