"""Compare the outputs of two pipeline runs: "same tables, same rows, same numbers".

    python -m scl_pipeline_tests.benchmarks.compare_lakes BEFORE_LAKE AFTER_LAKE

For a refactoring that must not move any number: run the demo into two lakes (before and after
the change) and compare every table of the warehouse (schemas raw, staging, network, marts) and
of the serving copy (schema marts). Columns must match in name, type and order; rows must match
as multisets, floats to a relative 1e-9. Values that differ by construction between two runs are
ignored: load and check timestamps, run ids, and the lake root inside paths. Prints one line per
table and exits 1 when any table differs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

SCHEMAS = ("raw", "staging", "network", "marts")
# Differ between any two runs by construction (when, which run).
VOLATILE_COLUMNS = frozenset({"loaded_at", "checked_at", "quarantined_at", "run_id"})
FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL")
RTOL, ATOL = 1e-9, 1e-12


def table_columns(con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...]) -> dict[str, list[tuple[str, str]]]:
    rows = con.execute(
        "SELECT schema_name || '.' || table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE database_name = current_database() AND list_contains($schemas, schema_name) "
        "ORDER BY schema_name, table_name, column_index",
        {"schemas": list(schemas)},
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, dtype in rows:
        tables.setdefault(table, []).append((column, dtype))
    return tables


def read_table(con: duckdb.DuckDBPyConnection, table: str, columns: list[tuple[str, str]], root: Path) -> pd.DataFrame:
    kept = [(c, t) for c, t in columns if c not in VOLATILE_COLUMNS]
    exact = [c for c, t in kept if t not in FLOAT_TYPES]
    floats = [c for c, t in kept if t in FLOAT_TYPES]
    order = ", ".join(f'"{c}" NULLS FIRST' for c in exact + floats)
    select = ", ".join(f'"{c}"' for c, _ in kept)
    frame = con.execute(f"SELECT {select} FROM {table} ORDER BY {order}" if order else f"SELECT {select} FROM {table}").df()
    for column, dtype in kept:
        if dtype == "VARCHAR":
            frame[column] = frame[column].str.replace(str(root), "<lake>", regex=False)
    return frame


def compare_frames(before: pd.DataFrame, after: pd.DataFrame, float_columns: set[str]) -> str | None:
    """None when equal, else what differs first."""
    if len(before) != len(after):
        return f"{len(before)} rows before, {len(after)} after"
    for column in before.columns:
        a, b = before[column], after[column]
        if column in float_columns:
            x, y = a.to_numpy(np.float64), b.to_numpy(np.float64)
            same = np.isclose(x, y, rtol=RTOL, atol=ATOL, equal_nan=True)
        else:
            same = (a.isna() & b.isna()).to_numpy() | (a.astype(object) == b.astype(object)).to_numpy()
        if not same.all():
            row = int(np.flatnonzero(~same)[0])
            return f"column {column}: {int((~same).sum())} row(s) differ, first {a.iloc[row]!r} -> {b.iloc[row]!r}"
    return None


def compare_databases(before: Path, after: Path, schemas: tuple[str, ...], roots: tuple[Path, Path]) -> list[str]:
    """One line per table; lines starting with DIFF name a difference."""
    lines = []
    with duckdb.connect(str(before), read_only=True) as a, duckdb.connect(str(after), read_only=True) as b:
        tables_a, tables_b = table_columns(a, schemas), table_columns(b, schemas)
        for table in sorted(set(tables_a) | set(tables_b)):
            if table not in tables_a or table not in tables_b:
                lines.append(f"DIFF {table}: only {'before' if table in tables_a else 'after'}")
                continue
            if tables_a[table] != tables_b[table]:
                lines.append(f"DIFF {table}: columns {tables_a[table]} -> {tables_b[table]}")
                continue
            floats = {c for c, t in tables_a[table] if t in FLOAT_TYPES}
            frame_a = read_table(a, table, tables_a[table], roots[0])
            frame_b = read_table(b, table, tables_b[table], roots[1])
            problem = compare_frames(frame_a, frame_b, floats)
            lines.append(f"DIFF {table}: {problem}" if problem else f"same {table}: {len(frame_a):,} rows")
    return lines


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    before, after = (Path(p).resolve() for p in argv)
    lines = [f"warehouse {line}" for line in compare_databases(
        before / "warehouse" / "scl.duckdb", after / "warehouse" / "scl.duckdb", SCHEMAS, (before, after))]
    lines += [f"serving   {line}" for line in compare_databases(
        before / "serving" / "scl.duckdb", after / "serving" / "scl.duckdb", ("marts",), (before, after))]
    print("\n".join(lines))
    differ = [line for line in lines if " DIFF " in f" {line.split(maxsplit=1)[1]}"]
    print(f"\n{len(lines) - len(differ)} table(s) the same, {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
