"""Planted effects (``planted.py``): the matched DiD recovers the known effect, zero included,
within its 95 % interval; a control of every non-participant is off; a planted pre-trend shows
in the placebo rows and an absent one does not.

Five organisations of 4,000 people (seeds 1-5, 296 to 337 participants each): with 95 % intervals
about one interval in twenty misses by chance, and matching leaves a little imbalance (|SMD| up
to about 0.1, which the drift turns into a small bias), so coverage is asserted over the 25
intervals (5 seeds x 5 metrics), not per interval. Measured: matched 22/25 and 22/25 cover the
effect (0 and 0.5 SD), everyone else 0/25 and 0/25 (over seeds 1-10: 43/50 against 2/50).
"""

import numpy as np
import pytest

from scl_pipeline.lib.impact.did import DID_METRICS, NON_PARTICIPANTS, ControlGroup, impact_did
from scl_pipeline_tests.lib.impact.planted import plant, planted_did

SEEDS = range(1, 6)
PEOPLE = 4000


def _covered(rows, planted) -> list[bool]:
    rows = rows.set_index("metric")
    return [bool(rows.loc[m, "ci_low"] <= planted_did(planted, m) <= rows.loc[m, "ci_high"]) for m in DID_METRICS]


@pytest.mark.parametrize("effect", [0.0, 0.5])
def test_matched_did_recovers_the_planted_effect_and_everyone_else_does_not(effect):
    matched, everyone, closer = [], [], []
    for seed in SEEDS:
        planted = plant(effect, people=PEOPLE, seed=seed)
        m = impact_did(planted.later, planted.baseline)
        e = impact_did(planted.later, planted.baseline, control=ControlGroup(NON_PARTICIPANTS))
        assert (m["control_group"] == "matched").all() and not m["placebo"].any()
        assert m["unmatched"].iloc[0] + m["participants"].iloc[0] == planted.baseline["participant"].sum()
        matched += _covered(m, planted)
        everyone += _covered(e, planted)
        truth = np.array([planted_did(planted, x) for x in DID_METRICS])
        closer += list(np.abs(m["did"].to_numpy(float) - truth) < np.abs(e["did"].to_numpy(float) - truth))
    assert sum(matched) >= 21, f"matched intervals covering the planted effect: {sum(matched)} of 25"
    assert sum(everyone) <= 2, f"everyone-else intervals covering it: {sum(everyone)} of 25"
    assert sum(closer) >= 23, f"matched closer to the truth than everyone else: {sum(closer)} of 25"


def test_placebo_catches_a_planted_pre_trend():
    for seed in SEEDS[:3]:
        trended = plant(0.5, pre_trend=0.6, people=PEOPLE, seed=seed)
        flat = plant(0.5, pre_trend=0.0, people=PEOPLE, seed=seed)
        caught = impact_did(trended.pre, trended.baseline).set_index("metric")
        clean = impact_did(flat.pre, flat.baseline).set_index("metric")
        assert caught["placebo"].all() and clean["placebo"].all()
        # The pre-program wave is the baseline minus the pre-trend: participants' placebo DiD is
        # the pre-trend with its sign turned, and its interval leaves 0 out for every metric.
        assert (caught["ci_high"] < 0).all(), caught[["did", "ci_low", "ci_high"]]
        for metric in DID_METRICS:
            trend = 0.6 * float(np.nanstd(trended.baseline[metric].to_numpy(float)))
            assert -1.5 * trend < caught.loc[metric, "did"] < -0.5 * trend, metric
        # Without a planted pre-trend the placebo interval holds 0 (nearly) everywhere.
        holds = ((clean["ci_low"] <= 0) & (clean["ci_high"] >= 0)).sum()
        assert holds >= 4, clean[["did", "ci_low", "ci_high"]]
