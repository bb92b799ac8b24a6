"""The frame an expectation suite checks: a landing frame's lineage checked, its values in
canonical form (:mod:`.rules`), ids the references repair repaired, and the derived columns
(``__``-prefixed) that cross-row expectations need.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from scl_pipeline.lib.contract import SOURCE_FILE, SOURCE_ROW, FileSpec
from scl_pipeline.lib.ingestion.id_matching import find_repairs
from scl_pipeline.lib.ingestion.validation import rules
from scl_pipeline.lib.ingestion.validation.expectations import References, as_given_column, repair_kind_column
from scl_pipeline.lib.ingestion.validation.suites import SPECS, expectations_for


class ValidationInputError(ValueError):
    """The frame handed to validation lacks what the reader guarantees (lineage columns)."""


def file_label(frame: pd.DataFrame, spec: FileSpec) -> str:
    """The file a frame came from (its ``source_file``), or the file kind when unknown."""
    if SOURCE_FILE in frame.columns and len(frame) and pd.notna(frame[SOURCE_FILE].iloc[0]):
        return str(frame[SOURCE_FILE].iloc[0])
    return spec.name


def check_lineage(frame: pd.DataFrame, label: str) -> None:
    if SOURCE_ROW not in frame.columns:
        raise ValidationInputError(f"{label}: the frame has no {SOURCE_ROW!r} column; read it with the landing reader")
    rows = frame[SOURCE_ROW]
    if rows.isna().any() or rows.duplicated().any():
        raise ValidationInputError(f"{label}: {SOURCE_ROW!r} must be a unique, non-missing row number per row")


def canonical_rows(frame: pd.DataFrame, file_kind: str, refs: References) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """``frame`` in canonical form (rules.canonicalise) with the ids the references repair
    repaired, and the derived columns recording each repair: what every expectation checks."""
    return _repair_ids(rules.canonicalise(frame, SPECS[file_kind]), file_kind, refs)


def _repair_ids(canonical: pd.DataFrame, file_kind: str, refs: References) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """``canonical`` with the ids of every repairing expectation repaired (id_matching), and the
    derived columns recording each repaired row's id as given and the kind of repair."""
    derived: dict[str, pd.Series] = {}
    for definition in expectations_for(file_kind):
        column, known = definition.column, refs.known(definition.repairs) if definition.repairs else None
        if known is None or column not in canonical.columns:
            continue
        repairs = find_repairs(rules.distinct_values(canonical[column]), known, refs.options.case_insensitive_ids)
        given = canonical[column]
        hit = given.isin(list(repairs.mapping))
        derived[as_given_column(column)] = given.where(hit, None)
        derived[repair_kind_column(column)] = given.map(repairs.kinds).where(hit, None)
        if hit.any():
            canonical = canonical.copy()
            canonical.loc[hit, column] = given[hit].map(repairs.mapping)
    return canonical, derived


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
