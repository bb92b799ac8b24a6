"""Balance: SMD before and after against a hand computation, matched weights, the flag."""

import numpy as np
import pandas as pd
import pytest

from scl_pipeline.lib.impact.balance import BALANCE_COLUMNS, impact_balance, smd
from scl_pipeline.lib.impact.did import CONTROL_DEFINITIONS, KEY_COLLABORATORS, ControlGroup
from scl_pipeline.lib.impact.matching import MatchSettings, Matching
from scl_pipeline_tests.lib.impact.planted import plant

NAN = np.nan


def test_smd_by_hand_with_matched_weights():
    base = pd.DataFrame({
        "employee_id": ["P1", "P2", "C1", "C2", "C3", "C4"],
        "participant": [True, True, False, False, False, False],
        "central_connector": [True, False, True, False, False, False],
        "boundary_spanner": [False] * 6,
        "strong_in_degree": [4.0, 6.0, 5.0, 1.0, 6.0, 0.0],
        "constraint": [0.2, NAN, 0.3, 0.9, 0.2, NAN],
    })
    # P1 matched with C1 and C4, P2 with C3 alone: weights C1 0.5, C4 0.5, C3 1.
    pairs = pd.DataFrame({"participant": ["P1", "P1", "P2"], "control": ["C1", "C4", "C3"], "distance": [0.1, 0.2, 0.1]})
    matching = Matching(pairs, participants=2, unmatched=0, short=2, settings=MatchSettings())
    rows = impact_balance(base, base["employee_id"], wave="2021-Q4", baseline_wave="2020-Q4",
                          controls={r: ControlGroup(r) for r in CONTROL_DEFINITIONS}, matching=matching,
                          covariates=("strong_in_degree", "constraint"))
    assert list(rows.columns) == list(BALANCE_COLUMNS) and len(rows) == 6
    row = rows.set_index(["control_group", "covariate"])
    sd = np.sqrt((np.var([4, 6], ddof=1) + np.var([5, 1, 6, 0], ddof=1)) / 2)
    matched = row.loc[("matched", "strong_in_degree")]
    assert matched["participants_mean"] == 5.0 and matched["non_participants_mean"] == 3.0
    assert matched["controls_mean"] == pytest.approx((0.5 * 5 + 0.5 * 0 + 1 * 6) / 2)
    assert matched["smd_before"] == pytest.approx(2.0 / sd)
    assert matched["smd_after"] == pytest.approx((5.0 - 4.25) / sd)
    assert matched["imbalanced"] and matched["controls"] == 3
    # Constraint: P2 and C4 have none; the weights of those with a value are renormalised.
    con = row.loc[("matched", "constraint")]
    assert con["participants_mean"] == pytest.approx(0.2)
    assert con["controls_mean"] == pytest.approx((0.5 * 0.3 + 1 * 0.2) / 1.5)
    key = row.loc[(KEY_COLLABORATORS, "strong_in_degree")]
    assert key["controls"] == 1 and key["controls_mean"] == 5.0 and key["smd_after"] == pytest.approx(0.0)
    assert not key["imbalanced"] and key["small_group"]
    everyone = row.loc[("non_participants", "strong_in_degree")]
    assert everyone["smd_after"] == everyone["smd_before"]


def test_smd_edge_cases():
    assert smd(1.0, 1.0, 0.0) == 0.0
    assert np.isnan(smd(1.0, 0.0, 0.0)) and np.isnan(smd(NAN, 1.0, 1.0))


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_matching_balances_a_planted_selection(seed):
    planted = plant(0.0, people=4000, seed=seed)
    base = planted.baseline
    controls = {r: ControlGroup(r) for r in CONTROL_DEFINITIONS}
    rows = impact_balance(base, base["employee_id"], wave="2020-Q4", baseline_wave="2020-Q4", controls=controls,
                          matching=controls["matched"].match_at(base)).set_index(["control_group", "covariate"])
    # Participants were chosen on centrality: every covariate differs before matching.
    before, after = rows.loc["non_participants", "smd_before"].abs(), rows.loc["matched", "smd_after"].abs()
    assert (before > 0.3).all() and rows.loc["non_participants", "imbalanced"].all()
    # Matching on the Mahalanobis distance does not target the means, so one covariate can stay
    # above 0.1 (measured: constraint 0.155 at seed 5, every other <= 0.098):
    # every difference shrinks to a quarter or less, and at seed 1 all are balanced.
    assert (after <= before / 4).all() and (after <= 0.2).all(), after
    if seed == 1:
        assert (after <= 0.1).all() and not rows.loc["matched", "imbalanced"].any()
