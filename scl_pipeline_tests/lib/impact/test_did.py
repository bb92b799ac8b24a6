"""Difference-in-differences on a tiny hand example, the control rules, NaN handling, the bootstrap."""

import numpy as np
import pandas as pd
import pytest

from scl_pipeline.lib.impact.did import DID_COLUMNS, KEY_COLLABORATORS, NON_PARTICIPANTS, ControlGroup, impact_did

KEY = ControlGroup(KEY_COLLABORATORS)

NAN = np.nan
# id, participant, key role at baseline (connector, spanner), strong_in_degree and constraint at both waves.
PEOPLE = [
    # participants; A was a connector at baseline but is never a control
    ("A", True, (True, False), (2, 5), (0.5, 0.3)),
    ("B", True, (False, False), (4, 6), (1.0, 0.6)),
    ("C", True, (False, False), (0, 4), (NAN, 0.4)),  # isolate at baseline: no constraint
    ("D", True, (True, False), (9, None), (0.2, None)),  # left before now
    # key non-participants: the default control
    ("K1", False, (True, False), (5, 5), (0.4, 0.4)),
    ("K2", False, (False, True), (3, 4), (0.6, 0.5)),
    ("K3", False, (True, True), (4, 6), (0.5, 0.6)),
    ("K4", False, (True, False), (7, None), (0.3, None)),  # left before now
    # another non-participant
    ("Z", False, (False, False), (1, 10), (0.9, 0.1)),
]


def frames():
    base_rows, now_rows = [], []
    for pid, part, (cc, bs), (d0, d1), (c0, c1) in PEOPLE:
        common = {"employee_id": pid, "participant": part, "cross_country_ties": 0, "countries_reached": 0,
                  "betweenness": 0.0}
        base_rows.append(common | {"central_connector": cc, "boundary_spanner": bs, "strong_in_degree": d0,
                                   "constraint": c0, "wave": "2020-Q4"})
        if d1 is not None:
            now_rows.append(common | {"central_connector": False, "boundary_spanner": False,
                                      "strong_in_degree": d1, "constraint": c1, "wave": "2022-Q4"})
    return pd.DataFrame(now_rows), pd.DataFrame(base_rows)


def test_hand_example_key_collaborators():
    now, base = frames()
    table = impact_did(now, base, control=KEY)
    assert list(table.columns) == list(DID_COLUMNS)
    assert table["metric"].tolist() == ["strong_in_degree", "cross_country_ties", "countries_reached",
                                        "betweenness", "constraint"]
    row = table.set_index("metric").loc["strong_in_degree"]
    # Participants A, B, C: 2, 4, 0 -> 5, 6, 4 (mean 2 -> 5); controls K1..K3: 5, 3, 4 -> 5, 4, 6 (4 -> 5).
    assert (row["participants"], row["controls"]) == (3, 3)
    assert (row["participants_baseline_mean"], row["participants_now_mean"]) == (2.0, 5.0)
    assert (row["control_baseline_mean"], row["control_now_mean"]) == (4.0, 5.0)
    assert row["did"] == pytest.approx(2.0)
    assert (row["wave"], row["baseline_wave"], row["draws"], row["seed"]) == ("2022-Q4", "2020-Q4", 2000, 20210701)
    assert row["ci_low"] <= row["did"] <= row["ci_high"]
    assert row["small_group"] and "central connectors or boundary spanners" in row["control_definition"]


def test_constraint_nan_leaves_the_person_out_of_that_metric_only():
    now, base = frames()
    row = impact_did(now, base, control=KEY).set_index("metric").loc["constraint"]
    # C has no baseline constraint: A (0.5 -> 0.3) and B (1.0 -> 0.6) change by -0.3 on average;
    # the controls by (0 - 0.1 + 0.1) / 3 = 0.
    assert row["participants"] == 2
    assert row["did"] == pytest.approx(-0.3)
    assert row["participants_baseline_mean"] == pytest.approx(0.75)


def test_other_control_definitions():
    now, base = frames()
    everyone = impact_did(now, base, control=ControlGroup(NON_PARTICIPANTS)).set_index("metric").loc["strong_in_degree"]
    # Controls K1, K2, K3, Z: 3.25 -> 6.25, the same change as the participants.
    assert everyone["controls"] == 4 and everyone["did"] == pytest.approx(0.0)
    assert everyone["control_definition"] == "all non-participants"
    listed = impact_did(now, base, control=ControlGroup.of_ids(["Z", "A"], "Z only")).set_index("metric")
    # A is a participant and never a control: only Z, who changed by 9.
    assert listed.loc["strong_in_degree", "controls"] == 1
    assert listed.loc["strong_in_degree", "did"] == pytest.approx(3 - 9)
    assert listed.loc["strong_in_degree", "control_definition"] == "Z only"


def test_bootstrap_interval_is_reproducible_and_needs_2000_draws():
    now, base = frames()
    first = impact_did(now, base, seed=3, draws=3000, control=KEY)
    assert first.equals(impact_did(now, base, seed=3, draws=3000, control=KEY))
    # (A different seed moves the interval: test_stats, on continuous data; with three people a
    # side the percentiles sit on the same few attainable values whatever the seed.)
    with pytest.raises(ValueError, match="at least 2000"):
        impact_did(now, base, draws=500)


def test_bootstrap_interval_against_a_loop_over_draws():
    # Independent re-implementation: one draw at a time with the same generator stream.
    now, base = frames()
    row = impact_did(now, base, seed=9, control=KEY).set_index("metric").loc["strong_in_degree"]
    treated, control = np.array([3.0, 2.0, 4.0]), np.array([0.0, 1.0, 2.0])
    rng = np.random.default_rng(9)
    t = np.array([treated[rng.integers(0, 3, size=3)].mean() for _ in range(2000)])
    c = np.array([control[rng.integers(0, 3, size=3)].mean() for _ in range(2000)])
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(np.percentile(t - c, [2.5, 97.5])))


def test_empty_and_the_baseline_itself_give_empty_frames():
    now, base = frames()
    for table in (
        impact_did(now.iloc[:0], base, control=KEY),
        impact_did(now, base.iloc[:0], control=KEY),
        impact_did(base, base, control=KEY),  # the baseline against itself
        impact_did(now.assign(participant=False), base, control=KEY),  # no roster: nobody is a participant
    ):
        assert table.empty and list(table.columns) == list(DID_COLUMNS)


def test_a_wave_before_the_baseline_gives_placebo_rows():
    now, base = frames()
    earlier = impact_did(now.assign(wave="2020-Q2"), base, control=KEY).set_index("metric")
    later = impact_did(now, base, control=KEY).set_index("metric")
    assert earlier["placebo"].all() and not later["placebo"].any()
    # The same two frames: the same figures, only the wave and the placebo mark differ.
    assert earlier.loc["strong_in_degree", "did"] == later.loc["strong_in_degree", "did"] == pytest.approx(2.0)


def test_missing_columns_are_named():
    now, base = frames()
    with pytest.raises(ValueError, match=r"baseline wave person metrics: missing column\(s\) \['central_connector'"):
        impact_did(now, base.drop(columns=["central_connector"]), control=KEY)
    with pytest.raises(ValueError, match="missing column.*'betweenness'"):
        impact_did(now.drop(columns=["betweenness"]), base, control=KEY)
    with pytest.raises(ValueError, match=r"missing column\(s\) \['information_broker', 'catalyst'\]"):
        impact_did(now, base)  # matched, the default, reads every role flag
