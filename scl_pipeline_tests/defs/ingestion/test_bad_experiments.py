"""The catalogue of bad experiment logs (issue 10): each case's exact quarantine, nothing lost.

Every case starts from a warehouse holding one good wave (eight people E1..E8), lands an
experiment (program E1..E3, control E4..E6, four log rows) with one kind of problem, and runs the
experiments' ingestion. The experiment loads; exactly the offending rows go to ``raw.experiment_quarantine`` (its step's part of ``raw.quarantine``)
with their reason, and every landed row is either in the raw tables or in quarantine.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from scl_pipeline.lib.lake import DataLake
from scl_pipeline_tests.helpers.dagster import _INSTANCE, materialize_wave, project_defs, query, resources_for, whole_steps
from scl_pipeline_tests.helpers.landing import small_org, write_frame, write_wave

WAVE = "2021-Q1"
EXPERIMENT = "qa-1"
EXPERIMENT_KEYS = [dg.AssetKey(["raw", "experiment_assignment"]), dg.AssetKey(["raw", "experiment_interactions"])]
ASSIGNMENT_FILE = f"experiments/{EXPERIMENT}/assignment.csv"
INTERACTIONS_FILE = f"experiments/{EXPERIMENT}/interactions.csv"


def good_assignment() -> pd.DataFrame:
    return pd.DataFrame({"employee_id": ["E1", "E2", "E3", "E4", "E5", "E6"], "group": ["program"] * 3 + ["control"] * 3})


def good_log() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("E1", "E2", "2022-01-03T10:00:00", "2022-01-03T11:00:00", "q1"),
            ("E4", "E5", "2022-01-03T10:00:00", "2022-01-03T12:00:00", "q2"),
            ("E3", "E6", "2022-01-04T09:00:00", None, "q3"),
            ("E2", "E1", "2022-01-04T10:00:00", "2022-01-04T10:30:00", "q4"),
        ],
        columns=["asker_id", "responder_id", "asked_at", "answered_at", "question_id"],
    )


def _set(row: int, column: str, value) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """Edit 1-based source row ``row``."""

    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.astype(object)
        frame.loc[row - 1, column] = value
        return frame

    return edit


def _append(*rows: tuple) -> Callable[[pd.DataFrame], pd.DataFrame]:
    return lambda frame: pd.concat([frame, pd.DataFrame(list(rows), columns=frame.columns)], ignore_index=True)


def _repeat(row: int) -> Callable[[pd.DataFrame], pd.DataFrame]:
    return lambda frame: pd.concat([frame, frame.iloc[[row - 1]]], ignore_index=True)


@dataclass(frozen=True)
class Case:
    assignment: Callable[[pd.DataFrame], pd.DataFrame] | None = None
    log: Callable[[pd.DataFrame], pd.DataFrame] | None = None
    # (file, expectation) -> quarantined source rows; reasons must contain ``reason``
    quarantined: dict[tuple[str, str], tuple[int, ...]] | None = None
    reason: str = ""


CASES: dict[str, Case] = {
    "asker outside the assignment (in HR)": Case(
        log=_set(2, "asker_id", "E7"),
        quarantined={(INTERACTIONS_FILE, "experiment_interactions.asker_id_in_assignment"): (2,)},
        reason="asker_id 'E7' is not in the qa-1 assignment",
    ),
    "responder outside the company": Case(
        log=_set(1, "responder_id", "X9"),
        quarantined={(INTERACTIONS_FILE, "experiment_interactions.responder_id_in_assignment"): (1,)},
        reason="responder_id 'X9' is not in the qa-1 assignment",
    ),
    "answer before its question": Case(
        log=_set(4, "answered_at", "2022-01-04T09:59:00"),
        quarantined={(INTERACTIONS_FILE, "experiment_interactions.answered_at_not_before_asked_at"): (4,)},
        reason="answered_at '2022-01-04T09:59:00' is before asked_at '2022-01-04T10:00:00'",
    ),
    "member in both groups": Case(
        assignment=_append(("E2", "control")),
        # Every row of E2 goes, and so does every question E2 asked or answered.
        quarantined={
            (ASSIGNMENT_FILE, "experiment_assignment.not_in_both_groups"): (2, 7),
            (INTERACTIONS_FILE, "experiment_interactions.responder_id_in_assignment"): (1,),
            (INTERACTIONS_FILE, "experiment_interactions.asker_id_in_assignment"): (4,),
        },
        reason="employee_id 'E2' is listed in both the program and the control group",
    ),
    "member listed twice in one group": Case(
        assignment=_append(("E5", "control")),
        quarantined={(ASSIGNMENT_FILE, "experiment_assignment.no_repeated_member"): (7,)},
        reason="employee_id 'E5' is already listed in group 'control' in source row 5",
    ),
    "question answered by its asker": Case(
        log=_set(3, "responder_id", "E3"),
        quarantined={(INTERACTIONS_FILE, "experiment_interactions.no_self_question"): (3,)},
        reason="asker_id and responder_id are the same person 'E3'",
    ),
    "question logged twice": Case(
        log=_repeat(1),
        quarantined={(INTERACTIONS_FILE, "experiment_interactions.no_repeated_question"): (5,)},
        reason="the same question is logged in source row 1",
    ),
    "one row, several problems": Case(
        log=_append(("E6", "E6", "2022-01-05T10:00:00", "2022-01-05T09:00:00", "q5")),
        quarantined={
            (INTERACTIONS_FILE, "experiment_interactions.answered_at_not_before_asked_at; "
                                "experiment_interactions.no_self_question"): (5,),
        },
        reason="is before asked_at '2022-01-05T10:00:00'; asker_id and responder_id are the same person 'E6'",
    ),
}


def _materialize_experiments(lake: DataLake) -> dg.ExecuteInProcessResult:
    d = project_defs()
    return dg.materialize(
        list(d.assets) + list(d.asset_checks or []), selection=whole_steps(EXPERIMENT_KEYS), resources=resources_for(lake),
        instance=_INSTANCE, raise_on_error=False,
    )


@pytest.fixture(scope="module")
def wave_loaded_template(tmp_path_factory) -> DataLake:
    """A lake with one good wave loaded, built once per module: each case starts from a copy."""
    lake = DataLake(tmp_path_factory.mktemp("wave_loaded") / "lake")
    hr, survey = small_org()
    hr["hire_date"] = "2019-06-01"
    write_wave(lake, WAVE, hr, survey)
    assert materialize_wave(lake, WAVE, [dg.AssetKey(["raw", "hr_export"]), dg.AssetKey(["raw", "ona_survey"])]).success
    return lake


@pytest.fixture
def wave_loaded(lake, wave_loaded_template):
    shutil.copytree(wave_loaded_template.root, lake.root, dirs_exist_ok=True)
    return lake


def test_good_experiment_loads_without_quarantine(wave_loaded):
    lake = wave_loaded
    write_frame(good_assignment(), lake.experiments_folder / EXPERIMENT / "assignment.csv")
    write_frame(good_log(), lake.experiments_folder / EXPERIMENT / "interactions.csv")
    assert _materialize_experiments(lake).success
    assert query(lake, "select count(*) as n from raw.experiment_quarantine where scope = 'experiments'")["n"][0] == 0
    assert len(query(lake, "select * from raw.experiment_interactions")) == len(good_log())


@pytest.mark.parametrize("name", list(CASES))
def test_bad_experiment_log_is_quarantined_and_nothing_lost(wave_loaded, name):
    lake, case = wave_loaded, CASES[name]
    assignment = (case.assignment or (lambda f: f))(good_assignment())
    log = (case.log or (lambda f: f))(good_log())
    write_frame(assignment, lake.experiments_folder / EXPERIMENT / "assignment.csv")
    write_frame(log, lake.experiments_folder / EXPERIMENT / "interactions.csv")

    result = _materialize_experiments(lake)
    assert result.success, name

    quarantine = query(lake, "select * from raw.experiment_quarantine where scope = 'experiments' order by file, source_row")
    quarantine["file"] = [Path(f).relative_to(lake.landing).as_posix() for f in quarantine["file"]]
    got = {(f, e): tuple(sorted(rows)) for (f, e), rows in quarantine.groupby(["file", "expectation"])["source_row"]}
    assert got == case.quarantined
    assert quarantine["reason"].str.contains(case.reason, regex=False).any(), quarantine["reason"].tolist()

    # Nothing lost: every landed row is loaded or quarantined, never both.
    for file, table, landed in ((ASSIGNMENT_FILE, "raw.experiment_assignment", assignment),
                                (INTERACTIONS_FILE, "raw.experiment_interactions", log)):
        loaded = set(query(lake, f"select source_row from {table}")["source_row"])
        aside = set(quarantine.loc[quarantine["file"] == file, "source_row"])
        assert loaded.isdisjoint(aside) and loaded | aside == set(range(1, len(landed) + 1)), table
    members = query(lake, "select employee_id, count(*) as n from raw.experiment_assignment group by 1")
    assert members["n"].max() == 1, "one row per member in the warehouse"

    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    for kind in ("experiment_assignment", "experiment_interactions"):
        assert checks[f"{kind}_valid"].passed
        flagged = any(f.endswith(kind.split("_")[1] + ".csv") for f, _ in case.quarantined)
        assert checks[f"{kind}_quarantine"].passed is not flagged, kind
