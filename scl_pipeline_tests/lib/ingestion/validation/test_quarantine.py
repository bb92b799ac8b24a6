"""Quarantine rows and clean frames: which rows, with which file, row number and reason."""

from __future__ import annotations

import json

import pandas as pd

from scl_pipeline.lib.ingestion.validation import validate_experiment, validate_survey, validate_wave
from scl_pipeline_tests.lib.ingestion.validation.frames import (
    ASSIGNMENT_FILE,
    HR_FILE,
    HR_IDS,
    HR_ROWS,
    INTERACTIONS_FILE,
    SURVEY_FILE,
    WAVE,
    frame,
    rows_of,
)


def _survey_with_duplicates() -> pd.DataFrame:
    rows = rows_of("ona_survey")
    rows += [
        # 8, 9: repeat row 1's tie E1->E2 trust (strength 5) with lower strengths.
        {"respondent_id": "E1", "nominee_id": "E2", "relation": "Trust", "strength": "4", "answered_at": None},
        {"respondent_id": "E1", "nominee_id": "E2", "relation": None, "strength": None, "answered_at": None},
        # 10: same pair as row 2 but a different relation: not a duplicate.
        {"respondent_id": "E1", "nominee_id": "E3", "relation": "trust", "strength": "3", "answered_at": None},
        # 11: repeats row 6 (E5->E6 trust, 2) with a HIGHER strength: row 6 is the one dropped.
        {"respondent_id": "E5", "nominee_id": "E6", "relation": "trust", "strength": "5", "answered_at": None},
        # 12: outside HR and also a duplicate of row 3: both reasons on one quarantine row.
        {"respondent_id": "E2", "nominee_id": "E1", "relation": "trust", "strength": "1", "answered_at": None},
        # 13: nominee outside HR.
        {"respondent_id": "E3", "nominee_id": "X9", "relation": "trust", "strength": "3", "answered_at": None},
    ]
    rows[11]["nominee_id"] = "E1"
    rows[11]["respondent_id"] = "E2"
    return frame(rows, SURVEY_FILE)


def test_duplicates_keep_highest_strength_and_quarantine_the_rest_with_reasons():
    hr = frame([r for r in HR_ROWS if r["employee_id"] != "E9"], HR_FILE)
    survey = _survey_with_duplicates()
    survey.loc[survey["source_row"] == 12, "respondent_id"] = "E2 "
    report = validate_survey(survey, hr, WAVE)
    assert report.passed

    dup = report.finding("ona_survey.no_duplicate_nomination")
    assert dup.rows_failed == 4
    assert dup.sample_rows == [6, 8, 9, 12]
    assert [row["duplicate_of_row"] for row in dup.sample] == [11, 1, 1, 3]

    q = report.quarantine.set_index("source_row")
    assert sorted(q.index) == [6, 8, 9, 12, 13]
    assert (q["file"] == SURVEY_FILE).all()
    assert q.at[6, "reason"].startswith("duplicate nomination (E5, E6, trust) of source row 11")
    assert q.at[13, "reason"] == f"nominee_id 'X9' is not in the {WAVE} HR export"
    assert q.at[13, "expectation"] == "ona_survey.nominee_id_in_hr"
    # Original (not canonicalised) values are kept, lineage columns are not repeated.
    assert json.loads(q.at[8, "values"]) == {
        "respondent_id": "E1", "nominee_id": "E2", "relation": "Trust", "strength": "4", "answered_at": None,
    }


def test_a_row_with_two_reasons_is_one_quarantine_row_with_both():
    hr = frame(HR_ROWS, HR_FILE)
    survey = _survey_with_duplicates()
    survey.loc[survey["source_row"] == 12, "nominee_id"] = "E1"
    survey.loc[survey["source_row"] == 12, "respondent_id"] = "E2"
    # Make row 12 both a duplicate and outside HR: the kept row 3 must also point outside HR.
    survey.loc[survey["source_row"].isin([3, 12]), "nominee_id"] = "Z1"
    report = validate_survey(survey, hr, WAVE)
    q = report.quarantine.set_index("source_row")
    assert q.at[12, "expectation"] == "ona_survey.nominee_id_in_hr; ona_survey.no_duplicate_nomination"
    assert "not in the" in q.at[12, "reason"] and "duplicate nomination (E2, Z1, trust)" in q.at[12, "reason"]
    assert q.index.is_unique


def test_clean_frame_is_input_minus_exactly_the_quarantined_rows():
    hr = frame(HR_ROWS, HR_FILE)
    survey = _survey_with_duplicates()
    wave = validate_wave(hr, survey, WAVE)
    clean_rows = set(wave.clean("ona_survey")["source_row"])
    quarantined = set(wave.quarantine["source_row"])
    assert quarantined and clean_rows.isdisjoint(quarantined)
    assert clean_rows | quarantined == set(survey["source_row"])
    assert list(wave.clean("ona_survey").columns) == list(survey.columns)
    assert len(wave.clean("hr_export")) == len(HR_ROWS)


def test_experiment_interactions_outside_the_assignment_are_quarantined():
    assignment = rows_of("experiment_assignment")
    assignment[3]["employee_id"] = "E88"  # not in HR: quarantined, so not a member either
    interactions = rows_of("experiment_interactions")  # row 3 is asked by E5
    result = validate_experiment(frame(assignment, ASSIGNMENT_FILE), frame(interactions, INTERACTIONS_FILE), HR_IDS, "qa1")
    assert result.passed
    assert result.assignment.quarantine["source_row"].tolist() == [4]
    assert result.interactions.finding("experiment_interactions.asker_id_in_assignment").sample_rows == [3]
    q = result.quarantine
    assert q[["file", "source_row"]].values.tolist() == [[ASSIGNMENT_FILE, 4], [INTERACTIONS_FILE, 3]]
    assert q["reason"].tolist() == [
        "employee_id 'E88' is not in the HR export",
        "asker_id 'E5' is not in the qa1 assignment",
    ]


def test_answer_before_question_is_quarantined_with_both_times():
    interactions = rows_of("experiment_interactions")
    interactions[0]["answered_at"] = "2022-04-04T09:00:00+02:00"  # 07:00 UTC, asked 08:00 UTC
    interactions[2]["answered_at"] = "2022-04-06T00:00:00"  # equal to asked_at: allowed
    assignment = frame(rows_of("experiment_assignment"), ASSIGNMENT_FILE)
    result = validate_experiment(assignment, frame(interactions, INTERACTIONS_FILE), HR_IDS, "qa1")
    assert result.passed
    finding = result.interactions.finding("experiment_interactions.answered_at_not_before_asked_at")
    assert finding.sample == (
        {"source_row": 1, "asked_at": "2022-04-04T08:00:00", "answered_at": "2022-04-04T09:00:00+02:00"},
    )
    assert result.quarantine["reason"].tolist() == [
        "answered_at '2022-04-04T09:00:00+02:00' is before asked_at '2022-04-04T08:00:00'"
    ]
