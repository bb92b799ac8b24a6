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
    """Rows given as one SELECT with bound parameters (never pasted into the SQL text).

    ``frames`` are registered under their names while the SELECT runs, so it may read (and
    cast) a frame where it is, without copying it.
    """

    sql: str
    parameters: Mapping[str, object] = field(default_factory=dict)
    frames: Mapping[str, pd.DataFrame] = field(default_factory=dict)


Rows = pd.DataFrame | Query


def replace_slice(con: duckdb.DuckDBPyConnection, table: str, rows: Rows, where: Mapping[str, object]) -> int:
    """Replace the rows of ``schema.table`` matching every ``column = value`` of ``where`` (all
    rows when ``where`` is empty) by ``rows``, inserted by column name. Returns the rows written.

    The one slice replacement of the warehouse: raw layer, quarantine, data quality, staging and
    marts all go through it. Call inside a transaction when other writes must go with it.
    """
    with _source(con, rows) as (select, parameters):
        _ensure_table(con, table, select, parameters)
        condition = " AND ".join(f'"{column}" = $w{i}' for i, column in enumerate(where)) or "true"
        con.execute(f"DELETE FROM {table} WHERE {condition}", {f"w{i}": v for i, v in enumerate(where.values())})
        return con.execute(f"INSERT INTO {table} BY NAME {select}", parameters).fetchall()[0][0]


def replace_partition(
    con: duckdb.DuckDBPyConnection, table: str, rows: Rows, key: str | None = None, value: object = None
) -> int:
    """:func:`replace_slice` of the rows where ``key = value``; with ``key=None`` the whole
    table is the partition. Returns the rows written.

    A frame gets its ``key`` column set to ``value`` (first column, when the table is new); a
    query must select it.
    """
    if isinstance(rows, pd.DataFrame) and key is not None:
        rows = rows.drop(columns=[key], errors="ignore")
        rows.insert(0, key, pd.Series([value] * len(rows), index=rows.index, dtype="string"))
    return replace_slice(con, table, rows, {} if key is None else {key: value})


def write_partitions(
    con: duckdb.DuckDBPyConnection, key: str, value: object, tables: Mapping[str, Rows]
) -> dict[str, int]:
    """:func:`replace_partition` of ``key = value`` in each table, all in one transaction."""
    with transaction(con):
        return {table: replace_partition(con, table, rows, key, value) for table, rows in tables.items()}


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
        for name, frame in rows.frames.items():
            con.register(name, frame)
        try:
            yield f"SELECT * FROM ({rows.sql})", dict(rows.parameters)
        finally:
            for name in rows.frames:
                con.unregister(name)
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
