"""One crafted bad frame per registered expectation: it fails with the exact finding, and the
good frames of every file kind pass every expectation of their suite."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pytest

from scl_pipeline.lib.ingestion.validation import (
    REGISTRY,
    Severity,
    ValidationReport,
    validate_assignment,
    validate_hr_export,
    validate_interactions,
    validate_participants,
    validate_survey,
)
from scl_pipeline.lib.ingestion.validation.layout_checks import LAYOUT_EXPECTATIONS
from scl_pipeline.lib.ingestion.values import MatchOptions
from scl_pipeline_tests.lib.ingestion.validation.frames import (
    ASSIGNMENT_IDS,
    FILES,
    HR_FILE,
    HR_IDS,
    HR_ROWS,
    WAVE,
    frame,
    rows_of,
)


def validate(kind: str, df: pd.DataFrame, options: MatchOptions = MatchOptions()) -> ValidationReport:
    if kind == "hr_export":
        return validate_hr_export(df, WAVE, options)
    if kind == "ona_survey":
        return validate_survey(df, frame(HR_ROWS, HR_FILE), WAVE, options)
    if kind == "participants":
        return validate_participants(df, HR_IDS, options=options)
    if kind == "experiment_assignment":
        return validate_assignment(df, HR_IDS, options=options)
    if kind == "experiment_interactions":
        return validate_interactions(df, ASSIGNMENT_IDS, "qa1", options)
    raise AssertionError(kind)


# Ids differing from their reference only by letter case are repaired with this option.
CASE_BLIND = MatchOptions(case_insensitive_ids=True)


@dataclass(frozen=True)
class Case:
    expectation: str
    edits: tuple[tuple[int, str, Any], ...] = ()  # (source_row, column, new value)
    drop: str | None = None  # a column removed from the file
    empty: bool = False  # a header-only file
    rows: tuple[int, ...] = ()  # expected sample source_rows
    values: tuple[Any, ...] | None = None  # expected offending values of the finding's column
    rows_failed: int | None = None  # defaults to len(rows)
    options: MatchOptions = MatchOptions()
    kind: str = field(init=False, default="")

    def bad_frame(self) -> pd.DataFrame:
        kind = REGISTRY[self.expectation].file_kind
        rows = rows_of(kind)
        for source_row, column, value in self.edits:
            rows[source_row - 1][column] = value
        if self.drop:
            for row in rows:
                row.pop(self.drop)
        if self.empty:
            return frame([], FILES[kind], columns=list(rows[0]))
        return frame(rows, FILES[kind])


CASES = [
    # hr_export
    Case("hr_export.required_columns", drop="level"),
    Case("hr_export.not_empty", empty=True),
    Case("hr_export.employee_id_not_null", edits=((2, "employee_id", "  "),), rows=(2,), values=(None,)),
    # A padded copy of an id is the same id once stripped, so it is a duplicate.
    Case("hr_export.employee_id_unique", edits=((3, "employee_id", " E1"),), rows=(1, 3), values=("E1", "E1")),
    Case("hr_export.country_not_null", edits=((4, "country", None),), rows=(4,), values=(None,)),
    Case("hr_export.department_not_null", edits=((2, "department", " "),), rows=(2,), values=(None,)),
    Case("hr_export.level_not_null", edits=((3, "level", None),), rows=(3,), values=(None,)),
    Case(
        "hr_export.country_known",
        edits=((5, "country", "Atlantis"), (6, "country", "Other")),
        rows=(5, 6),
        values=("Atlantis", "Other"),
    ),
    Case(
        "hr_export.hire_date_parseable",
        edits=((2, "hire_date", "03/04/2021"), (3, "hire_date", "2021-02-30")),
        rows=(2, 3),
        values=("03/04/2021", "2021-02-30"),
    ),
    # A later wave's export dropped into this wave's folder: someone hired after the quarter ended.
    Case("hr_export.hired_by_wave_end", edits=((3, "hire_date", "2021-10-01"),), rows=(3,), values=("2021-10-01",)),
    Case("hr_export.invited_to_survey_valid", edits=((1, "invited_to_survey", "Maybe"),), rows=(1,), values=("maybe",)),
    # ona_survey
    Case("ona_survey.required_columns", drop="nominee_id"),
    Case("ona_survey.not_empty", empty=True),
    Case("ona_survey.respondent_id_not_null", edits=((3, "respondent_id", None),), rows=(3,), values=(None,)),
    Case("ona_survey.nominee_id_not_null", edits=((2, "nominee_id", ""),), rows=(2,), values=(None,)),
    Case("ona_survey.no_self_nomination", edits=((4, "nominee_id", "E3"),), rows=(4,), values=("E3",)),
    Case(
        "ona_survey.strength_valid",
        edits=((1, "strength", "high"), (2, "strength", "0"), (3, "strength", "6"), (6, "strength", "2.5")),
        rows=(1, 2, 3, 6),
        values=("high", "0", "6", "2.5"),
    ),
    Case("ona_survey.relation_valid", edits=((2, "relation", "gossip"),), rows=(2,), values=("gossip",)),
    # Issue 22: trust is rated on other rows, so a blank trust strength is ambiguous (quarantined).
    Case("ona_survey.strength_not_blank", edits=((6, "strength", " "),), rows=(6,), values=(None,)),
    Case("ona_survey.relation_not_blank", edits=((2, "relation", ""),), rows=(2,), values=(None,)),
    Case("ona_survey.answered_at_parseable", edits=((1, "answered_at", "yesterday"),), rows=(1,), values=("yesterday",)),
    # Repaired rows load with the HR id (the value checked is the repaired one).
    Case("ona_survey.respondent_id_repaired", edits=((6, "respondent_id", "e5"),), rows=(6,), values=("E5",), options=CASE_BLIND),
    Case("ona_survey.nominee_id_repaired", edits=((1, "nominee_id", "e2"), (3, "nominee_id", "e1")), rows=(1, 3), values=("E2", "E1"), options=CASE_BLIND),
    Case("ona_survey.respondent_id_in_hr", edits=((6, "respondent_id", "E77"),), rows=(6,), values=("E77",)),
    # A nominee who left the company: not in this wave's HR export.
    Case("ona_survey.nominee_id_in_hr", edits=((5, "nominee_id", "E99"),), rows=(5,), values=("E99",)),
    # Row 3 repeats row 1's tie (E1 -> E2, trust: labels ignore case and padding) with a lower strength.
    Case(
        "ona_survey.no_duplicate_nomination",
        edits=((3, "respondent_id", "E1"), (3, "nominee_id", "E2"), (3, "relation", " TRUST"), (3, "strength", "2")),
        rows=(3,),
        values=("E2",),
    ),
    # participants
    Case("participants.required_columns", drop="cohort"),
    Case("participants.not_empty", empty=True),
    Case("participants.employee_id_not_null", edits=((3, "employee_id", None),), rows=(3,), values=(None,)),
    Case("participants.employee_id_unique", edits=((3, "employee_id", "E1"),), rows=(1, 3), values=("E1", "E1")),
    Case("participants.cohort_not_null", edits=((2, "cohort", " "),), rows=(2,), values=(None,)),
    Case("participants.start_date_parseable", edits=((1, "start_date", "Sept 1st"),), rows=(1,), values=("Sept 1st",)),
    Case("participants.end_date_parseable", edits=((3, "end_date", "2022-13-01"),), rows=(3,), values=("2022-13-01",)),
    Case("participants.completed_valid", edits=((2, "completed", "done"),), rows=(2,), values=("done",)),
    Case(
        "participants.end_date_not_before_start_date",
        edits=((1, "end_date", "2021-08-31"),),
        rows=(1,),
        values=("2021-08-31",),
    ),
    Case("participants.employee_id_repaired", edits=((2, "employee_id", "e2"),), rows=(2,), values=("E2",), options=CASE_BLIND),
    Case("participants.employee_id_in_hr", edits=((3, "employee_id", "E42"),), rows=(3,), values=("E42",)),
    # experiment_assignment
    Case("experiment_assignment.required_columns", drop="group"),
    Case("experiment_assignment.not_empty", empty=True),
    Case("experiment_assignment.employee_id_not_null", edits=((2, "employee_id", None),), rows=(2,), values=(None,)),
    Case("experiment_assignment.group_not_null", edits=((1, "group", None),), rows=(1,), values=(None,)),
    Case("experiment_assignment.group_valid", edits=((2, "group", "treatment"),), rows=(2,), values=("treatment",)),
    Case("experiment_assignment.employee_id_repaired", edits=((4, "employee_id", "e5"),), rows=(4,), values=("E5",), options=CASE_BLIND),
    Case("experiment_assignment.employee_id_in_hr", edits=((4, "employee_id", "E50"),), rows=(4,), values=("E50",)),
    # E1 is in the program (row 1): listed as control too, both rows go.
    Case("experiment_assignment.not_in_both_groups", edits=((4, "employee_id", "E1"),), rows=(1, 4), values=("E1", "E1")),
    Case("experiment_assignment.no_repeated_member", edits=((4, "employee_id", "E2"),), rows=(4,), values=("E2",)),
    # experiment_interactions
    Case("experiment_interactions.required_columns", drop="asked_at"),
    Case("experiment_interactions.asker_id_not_null", edits=((1, "asker_id", None),), rows=(1,), values=(None,)),
    Case("experiment_interactions.responder_id_not_null", edits=((2, "responder_id", ""),), rows=(2,), values=(None,)),
    Case("experiment_interactions.asked_at_not_null", edits=((3, "asked_at", None),), rows=(3,), values=(None,)),
    Case(
        "experiment_interactions.asked_at_parseable",
        edits=((2, "asked_at", "05.04.2022"),),
        rows=(2,),
        values=("05.04.2022",),
    ),
    Case("experiment_interactions.answered_at_parseable", edits=((1, "answered_at", "soon"),), rows=(1,), values=("soon",)),
    # 09:00 at UTC+2 is 07:00 UTC, an hour before the (UTC) question of 08:00.
    Case(
        "experiment_interactions.answered_at_not_before_asked_at",
        edits=((1, "answered_at", "2022-04-04T09:00:00+02:00"),),
        rows=(1,),
        values=("2022-04-04T09:00:00+02:00",),
    ),
    # E4 is in HR but not in the experiment.
    Case("experiment_interactions.asker_id_repaired", edits=((3, "asker_id", "e5"),), rows=(3,), values=("E5",), options=CASE_BLIND),
    Case("experiment_interactions.responder_id_repaired", edits=((2, "responder_id", "e3"),), rows=(2,), values=("E3",), options=CASE_BLIND),
    Case("experiment_interactions.asker_id_in_assignment", edits=((3, "asker_id", "E4"),), rows=(3,), values=("E4",)),
    Case("experiment_interactions.responder_id_in_assignment", edits=((1, "responder_id", "E6"),), rows=(1,), values=("E6",)),
    Case("experiment_interactions.no_self_question", edits=((2, "responder_id", "E2"),), rows=(2,), values=("E2",)),
    # Row 3 becomes row 1 again, with the answer time written another way (the same instant).
    Case(
        "experiment_interactions.no_repeated_question",
        edits=((3, "asker_id", "E1"), (3, "responder_id", "E2"), (3, "asked_at", "2022-04-04 08:00"),
               (3, "answered_at", "2022-04-04T09:00:00Z"), (3, "question_id", "q1")),
        rows=(3,),
        values=("E1",),
    ),
]


# Checked while a survey tool's export is read, not by the suite: their failing cases are in
# scl_pipeline_tests/lib/ingestion/test_survey_input.py.
READ_CHECKS = frozenset(e.name for e in LAYOUT_EXPECTATIONS)


def test_every_registered_expectation_has_a_failing_case():
    assert sorted(c.expectation for c in CASES) == sorted(set(REGISTRY) - READ_CHECKS)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.expectation)
def test_expectation_fails_with_exact_finding(case: Case):
    definition = REGISTRY[case.expectation]
    report = validate(definition.file_kind, case.bad_frame(), case.options)

    assert [f.expectation for f in report.findings] == [case.expectation]
    finding = report.findings[0]
    assert finding.severity is definition.severity
    # A header-only frame has no source_file value to name it: the file kind stands in.
    assert finding.file == (definition.file_kind if case.empty else FILES[definition.file_kind])
    assert finding.column == definition.column
    assert report.passed is (definition.severity is Severity.WARNING)
    if case.drop:
        assert finding.sample == ({"missing_column": case.drop},)
        assert finding.rows_failed == len(rows_of(definition.file_kind))
        return
    if case.empty:
        assert (finding.rows_failed, finding.sample) == (0, ())
        return
    assert finding.rows_failed == (case.rows_failed if case.rows_failed is not None else len(case.rows))
    assert finding.sample_rows == list(case.rows)
    assert tuple(row[definition.column] for row in finding.sample) == case.values
    assert case.expectation in finding.message and finding.file in finding.message


@pytest.mark.parametrize("kind", sorted(FILES))
def test_good_frame_passes_every_expectation_of_its_suite(kind: str):
    report = validate(kind, frame(rows_of(kind), FILES[kind]))
    assert report.findings == []
    assert report.passed
    assert len(report.quarantine) == 0
    assert sorted(report.expectations_run) == sorted(
        n for n, d in REGISTRY.items() if d.file_kind == kind and n not in READ_CHECKS
    )
    assert report.clean["source_row"].tolist() == list(range(1, len(rows_of(kind)) + 1))
