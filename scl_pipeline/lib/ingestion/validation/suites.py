"""The expectation registry: every expectation of every landing file, defined once.

This module holds the wave's suites (HR export, survey) and the registry; the experiment files'
suites are :mod:`.experiment_suites`, the cross-row rules behind derived columns
:mod:`.duplicates`, the frame a suite checks :mod:`.checked_frame`.

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

from scl_pipeline.lib.contract import (
    ALL_SPECS,
    DEFAULT_RELATION,
    HR_EXPORT,
    KNOWN_RELATIONS,
    ONA_SURVEY,
    FileSpec,
)
from scl_pipeline.lib.ingestion import blanks
from scl_pipeline.lib.ingestion.validation import rules
from scl_pipeline.lib.ingestion.validation.duplicates import duplicate_of
from scl_pipeline.lib.ingestion.validation.expectations import (
    ExpectationDef,
    References,
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
from scl_pipeline.lib.ingestion.validation.experiment_suites import assignment_suite, interactions_suite, participants_suite
from scl_pipeline.lib.ingestion.validation.findings import Severity
from scl_pipeline.lib.ingestion.validation.layout_checks import LAYOUT_EXPECTATIONS

DUPLICATE_OF = "__duplicate_of_row"
DUPLICATE_NOMINATION = "ona_survey.no_duplicate_nomination"
STRENGTH_NOT_BLANK = "ona_survey.strength_not_blank"
RELATION_NOT_BLANK = "ona_survey.relation_not_blank"
SELF_NOMINATION = "__self_nomination"
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


EXPECTATIONS: tuple[ExpectationDef, ...] = tuple(
    _hr_suite() + _survey_suite() + list(LAYOUT_EXPECTATIONS) + participants_suite() + assignment_suite()
    + interactions_suite()
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
