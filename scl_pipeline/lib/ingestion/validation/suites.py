"""The expectation registry: every expectation of every landing file, defined once.

``EXPECTATIONS`` is the single table of name, file kind, severity and description; the GX 1.x
expectation object is built from it per validation (value sets depend on the data and on the
reference files). Great Expectations is never imported here: builders receive the
``great_expectations.expectations`` module from gx_execution, so importing this module is cheap.

Severity policy:

- ERROR (the wave stops): the file cannot be trusted as a whole — missing columns, no rows,
  missing or duplicated ids, invalid strength, relation, group, country, date or boolean values,
  a roster end before its start.
- WARNING (the wave passes, offending rows go to quarantine with their reason): single rows that
  the population or reference files exclude — a survey row naming someone outside the wave's HR
  export (SPEC §2: never silently dropped), self-nominations (SPEC §2: never a tie, never
  blocking), duplicate nominations beyond the kept one (SPEC §2 keeps the highest strength),
  participants / assignment members absent from HR, a member listed in both experiment groups
  (every row of that person) or listed again, interactions by people outside the experiment's
  assignment, answered before they were asked, answered by the asker or logged twice. The
  experiment rules are ``lib/ingestion/experiment_log.py``'s (one definition, also applied by the
  experiment indicators). The ``*_repaired`` WARNINGs count ids repaired to their reference id
  (id_matching) and quarantine nothing.

Strategy for data-dependent checks (countries, dates, reference ids): the distinct values are
tested once in pandas (:mod:`rules`) and GX gets ``ExpectColumnValuesToNotBeInSet`` of the failing
distinct values. That keeps GX doing the row-level accounting (counts, ``source_row`` indices)
while avoiding per-row Python work and GX's slow membership test against large sets (a 13,000-id
``ExpectColumnValuesToBeInSet`` costs ~0.9 s per 100,000 rows, the inverse ~0.05 s). Checks
across rows or columns (duplicates, self-nominations, chronology) compute a ``__``-prefixed
derived column (``ExpectationDef.derive``) that GX then checks row by row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from scl_pipeline.lib.contract import (
    ALL_SPECS,
    ASSIGNMENT,
    DEFAULT_RELATION,
    EXPERIMENT_GROUPS,
    HR_EXPORT,
    INTERACTIONS,
    KNOWN_RELATIONS,
    ONA_SURVEY,
    PARTICIPANTS,
    SOURCE_ROW,
    FileSpec,
)
from scl_pipeline.lib.ingestion import blanks
from scl_pipeline.lib.ingestion.validation import rules
from scl_pipeline.lib.ingestion.validation.expectations import (
    ExpectationDef,
    References,
    chronology,
    column_check,
    date,
    flagged_rows,
    in_reference,
    in_set,
    not_empty,
    not_null,
    required_columns,
    unique,
)
from scl_pipeline.lib.ingestion.validation.findings import Severity
from scl_pipeline.lib.ingestion.validation.layout_checks import LAYOUT_EXPECTATIONS
from scl_pipeline.lib.ingestion import experiment_log

DUPLICATE_OF = "__duplicate_of_row"
DUPLICATE_NOMINATION = "ona_survey.no_duplicate_nomination"
STRENGTH_NOT_BLANK = "ona_survey.strength_not_blank"
RELATION_NOT_BLANK = "ona_survey.relation_not_blank"
SELF_NOMINATION = "__self_nomination"
IN_BOTH_GROUPS = "__in_both_groups"
REPEAT_OF = "__repeat_of_row"
SELF_QUESTION = "__self_question"
NOMINATION_KEY: tuple[str, ...] = ("respondent_id", "nominee_id", "relation")

SPECS: dict[str, FileSpec] = {s.name: s for s in ALL_SPECS}


def _duplicate_reason(row: dict[str, Any], refs: References) -> str:
    key = ", ".join(str(row.get(c)) for c in NOMINATION_KEY)
    return (
        f"duplicate nomination ({key}) of source row {row.get(DUPLICATE_OF.strip('_'))}, "
        "which is kept as the highest strength (earliest row on a tie)"
    )


def _hr_suite() -> list[ExpectationDef]:
    s = HR_EXPORT
    return [
        required_columns(s),
        not_empty(s),
        not_null(s, "employee_id"),
        unique(s, "employee_id"),
        not_null(s, "country"),
        not_null(s, "department"),
        not_null(s, "level"),
        column_check(
            s, "country", "known",
            "country is an ISO 3166-1 alpha-2/alpha-3 code or English name, or a known spelling (UK, Holland, "
            "...); add your own spellings under [countries] in column_aliases.toml",
            lambda gxe, frame, refs: gxe.ExpectColumnValuesToNotBeInSet(
                column="country",
                value_set=rules.unknown_countries(rules.distinct_values(frame["country"]), refs.options.country_aliases),
            ),
        ),
        date(s, "hire_date"),
        ExpectationDef(
            name="hr_export.hired_by_wave_end",
            file_kind=s.name,
            severity=Severity.ERROR,
            column="hire_date",
            columns=("hire_date",),
            description="nobody was hired after the wave's quarter ended (else the export is of a later wave)",
            build=lambda gxe, frame, refs: None
            if refs.wave_end is None
            else gxe.ExpectColumnValuesToNotBeInSet(
                column="hire_date", value_set=rules.dates_after(rules.distinct_values(frame["hire_date"]), refs.wave_end)
            ),
            context=("employee_id", "hire_date"),
        ),
        in_set(s, "invited_to_survey", rules.BOOLEAN_WORDS, "a boolean"),
    ]


def _survey_suite() -> list[ExpectationDef]:
    s = ONA_SURVEY
    return [
        required_columns(s),
        not_empty(s),
        not_null(s, "respondent_id"),
        not_null(s, "nominee_id"),
        ExpectationDef(
            name="ona_survey.no_self_nomination",
            file_kind=s.name,
            severity=Severity.WARNING,
            column="nominee_id",
            columns=("respondent_id", "nominee_id"),
            description="nobody nominates themselves (respondent_id differs from nominee_id)",
            # ExpectSelectColumnValuesToBeUniqueWithinRecord says the same but runs a Python
            # function per row (~0.7 s per 100,000 rows); the vectorised comparison is ~0.03 s.
            build=lambda gxe, frame, refs: gxe.ExpectColumnValuesToBeNull(column=SELF_NOMINATION),
            context=("respondent_id", "nominee_id"),
            derive=lambda frame: {
                SELF_NOMINATION: frame["nominee_id"].where(frame["respondent_id"] == frame["nominee_id"], None)
            },
        ),
        column_check(
            s, "strength", "valid", "strength is an integer from 1 to 5 when present (4.0 counts as 4)",
            lambda gxe, frame, refs: gxe.ExpectColumnValuesToMatchRegex(column="strength", regex=rules.STRENGTH_REGEX),
        ),
        in_set(s, "relation", KNOWN_RELATIONS, "a known relation"),
        *_blank_checks(),
        date(s, "answered_at"),
        *in_reference(s, "respondent_id", "hr"),
        *in_reference(s, "nominee_id", "hr"),
        ExpectationDef(
            name=DUPLICATE_NOMINATION,
            file_kind=s.name,
            severity=Severity.WARNING,
            column="nominee_id",
            columns=("respondent_id", "nominee_id"),
            description=(
                "one row per (respondent_id, nominee_id, relation); the highest strength is kept, "
                "the other rows are quarantined"
            ),
            build=lambda gxe, frame, refs: gxe.ExpectColumnValuesToBeNull(column=DUPLICATE_OF),
            reason=_duplicate_reason,
            context=(DUPLICATE_OF.lstrip("_"), "respondent_id", "nominee_id", "relation", "strength"),
            derive=lambda frame: {DUPLICATE_OF: duplicate_of(frame)},
        ),
    ]


def _by_count(values: Mapping[Any, int]) -> str:
    return ", ".join(f"{n:,} {value}" for value, n in sorted(values.items(), key=lambda item: (-item[1], str(item[0]))))


def _blank_checks() -> list[ExpectationDef]:
    """Blank strength and relation where the survey has the column (lib/ingestion/blanks.py):
    quarantined, or loaded as the ``ingestion`` settings say, and counted either way."""
    s = ONA_SURVEY
    return [
        flagged_rows(
            s, "strength_not_blank",
            "strength is given on every row of a relation the survey rates on other rows; the rows without "
            "one are quarantined, or loaded as not strong or strong (setting ingestion.blank_strength), and "
            "counted here",
            column="strength", columns=("strength",), flag=blanks.BLANK_STRENGTH,
            derive=lambda frame: blanks.strength_flags(frame, blanks.rated_relations(frame)),
            reason=lambda row, refs: (
                f"strength is blank, though other {row.get('relation') or DEFAULT_RELATION!r} rows have one "
                "(ingestion.blank_strength = quarantine)"
            ),
            context=("relation",),
            note=lambda values, refs: f"blank on {_by_count(values)} rows; {refs.options.blanks.strength_note()}",
            note_column=blanks.BLANK_STRENGTH,
            loads=lambda refs: (
                refs.options.blanks.strength != blanks.QUARANTINE, refs.options.blanks.strength_loaded_as()
            ),
        ),
        flagged_rows(
            s, "relation_not_blank",
            "relation is given on every row when other rows give one; the rows without one are quarantined, or "
            "loaded as the primary relation (setting ingestion.blank_relation), and counted here",
            column="relation", columns=("relation",), flag=blanks.BLANK_RELATION,
            derive=lambda frame: blanks.relation_flags(frame, bool(frame["relation"].notna().any())),
            reason=lambda row, refs: "relation is blank, though other rows give one (ingestion.blank_relation = quarantine)",
            note=lambda values, refs: refs.options.blanks.relation_note(),
            note_column=blanks.BLANK_RELATION,
            loads=lambda refs: (
                refs.options.blanks.relation != blanks.QUARANTINE, refs.options.blanks.primary_relation
            ),
        ),
    ]


def _participants_suite() -> list[ExpectationDef]:
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


def _kept_row(frame: pd.DataFrame, repeat_of: np.ndarray) -> pd.Series:
    """The ``source_row`` of the kept row each repeated row repeats (``None`` for the others)."""
    rows = frame[SOURCE_ROW].to_numpy(dtype=object)
    kept = np.where(repeat_of >= 0, rows[np.maximum(repeat_of, 0)], None)
    return pd.Series(kept, index=frame.index, dtype=object)


def _assignment_suite() -> list[ExpectationDef]:
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
            derive=lambda frame: _kept_row(frame, experiment_log.repeated_members(frame)),
            reason=lambda row, refs: (
                f"employee_id {row.get('employee_id')!r} is already listed in group {row.get('group')!r} "
                f"in source row {row.get(REPEAT_OF.lstrip('_'))}"
            ),
            context=(REPEAT_OF.lstrip("_"), "employee_id", "group"),
        ),
    ]


def _interactions_suite() -> list[ExpectationDef]:
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
            derive=lambda frame: _kept_row(frame, experiment_log.repeated_questions(frame)),
            reason=lambda row, refs: f"the same question is logged in source row {row.get(REPEAT_OF.lstrip('_'))}",
            context=(REPEAT_OF.lstrip("_"), "asker_id", "responder_id", "asked_at"),
        ),
    ]


EXPECTATIONS: tuple[ExpectationDef, ...] = tuple(
    _hr_suite() + _survey_suite() + list(LAYOUT_EXPECTATIONS) + _participants_suite() + _assignment_suite()
    + _interactions_suite()
)
REGISTRY: dict[str, ExpectationDef] = {e.name: e for e in EXPECTATIONS}
assert len(REGISTRY) == len(EXPECTATIONS), "expectation names must be unique"


def expectations_for(file_kind: str) -> list[ExpectationDef]:
    return [e for e in EXPECTATIONS if e.file_kind == file_kind]


def registry_markdown() -> str:
    """The registry as a markdown table (for docs and the Dagster UI)."""
    lines = ["| expectation | file | severity | description |", "|---|---|---|---|"]
    lines += [f"| {e.name} | {e.file_kind} | {e.severity.value} | {e.description} |" for e in EXPECTATIONS]
    return "\n".join(lines)


def add_derived_columns(
    frame: pd.DataFrame, spec: FileSpec, given: Mapping[str, Mapping[str, pd.Series]] | None = None
) -> pd.DataFrame:
    """``frame`` plus the derived columns of every expectation of ``spec`` that can run on it.
    ``given`` holds, by expectation name, derived columns computed elsewhere (over a whole file
    validated in chunks), as Series indexed by ``source_row``: those are looked up, not derived."""
    frame = frame.copy()
    given = given or {}
    for definition in expectations_for(spec.name):
        if definition.derive is None or not all(c in frame.columns for c in definition.columns):
            continue
        if definition.name in given:
            for name, values in given[definition.name].items():
                frame[name] = frame[SOURCE_ROW].map(values).astype(object).where(lambda v: v.notna(), None)
        else:
            for name, values in definition.derive(frame).items():
                frame[name] = values
    return frame


def duplicate_of(survey: pd.DataFrame) -> pd.Series:
    """For each survey row, the ``source_row`` of the kept row of its (respondent, nominee,
    relation) group when it is a dropped duplicate, else ``None``.

    The kept row has the highest strength (missing or invalid strength ranks lowest), the
    earliest ``source_row`` on a tie. A missing relation is the default relation.
    """
    relation = survey["relation"] if "relation" in survey.columns else pd.Series(None, index=survey.index, dtype=object)
    strength = (
        pd.to_numeric(survey["strength"], errors="coerce")
        if "strength" in survey.columns
        else pd.Series(float("nan"), index=survey.index)
    )
    named = (survey["respondent_id"].notna() & survey["nominee_id"].notna()).to_numpy()
    groups = [pd.factorize(values[named])[0] for values in (survey["respondent_id"], survey["nominee_id"], relation.fillna(DEFAULT_RELATION))]
    rows = survey[SOURCE_ROW].to_numpy()[named]
    dropped, kept = kept_of_dropped(*groups, strength.fillna(-1.0).to_numpy()[named], rows)
    kept_of = dict(zip(dropped.tolist(), kept.tolist()))
    return pd.Series([kept_of.get(r) for r in survey[SOURCE_ROW].tolist()], index=survey.index, dtype=object)


def kept_of_dropped(
    respondent: np.ndarray, nominee: np.ndarray, relation: np.ndarray, strength: np.ndarray, row: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Duplicate nominations: the rows dropped, and for each the row kept instead.

    A nomination's group is its (respondent, nominee, relation), given as exact integer codes
    (one code per distinct value; a survey streamed in chunks codes them across chunks). The
    kept row has the highest ``strength`` (-1 for none), the earliest ``row`` on a tie.
    """
    order = np.lexsort((row, -strength, relation, nominee, respondent))  # the last key sorts first
    starts = np.ones(len(order), dtype=bool)
    for codes in (respondent, nominee, relation):
        ordered = codes[order]
        starts[1:] &= ordered[1:] == ordered[:-1]
    starts = ~starts  # a group starts where any code differs from the row before
    starts[:1] = True
    first = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
    ordered_rows = row[order]
    return ordered_rows[~starts], ordered_rows[first][~starts]
