"""The expectation registry: every expectation of every landing file, defined once.

``EXPECTATIONS`` is the single table of name, file kind, severity and description; the GX 1.x
expectation object is built from it per validation (value sets depend on the data and on the
reference files). Great Expectations is never imported here: builders receive the
``great_expectations.expectations`` module from gx_execution, so importing this module is cheap.

Severity policy:

- ERROR (the wave stops): the file cannot be trusted as a whole — missing columns, no rows,
  missing or duplicated ids, self-nominations, invalid strength, relation, group, country, date
  or boolean values, a roster end before its start.
- WARNING (the wave passes, offending rows go to quarantine with their reason): single rows that
  the population or reference files exclude — a survey row naming someone outside the wave's HR
  export (SPEC §2: never silently dropped), duplicate nominations beyond the kept one (SPEC §2
  keeps the highest strength), participants / assignment members absent from HR, interactions
  by people outside the experiment's assignment or answered before they were asked.

Strategy for data-dependent checks (countries, dates, reference ids): the distinct values are
tested once in pandas (:mod:`rules`) and GX gets ``ExpectColumnValuesToNotBeInSet`` of the failing
distinct values. That keeps GX doing the row-level accounting (counts, ``source_row`` indices)
while avoiding per-row Python work and GX's slow membership test against large sets (a 13,000-id
``ExpectColumnValuesToBeInSet`` costs ~0.9 s per 100,000 rows, the inverse ~0.05 s). Checks
across rows or columns (duplicates, self-nominations, chronology) compute a ``__``-prefixed
derived column (``ExpectationDef.derive``) that GX then checks row by row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from scl_pipeline.lib.ingestion.contract import (
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
from scl_pipeline.lib.ingestion.validation import rules
from scl_pipeline.lib.ingestion.validation.findings import Severity

DUPLICATE_OF = "__duplicate_of_row"
SELF_NOMINATION = "__self_nomination"
NOMINATION_KEY: tuple[str, ...] = ("respondent_id", "nominee_id", "relation")

SPECS: dict[str, FileSpec] = {s.name: s for s in ALL_SPECS}


@dataclass(frozen=True)
class References:
    """Other files a suite checks against; ``None`` skips the expectations that need them."""

    hr_ids: frozenset[str] | None = None
    hr_label: str = "HR export"
    assignment_ids: frozenset[str] | None = None
    assignment_label: str = "experiment assignment"
    wave_end: pd.Timestamp | None = None  # last instant of the wave's quarter (UTC)


Builder = Callable[[Any, pd.DataFrame, References], Any]
Reason = Callable[[dict[str, Any], References], str]


@dataclass(frozen=True)
class ExpectationDef:
    """One expectation: ``build(gxe, frame, refs)`` returns the GX expectation, or ``None`` when
    it does not apply (a reference file not given). It runs only when all ``columns`` exist;
    missing required columns are reported by the file's ``required_columns`` expectation."""

    name: str
    file_kind: str
    severity: Severity
    column: str | None
    columns: tuple[str, ...]
    description: str
    build: Builder
    reason: Reason | None = None  # WARNING only: the quarantine reason of one offending row
    # Shown in each sample row besides the offending values: contract columns, or derived ones
    # by their name without the ``__`` prefix (derived columns not listed stay hidden).
    context: tuple[str, ...] = ()
    # Computes the derived (``__``-prefixed) columns the GX expectation reads.
    derive: Callable[[pd.DataFrame], dict[str, pd.Series]] | None = None


def _required_columns(spec: FileSpec) -> ExpectationDef:
    return ExpectationDef(
        name=f"{spec.name}.required_columns",
        file_kind=spec.name,
        severity=Severity.ERROR,
        column=None,
        columns=(),
        description=f"the file has the required columns {', '.join(spec.required)}",
        build=lambda gxe, frame, refs: gxe.ExpectTableColumnsToMatchSet(column_set=list(spec.required), exact_match=False),
    )


def _not_empty(spec: FileSpec) -> ExpectationDef:
    return ExpectationDef(
        name=f"{spec.name}.not_empty",
        file_kind=spec.name,
        severity=Severity.ERROR,
        column=None,
        columns=(),
        description="the file has at least one data row (a header-only export is a failed export)",
        build=lambda gxe, frame, refs: gxe.ExpectTableRowCountToBeBetween(min_value=1),
    )


def _not_null(spec: FileSpec, column: str) -> ExpectationDef:
    return ExpectationDef(
        name=f"{spec.name}.{column}_not_null",
        file_kind=spec.name,
        severity=Severity.ERROR,
        column=column,
        columns=(column,),
        description=f"{column} is present on every row (blank cells count as missing)",
        build=lambda gxe, frame, refs: gxe.ExpectColumnValuesToNotBeNull(column=column),
    )


def _unique(spec: FileSpec, column: str) -> ExpectationDef:
    return ExpectationDef(
        name=f"{spec.name}.{column}_unique",
        file_kind=spec.name,
        severity=Severity.ERROR,
        column=column,
        columns=(column,),
        description=f"{column} is unique (every row of a duplicated id is reported)",
        build=lambda gxe, frame, refs: gxe.ExpectColumnValuesToBeUnique(column=column),
    )


def _in_set(spec: FileSpec, column: str, allowed: frozenset[str], what: str) -> ExpectationDef:
    return ExpectationDef(
        name=f"{spec.name}.{column}_valid",
        file_kind=spec.name,
        severity=Severity.ERROR,
        column=column,
        columns=(column,),
        description=f"{column} is {what}: one of {', '.join(sorted(allowed))} (case and spaces ignored)",
        build=lambda gxe, frame, refs: gxe.ExpectColumnValuesToBeInSet(column=column, value_set=sorted(allowed)),
    )


def _date(spec: FileSpec, column: str) -> ExpectationDef:
    return ExpectationDef(
        name=f"{spec.name}.{column}_parseable",
        file_kind=spec.name,
        severity=Severity.ERROR,
        column=column,
        columns=(column,),
        description=f"{column} is an ISO 8601 date or timestamp when present",
        build=lambda gxe, frame, refs: gxe.ExpectColumnValuesToNotBeInSet(
            column=column, value_set=rules.unparseable_dates(rules.distinct_values(frame[column]))
        ),
    )


def _in_reference(spec: FileSpec, column: str, reference: str) -> ExpectationDef:
    """WARNING: ``column`` names someone in the reference ids (``hr`` or ``assignment``)."""

    def build(gxe: Any, frame: pd.DataFrame, refs: References) -> Any:
        known = refs.hr_ids if reference == "hr" else refs.assignment_ids
        if known is None:
            return None
        outside = rules.ids_outside(rules.distinct_values(frame[column]), known)
        return gxe.ExpectColumnValuesToNotBeInSet(column=column, value_set=outside)

    def reason(row: dict[str, Any], refs: References) -> str:
        label = refs.hr_label if reference == "hr" else refs.assignment_label
        return f"{column} {row.get(column)!r} is not in the {label}"

    target = "the HR export" if reference == "hr" else "the experiment's assignment"
    return ExpectationDef(
        name=f"{spec.name}.{column}_in_{reference}",
        file_kind=spec.name,
        severity=Severity.WARNING,
        column=column,
        columns=(column,),
        description=f"{column} is someone in {target} (rows naming anyone else are quarantined)",
        build=build,
        reason=reason,
    )


def _duplicate_reason(row: dict[str, Any], refs: References) -> str:
    key = ", ".join(str(row.get(c)) for c in NOMINATION_KEY)
    return (
        f"duplicate nomination ({key}) of source row {row.get(DUPLICATE_OF.strip('_'))}, "
        "which is kept as the highest strength (earliest row on a tie)"
    )


def parsed_column(column: str) -> str:
    """The derived column holding ``column`` parsed as a UTC timestamp (NaT when unparseable)."""
    return f"__{column}_parsed"


def _chronology(spec: FileSpec, earlier: str, later: str, severity: Severity) -> ExpectationDef:
    def reason(row: dict[str, Any], refs: References) -> str:
        return f"{later} {row.get(later)!r} is before {earlier} {row.get(earlier)!r}"

    return ExpectationDef(
        name=f"{spec.name}.{later}_not_before_{earlier}",
        file_kind=spec.name,
        severity=severity,
        column=later,
        columns=(earlier, later),
        description=f"{later} is not before {earlier} when both are present",
        build=lambda gxe, frame, refs: gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=parsed_column(later),
            column_B=parsed_column(earlier),
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        reason=reason if severity is Severity.WARNING else None,
        context=(earlier, later),
        derive=lambda frame: {parsed_column(c): rules.parse_timestamps(frame[c]) for c in (earlier, later)},
    )


def _hr_suite() -> list[ExpectationDef]:
    s = HR_EXPORT
    return [
        _required_columns(s),
        _not_empty(s),
        _not_null(s, "employee_id"),
        _unique(s, "employee_id"),
        _not_null(s, "country"),
        _not_null(s, "department"),
        _not_null(s, "level"),
        ExpectationDef(
            name="hr_export.country_known",
            file_kind=s.name,
            severity=Severity.ERROR,
            column="country",
            columns=("country",),
            description="country is an ISO 3166-1 alpha-2/alpha-3 code or English name",
            build=lambda gxe, frame, refs: gxe.ExpectColumnValuesToNotBeInSet(
                column="country", value_set=rules.unknown_countries(rules.distinct_values(frame["country"]))
            ),
        ),
        _date(s, "hire_date"),
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
        _in_set(s, "invited_to_survey", rules.BOOLEAN_WORDS, "a boolean"),
    ]


def _survey_suite() -> list[ExpectationDef]:
    s = ONA_SURVEY
    return [
        _required_columns(s),
        _not_empty(s),
        _not_null(s, "respondent_id"),
        _not_null(s, "nominee_id"),
        ExpectationDef(
            name="ona_survey.no_self_nomination",
            file_kind=s.name,
            severity=Severity.ERROR,
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
        ExpectationDef(
            name="ona_survey.strength_valid",
            file_kind=s.name,
            severity=Severity.ERROR,
            column="strength",
            columns=("strength",),
            description="strength is an integer from 1 to 5 when present (4.0 counts as 4)",
            build=lambda gxe, frame, refs: gxe.ExpectColumnValuesToMatchRegex(
                column="strength", regex=rules.STRENGTH_REGEX
            ),
        ),
        _in_set(s, "relation", KNOWN_RELATIONS, "a known relation"),
        _date(s, "answered_at"),
        _in_reference(s, "respondent_id", "hr"),
        _in_reference(s, "nominee_id", "hr"),
        ExpectationDef(
            name="ona_survey.no_duplicate_nomination",
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


def _participants_suite() -> list[ExpectationDef]:
    s = PARTICIPANTS
    return [
        _required_columns(s),
        _not_empty(s),
        _not_null(s, "employee_id"),
        _unique(s, "employee_id"),
        _not_null(s, "cohort"),
        _date(s, "start_date"),
        _date(s, "end_date"),
        _in_set(s, "completed", rules.BOOLEAN_WORDS, "a boolean"),
        # A roster row ending before it starts is a data-entry error in a small, curated file.
        _chronology(s, "start_date", "end_date", Severity.ERROR),
        _in_reference(s, "employee_id", "hr"),
    ]


def _assignment_suite() -> list[ExpectationDef]:
    s = ASSIGNMENT
    return [
        _required_columns(s),
        _not_empty(s),
        _not_null(s, "employee_id"),
        _unique(s, "employee_id"),
        _not_null(s, "group"),
        _in_set(s, "group", EXPERIMENT_GROUPS, "an experiment group"),
        _in_reference(s, "employee_id", "hr"),
    ]


def _interactions_suite() -> list[ExpectationDef]:
    s = INTERACTIONS
    return [
        _required_columns(s),
        _not_null(s, "asker_id"),
        _not_null(s, "responder_id"),
        _not_null(s, "asked_at"),
        _date(s, "asked_at"),
        _date(s, "answered_at"),
        # One log row answered before it was asked (a clock or export glitch) must not count as
        # an answered question, but does not make the rest of the log untrustworthy.
        _chronology(s, "asked_at", "answered_at", Severity.WARNING),
        _in_reference(s, "asker_id", "assignment"),
        _in_reference(s, "responder_id", "assignment"),
    ]


EXPECTATIONS: tuple[ExpectationDef, ...] = tuple(
    _hr_suite() + _survey_suite() + _participants_suite() + _assignment_suite() + _interactions_suite()
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


def add_derived_columns(frame: pd.DataFrame, spec: FileSpec) -> pd.DataFrame:
    """``frame`` plus the derived columns of every expectation of ``spec`` that can run on it."""
    frame = frame.copy()
    for definition in expectations_for(spec.name):
        if definition.derive is not None and all(c in frame.columns for c in definition.columns):
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
    keys = pd.DataFrame(
        {
            "r": survey["respondent_id"],
            "n": survey["nominee_id"],
            "rel": relation.fillna(DEFAULT_RELATION),
            "s": strength.fillna(-1.0),
            "row": survey[SOURCE_ROW],
        },
        index=survey.index,
    )
    keys = keys[keys["r"].notna() & keys["n"].notna()]
    ordered = keys.sort_values(["r", "n", "rel", "s", "row"], ascending=[True, True, True, False, True], kind="stable")
    dropped = ordered.duplicated(["r", "n", "rel"], keep="first")
    kept_row = ordered.groupby(["r", "n", "rel"], sort=False)["row"].transform("first")
    kept_of_dropped = dict(zip(ordered.index[dropped.to_numpy()], kept_row[dropped].tolist()))
    return pd.Series([kept_of_dropped.get(i) for i in survey.index], index=survey.index, dtype=object)
