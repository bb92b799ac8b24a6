"""Landing string frames as the reader hands them to validation: strings or None, plus
``source_row`` (1-based) and ``source_file``."""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd

HR_FILE = "waves/2021-Q3/hr_export.csv"
SURVEY_FILE = "waves/2021-Q3/ona_survey.csv"
PARTICIPANTS_FILE = "program/participants.csv"
ASSIGNMENT_FILE = "experiments/qa1/assignment.csv"
INTERACTIONS_FILE = "experiments/qa1/interactions.csv"
WAVE = "2021-Q3"


def frame(rows: list[dict[str, Any]], file: str, columns: list[str] | None = None) -> pd.DataFrame:
    """A string frame of ``rows`` with lineage columns; ``columns`` fixes the column set."""
    columns = columns or list(dict.fromkeys(k for row in rows for k in row))
    out = pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns, dtype=object)
    out["source_row"] = range(1, len(rows) + 1)
    out["source_file"] = file
    return out


HR_ROWS: list[dict[str, Any]] = [
    {"employee_id": "E1", "country": "FR", "department": "Sales", "level": "L2", "hire_date": "2015-03-01", "invited_to_survey": "yes"},
    {"employee_id": "E2", "country": "DEU", "department": "Ops", "level": "L3", "hire_date": "2019-11-15", "invited_to_survey": "True"},
    {"employee_id": "E3", "country": "Germany", "department": "Ops", "level": "L1", "hire_date": None, "invited_to_survey": "no"},
    {"employee_id": "E4", "country": " brazil ", "department": "R&D", "level": "L2", "hire_date": "2020-01-02 00:00:00", "invited_to_survey": "1"},
    {"employee_id": "E5", "country": "us", "department": "R&D", "level": "L4", "hire_date": "2021-06-30", "invited_to_survey": None},
    {"employee_id": "E6", "country": "JP", "department": "Sales", "level": "L1", "hire_date": "2012-08-09", "invited_to_survey": "0"},
]

SURVEY_ROWS: list[dict[str, Any]] = [
    {"respondent_id": "E1", "nominee_id": "E2", "relation": "trust", "strength": "5", "answered_at": "2021-07-05T09:30:00"},
    {"respondent_id": "E1", "nominee_id": "E3", "relation": "advice", "strength": "3", "answered_at": "2021-07-05T09:31:00"},
    {"respondent_id": "E2", "nominee_id": "E1", "relation": "trust", "strength": "4", "answered_at": "2021-07-06"},
    {"respondent_id": "E3", "nominee_id": "E4", "relation": "Trust", "strength": "1", "answered_at": None},
    {"respondent_id": "E4", "nominee_id": "E5", "relation": "energy", "strength": None, "answered_at": "2021-07-07 10:00:00+02:00"},
    {"respondent_id": "E5", "nominee_id": "E6", "relation": "trust", "strength": "2", "answered_at": "2021-07-08"},
    {"respondent_id": "E6", "nominee_id": "E1", "relation": "work", "strength": "4", "answered_at": "2021-07-08"},
]

PARTICIPANT_ROWS: list[dict[str, Any]] = [
    {"employee_id": "E1", "cohort": "C1", "start_date": "2021-09-01", "end_date": "2021-10-27", "completed": "true"},
    {"employee_id": "E2", "cohort": "C1", "start_date": "2021-09-01", "end_date": None, "completed": "false"},
    {"employee_id": "E4", "cohort": "C2", "start_date": "2022-01-10", "end_date": "2022-03-07", "completed": None},
]

ASSIGNMENT_ROWS: list[dict[str, Any]] = [
    {"employee_id": "E1", "group": "program"},
    {"employee_id": "E2", "group": "control"},
    {"employee_id": "E3", "group": "Program"},
    {"employee_id": "E5", "group": "control"},
]

INTERACTION_ROWS: list[dict[str, Any]] = [
    {"asker_id": "E1", "responder_id": "E2", "asked_at": "2022-04-04T08:00:00", "answered_at": "2022-04-04T09:00:00", "question_id": "q1"},
    {"asker_id": "E2", "responder_id": "E3", "asked_at": "2022-04-05T08:00:00", "answered_at": None, "question_id": "q2"},
    {"asker_id": "E5", "responder_id": "E1", "asked_at": "2022-04-06", "answered_at": "2022-04-06 17:45", "question_id": None},
]

GOOD_ROWS = {
    "hr_export": HR_ROWS,
    "ona_survey": SURVEY_ROWS,
    "participants": PARTICIPANT_ROWS,
    "experiment_assignment": ASSIGNMENT_ROWS,
    "experiment_interactions": INTERACTION_ROWS,
}
FILES = {
    "hr_export": HR_FILE,
    "ona_survey": SURVEY_FILE,
    "participants": PARTICIPANTS_FILE,
    "experiment_assignment": ASSIGNMENT_FILE,
    "experiment_interactions": INTERACTIONS_FILE,
}
HR_IDS = frozenset(row["employee_id"] for row in HR_ROWS)
ASSIGNMENT_IDS = frozenset(row["employee_id"] for row in ASSIGNMENT_ROWS)


def rows_of(kind: str) -> list[dict[str, Any]]:
    """A fresh, mutable copy of the good rows of ``kind``."""
    return copy.deepcopy(GOOD_ROWS[kind])
