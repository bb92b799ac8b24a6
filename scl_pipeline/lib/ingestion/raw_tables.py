"""The raw layer: one warehouse table per landing file kind, with lineage on every row.

Re-loading a wave (or the program roster, or an experiment) replaces exactly that slice's rows,
for all its files together, in one transaction: a failure leaves the previous rows untouched.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import pandas as pd

from scl_pipeline.lib.ingestion.contract import (
    ALL_SPECS,
    LOADED_AT,
    SOURCE_FILE,
    SOURCE_ROW,
    FileSpec,
)
from scl_pipeline.lib.warehouse.tables import replace_partition

# The column that names the slice a file belongs to, by grain.
SLICE_COLUMN = {"wave": "wave", "program": None, "experiment": "experiment_id"}


def raw_table_ddl(spec: FileSpec) -> str:
    slice_column = SLICE_COLUMN[spec.grain]
    columns = [f"{slice_column} VARCHAR NOT NULL"] if slice_column else []
    columns += [f'"{name}" {spec.types[name]}' for name in spec.columns]
    columns += [f"{SOURCE_FILE} VARCHAR NOT NULL", f"{SOURCE_ROW} BIGINT NOT NULL", f"{LOADED_AT} TIMESTAMP NOT NULL"]
    return f"CREATE TABLE IF NOT EXISTS {spec.table} ({', '.join(columns)})"


def ensure_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    for spec in ALL_SPECS:
        con.execute(raw_table_ddl(spec))


def replace_slice_rows(
    con: duckdb.DuckDBPyConnection,
    frames: Mapping[FileSpec, pd.DataFrame],
    slice_value: str | None,
    loaded_at: pd.Timestamp,
) -> dict[str, int]:
    """Replace the rows of ``slice_value`` in each spec's raw table by ``frames``.

    Call inside a transaction, after :func:`ensure_raw_tables`. ``frames`` are typed
    (:func:`coerce_frame`). ``slice_value=None`` replaces whole tables (the frames then carry
    their own slice column, e.g. ``experiment_id``). Returns rows written per table.
    """
    written: dict[str, int] = {}
    for spec, frame in frames.items():
        slice_column = SLICE_COLUMN[spec.grain]
        carried = [slice_column] if slice_column in frame.columns and slice_value is None else []
        rows = frame[[*carried, *spec.columns, SOURCE_FILE, SOURCE_ROW]].copy()
        rows[LOADED_AT] = loaded_at
        key = slice_column if slice_value is not None else None
        written[spec.table] = replace_partition(con, spec.table, rows, key, slice_value)
    return written
