"""The three indicators on the hand-made experiment (experiment_example.py): counts by hand,
intervals and p-values against scipy, activity quartiles by hand."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest, chi2_contingency

from scl_pipeline.lib.impact.kbis import KBI_COLUMNS, activity_quartiles, experiment_kbis
from scl_pipeline_tests.lib.impact.experiment_example import ASSIGNMENT, INTERACTIONS, graphs

# Usable exchanges: p1-p2, p1-p3, p2-c1, p3-c1, c1-c2, c2-c1 (asker first).
# (count, members) per group, worked out in the comments.
EXPECTED = {
    # exchanges taken part in: p1 2, p2 2, p3 2, p4 0 | c1 4, c2 2, c3..c5 0; E = 3
    "engagement": {"program": (0, 4), "control": (1, 5)},
    # distinct responders: p1 {p2, p3}, p2 {c1}, p3 {c1} | c1 {c2}, c2 {c1}; K = 2
    "knowledge_gaps_addressed": {"program": (1, 4), "control": (0, 5)},
    # partners not neighbours at 2022-Q2: p1 {p3}, p2 {c1}, p3 {p1} | c1 {p2}
    "building_connectivity": {"program": (3, 4), "control": (1, 5)},
}


@pytest.fixture(scope="module")
def kbis():
    return experiment_kbis(ASSIGNMENT, INTERACTIONS, graphs())


def test_columns_and_rows(kbis):
    assert list(kbis.columns) == list(KBI_COLUMNS)
    assert kbis[["indicator", "group"]].apply(tuple, axis=1).tolist() == [
        (i, g) for i in ("knowledge_gaps_addressed", "building_connectivity", "engagement") for g in ("program", "control")
    ]


def test_counts_shares_and_intervals(kbis):
    for row in kbis.itertuples():
        count, members = EXPECTED[row.indicator][row.group]
        assert (row.count, row.members) == (count, members), (row.indicator, row.group)
        assert row.share == pytest.approx(count / members)
        ci = binomtest(count, members).proportion_ci(method="wilson")
        assert (row.ci_low, row.ci_high) == pytest.approx((ci.low, ci.high))
        # Program has 4 members: every row of the experiment rests on a group under 5.
        assert row.small_group


def test_difference_and_p_value_against_scipy(kbis):
    for indicator, groups in EXPECTED.items():
        (a, na), (b, nb) = groups["program"], groups["control"]
        rows = kbis[kbis["indicator"] == indicator]
        assert rows["difference"].tolist() == pytest.approx([a / na - b / nb] * 2)
        _, p, _, _ = chi2_contingency([[a, na - a], [b, nb - b]], correction=False)
        assert rows["p_value"].tolist() == pytest.approx([p] * 2)


def test_k_reference_wave_and_k_1():
    table = experiment_kbis(ASSIGNMENT, INTERACTIONS, graphs(), k=1).set_index(["indicator", "group"])
    # K = 1: p1, p2, p3 | c1, c2 got at least one answer.
    assert table.loc[("knowledge_gaps_addressed", "program"), "count"] == 3
    assert table.loc[("knowledge_gaps_addressed", "control"), "count"] == 2
    assert table.loc[("knowledge_gaps_addressed", "program"), "k"] == 1
    assert pd.isna(table.loc[("engagement", "program"), "k"])
    assert table.loc[("building_connectivity", "program"), "reference_wave"] == "2022-Q2"


def test_engagement_threshold_e():
    # E = 1 is the earlier indicator, any exchange: p1, p2, p3 | c1, c2.
    any_exchange = experiment_kbis(ASSIGNMENT, INTERACTIONS, graphs(), e=1).set_index(["indicator", "group"])
    assert any_exchange.loc[("engagement", "program"), "count"] == 3
    assert any_exchange.loc[("engagement", "control"), "count"] == 2
    assert any_exchange.loc[("engagement", "program"), "min_exchanges"] == 1
    default = experiment_kbis(ASSIGNMENT, INTERACTIONS, graphs()).set_index(["indicator", "group"])
    assert default.loc[("engagement", "control"), "min_exchanges"] == 3
    assert pd.isna(default.loc[("knowledge_gaps_addressed", "program"), "min_exchanges"])
    # E = 2: everyone with an exchange took part in two or more here.
    assert experiment_kbis(ASSIGNMENT, INTERACTIONS, graphs(), e=2).set_index(["indicator", "group"]).loc[
        ("engagement", "program"), "count"] == 3
    with pytest.raises(ValueError, match="e=0"):
        experiment_kbis(ASSIGNMENT, INTERACTIONS, graphs(), e=0)


def test_activity_quartiles_by_hand(kbis):
    # Engagement activity over all nine members: 2 2 2 0 | 4 2 0 0 0 -> P25 = 0, P50 = P75 = 2.
    row = kbis.set_index(["indicator", "group"]).loc[("engagement", "program")]
    assert [row[f"activity_q{q}_members"] for q in (1, 2, 3, 4)] == [1, 3, 0, 0]
    row = kbis.set_index(["indicator", "group"]).loc[("engagement", "control")]
    assert [row[f"activity_q{q}_members"] for q in (1, 2, 3, 4)] == [3, 1, 0, 1]
    assert activity_quartiles(np.array([1, 2, 3, 4, 5, 6, 7, 8])).tolist() == [1, 1, 2, 2, 3, 3, 4, 4]


def test_graph_loader_with_waves_and_missing_reference_graph():
    loaded = experiment_kbis(ASSIGNMENT, INTERACTIONS, graphs().get, waves=["2022-Q1", "2022-Q2", "2022-Q3"])
    assert loaded.equals(experiment_kbis(ASSIGNMENT, INTERACTIONS, graphs()))
    with pytest.raises(ValueError, match="pass the available waves"):
        experiment_kbis(ASSIGNMENT, INTERACTIONS, graphs().get)
    # Only a later wave exists: no reference graph, building_connectivity unknown, the rest computed.
    later = experiment_kbis(ASSIGNMENT, INTERACTIONS, {"2022-Q3": graphs()["2022-Q3"]}).set_index(["indicator", "group"])
    assert pd.isna(later.loc[("building_connectivity", "program"), "count"])
    assert np.isnan(later.loc[("building_connectivity", "program"), "share"])
    assert later.loc[("building_connectivity", "program"), "reference_wave"] is None
    assert later.loc[("knowledge_gaps_addressed", "program"), "count"] == 1


def test_empty_experiment_inputs():
    none = experiment_kbis(ASSIGNMENT.iloc[:0], INTERACTIONS.iloc[:0], {})
    assert none.empty and list(none.columns) == list(KBI_COLUMNS)
    silent = experiment_kbis(ASSIGNMENT, INTERACTIONS.iloc[:0], {})
    assert (silent["count"] == 0).all() and (silent["p_value"] == 1.0).all()
    assert set(silent["members"]) == {4, 5}


def test_timestamp_columns_as_the_warehouse_types_them(kbis):
    # raw.experiment_interactions holds TIMESTAMPs: datetime columns give the same table.
    log = INTERACTIONS[INTERACTIONS["answered_at"] != "yesterday"].copy()
    for col in ("asked_at", "answered_at"):
        log[col] = pd.to_datetime(log[col])
    assert pd.api.types.is_datetime64_any_dtype(log["answered_at"])
    assert experiment_kbis(ASSIGNMENT, log, graphs()).equals(kbis)


def test_small_group_flags_every_row_when_either_group_is_under_5():
    def flags(program: int, control: int) -> set[bool]:
        ids = [f"p{i}" for i in range(program)] + [f"c{i}" for i in range(control)]
        assignment = pd.DataFrame({"experiment_id": "S", "employee_id": ids,
                                   "group": ["program"] * program + ["control"] * control})
        log = pd.DataFrame(columns=["experiment_id", "asker_id", "responder_id", "asked_at", "answered_at"])
        return set(experiment_kbis(assignment, log, {})["small_group"])

    assert flags(5, 7) == {False}
    assert flags(4, 7) == {True} and flags(7, 4) == {True}
