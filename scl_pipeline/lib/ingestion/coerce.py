"""Type a validated string frame to the warehouse types of the contract.

Runs after validation, so a failure here means validation let something through: it still
fails loudly, naming the file, column and rows, rather than storing a wrong value.
"""

from __future__ import annotations

import pandas as pd

from scl_pipeline.lib.contract import (
    DEFAULT_RELATION,
    SOURCE_FILE,
    SOURCE_ROW,
    FileSpec,
)
from scl_pipeline.lib.ingestion.countries import normalise_country_column
from scl_pipeline.lib.ingestion.disclosure import shown_value
from scl_pipeline.lib.ingestion.values import BOOLEAN_WORDS, TRUE_WORDS, MatchOptions, parse_timestamps


class CoercionError(ValueError):
    def __init__(self, file: str, column: str, rows: list[int], values: list[object], expected: str):
        self.file, self.column, self.rows = file, column, rows
        shown = ", ".join(f"row {r}: {shown_value(column, v)}" for r, v in list(zip(rows, values))[:5])
        more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
        super().__init__(f"{file}: column {column!r} expects {expected}; {shown}{more}")


def coerce_frame(frame: pd.DataFrame, spec: FileSpec, options: MatchOptions | None = None) -> pd.DataFrame:
    """Typed copy of ``frame`` with every contract column of ``spec`` (absent optional ones null);
    ``options`` carries the landing root's country spellings."""
    out = pd.DataFrame(index=frame.index)
    out[SOURCE_FILE] = frame[SOURCE_FILE].astype(str)
    out[SOURCE_ROW] = frame[SOURCE_ROW].astype("int64")
    for column in spec.columns:
        values = frame[column] if column in frame else pd.Series(None, index=frame.index, dtype=object)
        out[column] = _coerce_column(frame, column, values, spec.types[column])
    if "relation" in spec.columns:
        out["relation"] = out["relation"].fillna(DEFAULT_RELATION).str.strip().str.lower()
    if "country" in spec.columns:
        out["country"] = normalise_country_column(frame["country"], options.country_aliases if options else None)
        _fail_on(frame, "country", frame["country"].notna() & out["country"].isna(), "an ISO 3166-1 country")
    return out


def _coerce_column(frame: pd.DataFrame, column: str, values: pd.Series, sql_type: str) -> pd.Series:
    if sql_type == "VARCHAR":
        return values.astype(object).where(values.notna(), None)
    if sql_type == "INTEGER":
        numbers = pd.to_numeric(values, errors="coerce")
        bad = values.notna() & (numbers.isna() | (numbers % 1 != 0))
        _fail_on(frame, column, bad, "a whole number")
        return numbers.astype("Int64")
    if sql_type in ("DATE", "TIMESTAMP"):
        # ISO 8601 only, stored as naive UTC (see values.parse_timestamps).
        stamps = parse_timestamps(values).dt.tz_localize(None)
        _fail_on(frame, column, values.notna() & stamps.isna(), "an ISO 8601 date")
        return stamps.dt.normalize() if sql_type == "DATE" else stamps
    if sql_type == "BOOLEAN":
        lowered = values.astype(str).str.strip().str.lower()
        bad = values.notna() & ~lowered.isin(BOOLEAN_WORDS)
        _fail_on(frame, column, bad, "true/false")
        return lowered.isin(TRUE_WORDS).astype("boolean").where(values.notna(), pd.NA)
    raise ValueError(f"no coercion for type {sql_type}")


def _fail_on(frame: pd.DataFrame, column: str, bad: pd.Series, expected: str) -> None:
    if bad.any():
        rows = frame.loc[bad, SOURCE_ROW].tolist()
        raise CoercionError(str(frame[SOURCE_FILE].iloc[0]), column, rows, frame.loc[bad, column].tolist(), expected)
