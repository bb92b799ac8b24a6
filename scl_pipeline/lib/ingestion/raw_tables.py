"""The raw layer: one warehouse table per landing file kind, with lineage on every row.

Re-loading a wave (or the program roster, or an experiment) replaces exactly that slice's rows,
for all its files together, in one transaction: a failure leaves the previous rows untouched.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import pandas as pd

from scl_pipeline.lib.contract import (
    ALL_SPECS,
    LOADED_AT,
    SOURCE_FILE,
    SOURCE_ROW,
    FileSpec,
)
from scl_pipeline.lib.warehouse.tables import Query, replace_slice

# The column that names the slice a file belongs to, by grain.
SLICE_COLUMN = {"wave": "wave", "program": None, "experiment": "experiment_id"}
_ROWS_VIEW = "_scl_raw_rows"


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

    DuckDB reads each frame where it is and adds the slice and load time itself: a survey of
    millions of rows is not copied to be written. The delete-and-insert is the warehouse's one
    :func:`~scl_pipeline.lib.warehouse.tables.replace_slice`.
    """
    written: dict[str, int] = {}
    for spec, frame in frames.items():
        slice_column = SLICE_COLUMN[spec.grain]
        carried = [slice_column] if slice_column and slice_value is None else []
        columns = [*carried, *spec.columns, SOURCE_FILE, SOURCE_ROW]
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise KeyError(f"{spec.table}: the typed rows lack column(s) {missing}")
        types = {**spec.types, SOURCE_FILE: "VARCHAR", SOURCE_ROW: "BIGINT", **{c: "VARCHAR" for c in carried}}
        select = [f'CAST(rows."{c}" AS {types[c]}) AS "{c}"' for c in columns] + [f'$loaded_at AS "{LOADED_AT}"']
        where: dict[str, object] = {}
        if slice_column and slice_value is not None:
            select.insert(0, f'$slice AS "{slice_column}"')
            where = {slice_column: slice_value}
        rows = Query(
            f"SELECT {', '.join(select)} FROM {_ROWS_VIEW} AS rows",
            {"slice": slice_value, "loaded_at": loaded_at} if where else {"loaded_at": loaded_at},
            {_ROWS_VIEW: frame},
        )
        written[spec.table] = replace_slice(con, spec.table, rows, where)
    return written
