import numpy as np
import pandas as pd
import pytest

from scl_pipeline.lib.marts.person_wave_metrics import (
    PERSON_COLUMNS, participant_columns, person_wave_table, role_shares, top_people,
)
from scl_pipeline.lib.network.brokerage import brokerage
from scl_pipeline.lib.network.person_metrics import person_metrics
from scl_pipeline.lib.network.roles import ROLE_NAMES, RoleConfig, assign_roles
from scl_pipeline_tests.lib.network.conftest import rated_random_snapshot


def test_participant_columns_first_cohort_and_missing_roster():
    ids = pd.Series(["a", "b", "c"])
    roster = pd.DataFrame({"employee_id": ["c", "a", "a"], "cohort": ["2", "9", "3"]})
    got = participant_columns(ids, roster)
    assert got["participant"].tolist() == [True, False, True]
    assert got["cohort"].tolist() == ["3", None, "2"]
    empty = participant_columns(ids, pd.DataFrame(columns=["employee_id", "cohort"]))
    assert not empty["participant"].any() and empty["cohort"].isna().all()


def test_person_table_joins_by_id_not_position():
    snap, _, _ = rated_random_snapshot()
    metrics = person_metrics(snap)
    flags, _ = assign_roles(metrics, RoleConfig())
    shuffled = metrics.sample(frac=1, random_state=5)
    table = person_wave_table(snap, shuffled, brokerage(snap).iloc[::-1], flags.sample(frac=1, random_state=6),
                              pd.DataFrame({"employee_id": ["3"], "cohort": ["A"]}))
    assert list(table.columns) == list(PERSON_COLUMNS)
    assert table["employee_id"].tolist() == snap.nodes["employee_id"].tolist()
    ref = metrics.set_index("employee_id")
    np.testing.assert_allclose(table["betweenness"], ref.loc[table["employee_id"], "betweenness"])
    assert table.loc[table["employee_id"] == "3", "participant"].item()
    assert table["energy_in_degree"].isna().all()
    shares = role_shares(table)
    assert shares == {r: pytest.approx(flags[r].mean()) for r in ROLE_NAMES}


def test_top_people_ranked_by_the_role_metric():
    table = pd.DataFrame({
        "employee_id": list("abcdef"), "country": "US",
        "strong_in_degree": [5, 9, 1, 7, 7, 0], "degree_u": [3, 0, 1, 2, 2, 1],
        "energy_in_degree": pd.array([pd.NA] * 6, dtype="Int64"),
        **{r: [True, True, False, True, True, True] for r in ROLE_NAMES},
    })
    assert top_people(table, "central_connector", 3)["employee_id"].tolist() == ["b", "d", "e"]
    assert top_people(table, "peripheral", 2)["employee_id"].tolist() == ["b", "f"]
    catalyst = top_people(table, "catalyst", 1)  # no energy relation: ranked by strong in-degree
    assert catalyst["metric"].item() == "strong_in_degree" and catalyst["employee_id"].item() == "b"
