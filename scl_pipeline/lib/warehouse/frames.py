"""Write Python-computed wave tables (graph metrics, marts) into the warehouse.

The same contract as the SQL models: a wave's rows are replaced, in one transaction for all the
tables of a step, and a frame whose columns no longer match the stored table is an error rather
than a silent reshape of the other waves' rows.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import pandas as pd

from scl_pipeline.lib.warehouse.transactions import transaction


class TableShapeError(ValueError):
    pass


def write_wave_frames(con: duckdb.DuckDBPyConnection, wave: str, frames: Mapping[str, pd.DataFrame]) -> dict[str, int]:
    """Replace ``wave``'s rows of each ``schema.table`` by its frame, all in one transaction."""
    with transaction(con):
        return {table: replace_rows(con, table, frame, "wave", wave) for table, frame in frames.items()}


def replace_rows(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, key: str, value: str) -> int:
    """Replace the rows of ``table`` where ``key = value`` (the column is set on ``frame`` first).

    Call inside a transaction when other writes must go with it.
    """
    staged = frame.drop(columns=[key], errors="ignore")
    staged.insert(0, key, pd.Series([value] * len(staged), index=staged.index, dtype="string"))
    _replace(con, table, staged, f"DELETE FROM {{table}} WHERE {key} = $value", {"value": value})
    return len(staged)


def append_rows(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Append ``frame`` to a log-like table (e.g. data-quality history), creating it if needed."""
    _replace(con, table, frame, "SELECT 1 WHERE false", {})
    return len(frame)


def write_table(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Replace the whole of ``schema.table`` by ``frame`` (cross-wave tables)."""
    with transaction(con):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {table.split('.')[0]}")
        con.register("_frame", frame)
        try:
            con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _frame")
        finally:
            con.unregister("_frame")
    return len(frame)


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether ``schema.table`` exists (optional inputs such as the roster may never have landed)."""
    schema, name = table.split(".")
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = $schema AND table_name = $name",
            {"schema": schema, "name": name},
        ).fetchall()[0][0]
    )


def text_as_string(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns holding only text (or nothing) as pandas ``string``.

    DuckDB types an all-missing object column as NULL (or INTEGER) when it creates a table from
    a frame, and a later wave with text in that column then fails to insert.
    """
    text = [
        c
        for c in frame.columns
        if frame[c].dtype == object and frame[c].dropna().map(lambda v: isinstance(v, str)).all()
    ]
    return frame.astype({c: "string" for c in text}) if text else frame


def _replace(con, table: str, frame: pd.DataFrame, delete_sql: str, params: dict) -> None:
    frame = text_as_string(frame)
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
        if params:
            con.execute(delete_sql.format(table=table), params)
        con.execute(f"INSERT INTO {table} SELECT * FROM _frame")
    finally:
        con.unregister("_frame")
