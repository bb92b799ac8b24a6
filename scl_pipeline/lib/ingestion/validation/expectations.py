"""What an expectation is (:class:`ExpectationDef`) and the factories the suites are built from.

Great Expectations is never imported here: builders receive the ``great_expectations.expectations``
module from :mod:`.gx_execution`, so importing this module is cheap.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from scl_pipeline.lib.contract import FileSpec
from scl_pipeline.lib.ingestion.id_matching import mismatch_pattern, repairs_summary
from scl_pipeline.lib.ingestion.validation import rules
from scl_pipeline.lib.ingestion.values import MatchOptions
from scl_pipeline.lib.ingestion.validation.findings import Severity


@dataclass(frozen=True)
class References:
    """Other files a suite checks against; ``None`` skips the expectations that need them."""

    hr_ids: frozenset[str] | None = None
    hr_label: str = "HR export"
    assignment_ids: frozenset[str] | None = None
    assignment_label: str = "experiment assignment"
    wave_end: pd.Timestamp | None = None  # last instant of the wave's quarter (UTC)
    options: MatchOptions = field(default_factory=MatchOptions)

    def known(self, reference: str) -> frozenset[str] | None:
        """The ids of ``reference`` (``hr`` or ``assignment``); None when not given."""
        return self.hr_ids if reference == "hr" else self.assignment_ids

    def label(self, reference: str) -> str:
        return self.hr_label if reference == "hr" else self.assignment_label


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
    # Repairs ``column`` against the ids of this reference (``hr``/``assignment``) before any
    # expectation runs; its finding counts the rows repaired and quarantines nothing.
    repairs: str | None = None
    # For a failed expectation: what the offending values have in common, in words, no values.
    # It reads the offending rows' values of ``note_column`` with their row counts, so a file
    # validated in chunks keeps only those counts between chunks.
    note: Callable[[Mapping[Any, int], References], str] | None = None
    note_column: str | None = None
    # A WARNING a setting may let load (a blank strength read as not strong): whether this run's
    # settings load its rows instead of quarantining them, and the value ``column`` then loads
    # with (None: as it is). Loaded rows are counted by the finding, never quarantined.
    loads: Callable[[References], tuple[bool, str | None]] | None = None


def _table_check(spec: FileSpec, check: str, description: str, build: Builder) -> ExpectationDef:
    """An ERROR-level expectation on the whole file (its columns, its rows)."""
    return ExpectationDef(
        name=f"{spec.name}.{check}", file_kind=spec.name, severity=Severity.ERROR, column=None, columns=(),
        description=description, build=build,
    )


def column_check(
    spec: FileSpec, column: str, check: str, description: str, build: Builder, **options: Any
) -> ExpectationDef:
    """An expectation on one column, named ``<file>.<column>_<check>``; ERROR unless ``severity``
    is given among ``options`` (the other ExpectationDef fields)."""
    return ExpectationDef(
        name=f"{spec.name}.{column}_{check}", file_kind=spec.name, severity=options.pop("severity", Severity.ERROR),
        column=column, columns=options.pop("columns", (column,)), description=description, build=build, **options,
    )


def required_columns(spec: FileSpec) -> ExpectationDef:
    return _table_check(
        spec, "required_columns", f"the file has the required columns {', '.join(spec.required)}",
        lambda gxe, frame, refs: gxe.ExpectTableColumnsToMatchSet(column_set=list(spec.required), exact_match=False),
    )


def not_empty(spec: FileSpec) -> ExpectationDef:
    return _table_check(
        spec, "not_empty", "the file has at least one data row (a header-only export is a failed export)",
        lambda gxe, frame, refs: gxe.ExpectTableRowCountToBeBetween(min_value=1),
    )


def not_null(spec: FileSpec, column: str) -> ExpectationDef:
    return column_check(
        spec, column, "not_null", f"{column} is present on every row (blank cells count as missing)",
        lambda gxe, frame, refs: gxe.ExpectColumnValuesToNotBeNull(column=column),
    )


def unique(spec: FileSpec, column: str) -> ExpectationDef:
    return column_check(
        spec, column, "unique", f"{column} is unique (every row of a duplicated id is reported)",
        lambda gxe, frame, refs: gxe.ExpectColumnValuesToBeUnique(column=column),
    )


def in_set(spec: FileSpec, column: str, allowed: frozenset[str], what: str) -> ExpectationDef:
    return column_check(
        spec, column, "valid", f"{column} is {what}: one of {', '.join(sorted(allowed))} (case and spaces ignored)",
        lambda gxe, frame, refs: gxe.ExpectColumnValuesToBeInSet(column=column, value_set=sorted(allowed)),
    )


def date(spec: FileSpec, column: str) -> ExpectationDef:
    return column_check(
        spec, column, "parseable", f"{column} is an ISO 8601 date or timestamp when present",
        lambda gxe, frame, refs: gxe.ExpectColumnValuesToNotBeInSet(
            column=column, value_set=rules.unparseable_dates(rules.distinct_values(frame[column]))
        ),
    )


def as_given_column(column: str) -> str:
    """The derived column holding ``column``'s value as given where it was repaired, else None."""
    return f"__{column}_as_given"


def repair_kind_column(column: str) -> str:
    return f"__{column}_repair_kind"


def in_reference(spec: FileSpec, column: str, reference: str) -> list[ExpectationDef]:
    """WARNING: ``column`` names someone in the reference ids (``hr`` or ``assignment``), after
    the repairs of :mod:`..id_matching` (counted by the first, non-quarantining, expectation)."""
    target = "the HR export" if reference == "hr" else "the experiment's assignment"
    as_given = as_given_column(column)

    def build_repaired(gxe: Any, frame: pd.DataFrame, refs: References) -> Any:
        if refs.known(reference) is None:
            return None
        return gxe.ExpectColumnValuesToBeNull(column=as_given)

    def repaired_note(kinds: Mapping[Any, int], refs: References) -> str:
        return repairs_summary(Counter(kinds).elements())

    def build(gxe: Any, frame: pd.DataFrame, refs: References) -> Any:
        known = refs.known(reference)
        if known is None:
            return None
        outside = rules.ids_outside(rules.distinct_values(frame[column]), known)
        return gxe.ExpectColumnValuesToNotBeInSet(column=column, value_set=outside)

    def reason(row: dict[str, Any], refs: References) -> str:
        return f"{column} {row.get(column)!r} is not in the {refs.label(reference)}"

    def outside_note(outside: Mapping[Any, int], refs: References) -> str:
        known = refs.known(reference) or frozenset()
        return mismatch_pattern(outside, known, "HR" if reference == "hr" else "assignment")

    return [
        column_check(
            spec, column, "repaired",
            f"{column} matches someone in {target} as written; ids that match only once repaired (a '.0' "
            "suffix, leading zeros, or letter case with case_insensitive_ids) are repaired when the match is "
            "unique, and counted here",
            build_repaired, severity=Severity.WARNING, repairs=reference, note=repaired_note,
            note_column=repair_kind_column(column), context=(as_given.lstrip("_"),),
        ),
        column_check(
            spec, column, f"in_{reference}", f"{column} is someone in {target} (rows naming anyone else are quarantined)",
            build, severity=Severity.WARNING, reason=reason, note=outside_note, note_column=column,
        ),
    ]


def parsed_column(column: str) -> str:
    """The derived column holding ``column`` parsed as a UTC timestamp (NaT when unparseable)."""
    return f"__{column}_parsed"


def chronology(spec: FileSpec, earlier: str, later: str, severity: Severity) -> ExpectationDef:
    def reason(row: dict[str, Any], refs: References) -> str:
        return f"{later} {row.get(later)!r} is before {earlier} {row.get(earlier)!r}"

    return column_check(
        spec, later, f"not_before_{earlier}", f"{later} is not before {earlier} when both are present",
        lambda gxe, frame, refs: gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=parsed_column(later),
            column_B=parsed_column(earlier),
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        severity=severity,
        columns=(earlier, later),
        reason=reason if severity is Severity.WARNING else None,
        context=(earlier, later),
        derive=lambda frame: {parsed_column(c): rules.parse_timestamps(frame[c]) for c in (earlier, later)},
    )


def flagged_rows(
    spec: FileSpec,
    check: str,
    description: str,
    *,
    column: str,
    columns: tuple[str, ...],
    flag: str,
    derive: Callable[[pd.DataFrame], pd.Series],
    reason: Reason,
    context: tuple[str, ...] = (),
    severity: Severity = Severity.WARNING,
    **options: Any,
) -> ExpectationDef:
    """Rows a rule flags: ``derive(frame)`` is the derived column ``flag`` (a value on offending
    rows, None elsewhere) that GX expects to be null; WARNING quarantines those rows. ``options``
    are further ExpectationDef fields (``note``, ``loads``)."""
    return ExpectationDef(
        name=f"{spec.name}.{check}", file_kind=spec.name, severity=severity, column=column, columns=columns,
        description=description, build=lambda gxe, frame, refs: gxe.ExpectColumnValuesToBeNull(column=flag),
        reason=reason, context=context, derive=lambda frame: {flag: derive(frame)}, **options,
    )
