"""The expectation suites of an experiment's files: roster (participants), assignment and
interaction log. Part of the one registry (:mod:`.suites`); the experiment row rules they apply
are ``lib/ingestion/experiment_log.py``'s.
"""

from __future__ import annotations

from scl_pipeline.lib.contract import ASSIGNMENT, EXPERIMENT_GROUPS, INTERACTIONS, PARTICIPANTS
from scl_pipeline.lib.ingestion import experiment_log
from scl_pipeline.lib.ingestion.validation import duplicates, rules
from scl_pipeline.lib.ingestion.validation.expectations import ExpectationDef, chronology, date, flagged_rows
from scl_pipeline.lib.ingestion.validation.expectations import in_reference, in_set, not_empty, not_null
from scl_pipeline.lib.ingestion.validation.expectations import required_columns, unique
from scl_pipeline.lib.ingestion.validation.findings import Severity

IN_BOTH_GROUPS = "__in_both_groups"
REPEAT_OF = "__repeat_of_row"
SELF_QUESTION = "__self_question"


def participants_suite() -> list[ExpectationDef]:
    s = PARTICIPANTS
    return [
        required_columns(s),
        not_empty(s),
        not_null(s, "employee_id"),
        unique(s, "employee_id"),
        not_null(s, "cohort"),
        date(s, "start_date"),
        date(s, "end_date"),
        in_set(s, "completed", rules.BOOLEAN_WORDS, "a boolean"),
        # A roster row ending before it starts is a data-entry error in a small, curated file.
        chronology(s, "start_date", "end_date", Severity.ERROR),
        *in_reference(s, "employee_id", "hr"),
    ]


def assignment_suite() -> list[ExpectationDef]:
    s = ASSIGNMENT
    return [
        required_columns(s),
        not_empty(s),
        not_null(s, "employee_id"),
        not_null(s, "group"),
        in_set(s, "group", EXPERIMENT_GROUPS, "an experiment group"),
        *in_reference(s, "employee_id", "hr"),
        flagged_rows(
            s, "not_in_both_groups",
            "nobody is listed in both the program and the control group (every row of such a person is "
            "quarantined: which group is right cannot be told)",
            column="employee_id", columns=("employee_id", "group"), flag=IN_BOTH_GROUPS,
            derive=lambda frame: frame["employee_id"].where(experiment_log.in_both_groups(frame), None),
            reason=lambda row, refs: f"employee_id {row.get('employee_id')!r} is listed in both the program and the control group",
            context=("employee_id", "group"),
        ),
        flagged_rows(
            s, "no_repeated_member",
            "each member is listed once; a row repeating a member in the same group is quarantined, the first kept",
            column="employee_id", columns=("employee_id", "group"), flag=REPEAT_OF,
            derive=lambda frame: duplicates.kept_row(frame, experiment_log.repeated_members(frame)),
            reason=lambda row, refs: (
                f"employee_id {row.get('employee_id')!r} is already listed in group {row.get('group')!r} "
                f"in source row {row.get(REPEAT_OF.lstrip('_'))}"
            ),
            context=(REPEAT_OF.lstrip("_"), "employee_id", "group"),
        ),
    ]


def interactions_suite() -> list[ExpectationDef]:
    s = INTERACTIONS
    return [
        required_columns(s),
        not_null(s, "asker_id"),
        not_null(s, "responder_id"),
        not_null(s, "asked_at"),
        date(s, "asked_at"),
        date(s, "answered_at"),
        # One log row answered before it was asked (a clock or export glitch) must not count as
        # an answered question, but does not make the rest of the log untrustworthy.
        chronology(s, "asked_at", "answered_at", Severity.WARNING),
        *in_reference(s, "asker_id", "assignment"),
        *in_reference(s, "responder_id", "assignment"),
        flagged_rows(
            s, "no_self_question", "nobody answers their own question (responder_id differs from asker_id)",
            column="responder_id", columns=("asker_id", "responder_id"), flag=SELF_QUESTION,
            derive=lambda frame: frame["responder_id"].where(experiment_log.self_questions(frame), None),
            reason=lambda row, refs: f"asker_id and responder_id are the same person {row.get('asker_id')!r}",
            context=("asker_id", "responder_id"),
        ),
        flagged_rows(
            s, "no_repeated_question",
            "each question is logged once (a row with the asker, responder, asked_at, answered_at and "
            "question_id of an earlier row is quarantined, the first kept)",
            column="asker_id", columns=("asker_id", "responder_id", "asked_at"), flag=REPEAT_OF,
            derive=lambda frame: duplicates.kept_row(frame, experiment_log.repeated_questions(frame)),
            reason=lambda row, refs: f"the same question is logged in source row {row.get(REPEAT_OF.lstrip('_'))}",
            context=(REPEAT_OF.lstrip("_"), "asker_id", "responder_id", "asked_at"),
        ),
    ]
