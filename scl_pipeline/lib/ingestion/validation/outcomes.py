"""Great Expectations' results turned into rows: the offending rows of a failed expectation
(row number, offending values, context columns) and the quarantine frame with every reason."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from scl_pipeline.lib.contract import SOURCE_FILE, SOURCE_ROW
from scl_pipeline.lib.ingestion.validation.expectations import ExpectationDef, References
from scl_pipeline.lib.ingestion.validation.findings import QUARANTINE_COLUMNS, SAMPLE_SIZE, Severity


def quarantine_reason(definition: ExpectationDef, row: dict[str, Any], refs: References) -> str:
    """Why a row was set aside: the expectation's own reason, else its description (a WARNING
    expectation always quarantines its rows; its severity is a one-line registry choice)."""
    if definition.reason is not None:
        return definition.reason(row, refs)
    return f"fails {definition.name}: {definition.description}"


def _plain(value: Any) -> Any:
    """numpy scalars and NaN to JSON-friendly Python values."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    return value


def offending_rows(result: dict[str, Any], frame: pd.DataFrame, definition: ExpectationDef) -> list[dict[str, Any]]:
    """Offending rows, ordered by ``source_row``: row number, offending values, key columns."""
    if "details" in result and "mismatched" in result["details"]:
        return [{"missing_column": c} for c in result["details"]["mismatched"].get("missing", [])]
    rows = []
    for entry in result.get("unexpected_index_list") or []:
        row = {SOURCE_ROW: _plain(entry[SOURCE_ROW])}
        for key, value in entry.items():
            derived = key.startswith("__")
            if key != SOURCE_ROW and (not derived or key.lstrip("_") in definition.context):
                row[key.lstrip("_")] = _plain(value)
        rows.append(row)
    rows.sort(key=lambda r: r[SOURCE_ROW])
    extra = [c for c in dict.fromkeys(definition.columns + definition.context) if c in frame.columns]
    # Quarantine reasons need the context of every row; other findings only of their sample.
    quarantines = definition.severity is Severity.WARNING and definition.repairs is None
    enrich = rows if quarantines else rows[:SAMPLE_SIZE]
    if extra and enrich:
        wanted = [r[SOURCE_ROW] for r in enrich]
        lookup = frame.loc[frame[SOURCE_ROW].isin(wanted)].set_index(SOURCE_ROW)[extra].to_dict("index")
        for row in enrich:
            for column, value in lookup[row[SOURCE_ROW]].items():
                row.setdefault(column, _plain(value))
    return rows


def quarantine_frame(frame: pd.DataFrame, label: str, quarantined: dict[int, list[tuple[str, str]]]) -> pd.DataFrame:
    originals = frame.loc[frame[SOURCE_ROW].isin(list(quarantined))].sort_values(SOURCE_ROW)
    value_columns = [c for c in originals.columns if c not in (SOURCE_ROW, SOURCE_FILE)]
    records = []
    for original in originals.to_dict("records"):
        source_row = _plain(original[SOURCE_ROW])
        reasons = quarantined[source_row]
        values = {c: _plain(original[c]) for c in value_columns}
        records.append(
            {
                "file": str(original[SOURCE_FILE]) if SOURCE_FILE in original else label,
                SOURCE_ROW: source_row,
                "expectation": "; ".join(name for name, _ in reasons),
                "reason": "; ".join(reason for _, reason in reasons),
                "values": json.dumps(values, default=str, ensure_ascii=False),
            }
        )
    out = pd.DataFrame.from_records(records, columns=list(QUARANTINE_COLUMNS))
    out[SOURCE_ROW] = out[SOURCE_ROW].astype("int64")
    return out
