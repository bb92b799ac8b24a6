"""Writing warehouse tables: every writer (ingestion, SQL models, Python marts) uses these.

A partition (a wave, a scope, or the whole table) is replaced by deleting its rows and inserting
the new ones; callers wrap the writes of one step in :func:`~.connection.transaction`, so a
failure leaves every table of the step as it was. A table is created from the shape of its first
rows; later rows whose columns differ are an error (:class:`TableShapeError`), never a silent
reshape of the other partitions' rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from scl_pipeline.lib.warehouse.connection import transaction

_FRAME_VIEW = "_scl_rows"


class TableShapeError(ValueError):
    pass


@dataclass(frozen=True)
class Query:
    """Rows given as one SELECT with bound parameters (never pasted into the SQL text)."""

    sql: str
    parameters: Mapping[str, object] = field(default_factory=dict)


Rows = pd.DataFrame | Query


def replace_partition(
    con: duckdb.DuckDBPyConnection, table: str, rows: Rows, key: str | None = None, value: object = None
) -> int:
    """Replace the rows of ``schema.table`` where ``key = value`` by ``rows``; with ``key=None``
    the whole table is the partition. Returns the rows written.

    A frame gets its ``key`` column set to ``value`` (first column, when the table is new); a
    query must select it. Call inside a transaction when other writes must go with it.
    """
    if isinstance(rows, pd.DataFrame) and key is not None:
        rows = rows.drop(columns=[key], errors="ignore")
        rows.insert(0, key, pd.Series([value] * len(rows), index=rows.index, dtype="string"))
    with _source(con, rows) as (select, parameters):
        _ensure_table(con, table, select, parameters)
        if key is None:
            con.execute(f"DELETE FROM {table}")
        else:
            con.execute(f"DELETE FROM {table} WHERE {key} = $value", {"value": value})
        return con.execute(f"INSERT INTO {table} BY NAME {select}", parameters).fetchall()[0][0]


def write_partitions(
    con: duckdb.DuckDBPyConnection, key: str, value: object, tables: Mapping[str, Rows]
) -> dict[str, int]:
    """:func:`replace_partition` of ``key = value`` in each table, all in one transaction."""
    with transaction(con):
        return {table: replace_partition(con, table, rows, key, value) for table, rows in tables.items()}


def append_rows(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Append ``frame`` to a log-like table (e.g. data-quality history), creating it if needed."""
    with _source(con, frame) as (select, parameters):
        _ensure_table(con, table, select, parameters)
        return con.execute(f"INSERT INTO {table} BY NAME {select}", parameters).fetchall()[0][0]


def replace_table(con: duckdb.DuckDBPyConnection, table: str, rows: Rows) -> int:
    """Rebuild a whole table from ``rows`` (its shape may change: no other partition to keep).
    A frame's column types become the table's, so an empty frame must carry them."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {table.split('.')[0]}")
    with _source(con, rows) as (select, parameters):
        con.execute(f"CREATE OR REPLACE TABLE {table} AS {select}", parameters)
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether ``schema.table`` exists (optional inputs such as the roster may never have landed)."""
    schema, name = table.split(".")
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = $schema AND table_name = $name",
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


@contextmanager
def _source(con: duckdb.DuckDBPyConnection, rows: Rows) -> Iterator[tuple[str, dict]]:
    """``(select, parameters)`` reading ``rows``; a frame is registered for the block's duration."""
    if isinstance(rows, Query):
        yield f"SELECT * FROM ({rows.sql})", dict(rows.parameters)
        return
    con.register(_FRAME_VIEW, text_as_string(rows))
    try:
        yield f"SELECT * FROM {_FRAME_VIEW}", {}
    finally:
        con.unregister(_FRAME_VIEW)


def _ensure_table(con: duckdb.DuckDBPyConnection, table: str, select: str, parameters: dict) -> None:
    """Create ``table`` with the shape of ``select`` if missing; else check the shapes agree."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {table.split('.')[0]}")
    con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS {select} LIMIT 0", parameters)
    produced = [d[0] for d in con.execute(f"{select} LIMIT 0", parameters).description]
    stored = [d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description]
    if produced != stored:
        raise TableShapeError(
            f"{table}: columns changed ({stored} -> {produced}); the table holds other "
            f"partitions in the old shape. Drop {table} and re-run every wave."
        )
