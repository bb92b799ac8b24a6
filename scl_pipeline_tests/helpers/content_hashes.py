"""Content hashes of what a run wrote: every warehouse table (the graph snapshots included).

Floats are hashed by their shortest round-trip text (``repr``): two values hash alike only when
they are the same bits, so a difference in the last bit shows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

import duckdb
import pandas as pd


def _cell(value: object) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return "\\N"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def warehouse_hashes(
    path: Path, skip: Mapping[str, set[str]] | None = None, where: Mapping[str, str] | None = None
) -> dict[str, dict[str, str]]:
    """``{schema.table: {column: sha256 of the column in a fixed row order}}`` for every table of
    the DuckDB file at ``path``; ``skip`` names columns to leave out per table, ``where`` an SQL
    condition on the rows to hash per table (e.g. only the latest run's rows of a log)."""
    skip, where = skip or {}, where or {}
    hashes: dict[str, dict[str, str]] = {}
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() ORDER BY 1, 2"
        ).fetchall()
        for schema, name in tables:
            table = f"{schema}.{name}"
            condition = f" WHERE {where[table]}" if table in where else ""
            frame = con.execute(f'SELECT * FROM {schema}."{name}"{condition}').df()
            kept = [c for c in frame.columns if c not in skip.get(table, set())]
            # A fixed order that does not depend on the skipped columns (rows may differ only there).
            frame = frame[kept].astype(object).map(_cell).sort_values(kept, ignore_index=True) if kept else frame
            hashes[table] = {c: hashlib.sha256("\n".join(frame[c]).encode()).hexdigest() for c in kept}
    return hashes


def differences(first: dict[str, dict[str, str]], second: dict[str, dict[str, str]]) -> dict[str, list[str]]:
    """Per table, the columns whose hashes differ (``<table missing>`` when only one side has it)."""
    out: dict[str, list[str]] = {}
    for table in sorted(set(first) | set(second)):
        if table not in first or table not in second:
            out[table] = ["<table missing>"]
            continue
        changed = [c for c in sorted(set(first[table]) | set(second[table])) if first[table].get(c) != second[table].get(c)]
        if changed:
            out[table] = changed
    return out
