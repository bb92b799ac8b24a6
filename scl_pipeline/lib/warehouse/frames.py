"""Write Python-computed wave tables (graph metrics, marts) into the warehouse.

The same contract as the SQL models: a wave's rows are replaced, in one transaction for all the
tables of a step, and a frame whose columns no longer match the stored table is an error rather
than a silent reshape of the other waves' rows.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import pandas as pd


class TableShapeError(ValueError):
    pass


def write_wave_frames(con: duckdb.DuckDBPyConnection, wave: str, frames: Mapping[str, pd.DataFrame]) -> dict[str, int]:
    """Replace ``wave``'s rows of each ``schema.table`` by its frame (a ``wave`` column is added)."""
    written: dict[str, int] = {}
    con.execute("BEGIN TRANSACTION")
    try:
        for table, frame in frames.items():
            staged = frame.drop(columns=["wave"], errors="ignore")
            staged.insert(0, "wave", wave)
            _replace(con, table, staged, "DELETE FROM {table} WHERE wave = $wave", {"wave": wave})
            written[table] = len(staged)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return written


def write_table(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Replace the whole of ``schema.table`` by ``frame`` (cross-wave tables)."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {table.split('.')[0]}")
        con.register("_frame", frame)
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _frame")
        con.unregister("_frame")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(frame)


def _replace(con, table: str, frame: pd.DataFrame, delete_sql: str, params: dict) -> None:
    schema = table.split(".")[0]
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.register("_frame", frame)
    try:
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM _frame LIMIT 0")
        stored = [d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description]
        if stored != list(frame.columns):
            raise TableShapeError(
                f"{table}: columns changed ({stored} -> {list(frame.columns)}); the table holds other "
                f"waves in the old shape. Drop {table} and re-run every wave."
            )
        con.execute(delete_sql.format(table=table), params)
        con.execute(f"INSERT INTO {table} SELECT * FROM _frame")
    finally:
        con.unregister("_frame")
