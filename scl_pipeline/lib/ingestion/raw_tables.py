"""The raw layer: one warehouse table per landing file kind, with lineage on every row.

Re-loading a wave (or the program roster, or an experiment) replaces exactly that slice's rows,
for all its files together, in one transaction: a failure leaves the previous rows untouched.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import pandas as pd

from scl_pipeline.lib.warehouse.transactions import transaction
from scl_pipeline.lib.ingestion.contract import (
    ALL_SPECS,
    LOADED_AT,
    SOURCE_FILE,
    SOURCE_ROW,
    FileSpec,
)

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


def replace_slice(
    con: duckdb.DuckDBPyConnection,
    frames: Mapping[FileSpec, pd.DataFrame],
    slice_value: str | None,
    loaded_at: pd.Timestamp,
) -> dict[str, int]:
    """:func:`replace_slice_rows` in a transaction of its own."""
    ensure_raw_tables(con)
    with transaction(con):
        return replace_slice_rows(con, frames, slice_value, loaded_at)


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
        if slice_column and slice_value is not None:
            con.execute(f"DELETE FROM {spec.table} WHERE {slice_column} = $slice", {"slice": slice_value})
            staged = frame[[SOURCE_FILE, SOURCE_ROW, *spec.columns]].copy()
            staged.insert(0, slice_column, slice_value)
        else:
            con.execute(f"DELETE FROM {spec.table}")
            keep = [slice_column] if slice_column else []
            staged = frame[[*keep, SOURCE_FILE, SOURCE_ROW, *spec.columns]].copy()
        staged[LOADED_AT] = loaded_at
        con.register("_incoming", staged)
        try:
            con.execute(f"INSERT INTO {spec.table} BY NAME SELECT * FROM _incoming")
        finally:
            con.unregister("_incoming")
        written[spec.table] = len(staged)
    return written
