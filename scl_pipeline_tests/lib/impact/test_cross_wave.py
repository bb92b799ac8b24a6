"""The cross-wave builders the assets call: baseline among the loaded waves, one snapshot at a
time, typed empty tables with the reason."""

import pandas as pd

from scl_pipeline.lib.impact.config import ImpactConfig
from scl_pipeline.lib.impact.cross_wave import (
    ProgramWaves,
    experiment_kbi_rows,
    impact_balance_rows,
    impact_did_rows,
    participant_network_rows,
)
from scl_pipeline.lib.impact.schemas import MART_TYPES
from scl_pipeline_tests.lib.impact.experiment_example import ASSIGNMENT, INTERACTIONS
from scl_pipeline_tests.lib.impact.graphs import snapshot_of

PEOPLE = {"a": "US", "b": "US", "c": "FR", "d": "FR", "e": "DE"}
EDGES = {"2020-Q4": [("a", "b")], "2021-Q1": [("a", "b"), ("b", "c")], "2021-Q2": [("a", "b"), ("b", "c"), ("c", "e"), ("c", "d")]}
ROSTER = pd.DataFrame({"employee_id": ["a", "b", "c", "e", "x"], "cohort": "C1", "start_date": pd.Timestamp("2021-01-15")})


def test_baseline_and_the_waves_compared():
    program = ProgramWaves.of(["2021-Q2", "2020-Q4", "2021-Q1"], ROSTER, ImpactConfig())
    assert program.waves == ("2020-Q4", "2021-Q1", "2021-Q2")
    assert program.baseline.wave == "2020-Q4" and program.later_waves == ("2021-Q1", "2021-Q2")
    assert program.compared_waves == ("2020-Q4", "2021-Q1", "2021-Q2") and program.why_no_comparison() is None
    assert ProgramWaves.of(EDGES, ROSTER, ImpactConfig(baseline_wave="2021-Q1")).later_waves == ("2021-Q2",)
    only_baseline = ProgramWaves.of(["2020-Q4"], ROSTER, ImpactConfig())
    assert only_baseline.why_no_comparison().startswith("no loaded wave after the baseline 2020-Q4")
    no_roster = ProgramWaves.of(EDGES, None, ImpactConfig())
    assert no_roster.baseline.wave is None and "no program roster" in no_roster.why_no_comparison()


def test_participant_network_loads_one_wave_at_a_time():
    loads: list[str] = []

    def load(wave):
        loads.append(wave)
        return snapshot_of(PEOPLE, EDGES[wave], wave)

    result = participant_network_rows(ProgramWaves.of(EDGES, ROSTER, ImpactConfig()), load)
    assert result.note is None
    # Each wave once, and the baseline once more to compare with: never all held together.
    assert sorted(loads) == ["2020-Q4", "2020-Q4", "2021-Q1", "2021-Q2"]
    rows = result.rows.set_index("wave")
    assert rows["participants"].tolist() == [4, 4, 4]  # x is in no wave's population
    assert rows["ties"].tolist() == [1, 2, 3] and rows["new_bonds"].tolist() == [0, 1, 2]
    # d, no participant, is reached through c in 2021-Q2.
    assert rows.loc["2021-Q2", "cross_country_ties"] == 2 and rows["reach_1_people"].tolist() == [4, 4, 5]
    assert rows["small_group"].tolist() == [True] * 3  # 4 participants
    assert dict(result.rows.dtypes.astype(str)) == MART_TYPES["participant_network"]


def test_empty_marts_are_typed_and_say_why():
    empty = participant_network_rows(ProgramWaves.of(EDGES, None, ImpactConfig()), lambda w: None)
    assert empty.rows.empty and "no program roster" in empty.note
    assert dict(empty.rows.dtypes.astype(str)) == MART_TYPES["participant_network"]
    did = impact_did_rows(ProgramWaves.of(["2020-Q4"], ROSTER, ImpactConfig()), {}, ImpactConfig())
    assert did.rows.empty and did.note.startswith("no loaded wave after the baseline")
    assert list(did.rows.columns) == list(MART_TYPES["impact_did"])
    kbis, problems = experiment_kbi_rows(ASSIGNMENT.iloc[:0], INTERACTIONS.iloc[:0], (), lambda w: None, 2)
    assert kbis.rows.empty and "no experiment has landed" in kbis.note and problems.empty


def test_experiment_without_a_wave_before_it_has_no_connectivity_and_says_so():
    rows, problems = experiment_kbi_rows(ASSIGNMENT, INTERACTIONS, ("2022-Q3",), lambda w: None, 2)
    connectivity = rows.rows[rows.rows["indicator"] == "building_connectivity"]
    assert connectivity["count"].isna().all() and rows.rows.loc[rows.rows["indicator"] == "engagement", "count"].notna().all()
    assert "building_connectivity is empty for ['X1']" in rows.note
    assert len(problems) == 9  # the example's problem rows, reported rather than hidden


def test_impact_did_and_balance_rows_of_every_wave_with_placebos():
    from scl_pipeline_tests.lib.impact.planted import plant

    planted = plant(0.5, pre_trend=0.0, people=1500, seed=2)
    metrics = {"2020-Q3": planted.pre, "2020-Q4": planted.baseline, "2021-Q4": planted.later}
    roster = pd.DataFrame({"employee_id": planted.baseline.loc[planted.baseline["participant"], "employee_id"],
                           "start_date": "2021-01-15"})
    program = ProgramWaves.of(metrics, roster, ImpactConfig())
    assert program.baseline.wave == "2020-Q4" and program.event_waves == ("2020-Q3", "2020-Q4", "2021-Q4")
    did = impact_did_rows(program, metrics, ImpactConfig())
    assert did.rows.groupby("wave")["placebo"].first().to_dict() == {"2020-Q3": True, "2021-Q4": False}
    assert (did.rows["control_group"] == "matched").all() and did.rows["unmatched"].notna().all()
    unmatched = int(did.rows["unmatched"].iloc[0])
    assert unmatched > 0  # the most central participants have no colleague close enough
    assert f"{unmatched} of {int(planted.baseline['participant'].sum())} participants have no acceptable match" in did.note
    assert dict(did.rows.dtypes.astype(str)) == MART_TYPES["impact_did"]
    balance = impact_balance_rows(program, metrics, ImpactConfig())
    assert sorted(balance.rows["wave"].unique()) == ["2020-Q3", "2020-Q4", "2021-Q4"]
    assert set(balance.rows["control_group"]) == {"matched", "key_collaborators", "non_participants"}
    assert len(balance.rows) == 3 * 3 * 9 and dict(balance.rows.dtypes.astype(str)) == MART_TYPES["impact_balance"]
    key = impact_did_rows(program, metrics, ImpactConfig(control_group="key_collaborators")).rows
    assert (key["control_group"] == "key_collaborators").all() and key["unmatched"].isna().all()
