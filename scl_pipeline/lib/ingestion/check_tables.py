"""Where each ingestion step records its checks: tables of its own, one producer each.

Three steps check landing files: the wave step (scope: the wave), the roster step (scope
``program``) and the experiments step (scope ``experiments``). Each writes its quarantined rows
and its data-quality rows to two tables only it writes (``raw.<grain>_quarantine``,
``raw.<grain>_data_quality``), so each table is one Dagster asset with one producing step.
``raw.quarantine`` and ``marts.data_quality`` are the SQL models that union them
(``dbt_like_sql/raw/quarantine.sql``, ``dbt_like_sql/marts/data_quality.sql``), rebuilt after the
steps by the cross-wave job; BI reads ``data_quality`` from the serving copy as before.

The six tables are created together, empty, by whichever step writes first (as the raw layer's
tables are), so the union models always find them. A warehouse from before the split holds the
combined tables, written by every step: the first write moves their rows to the steps' tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from scl_pipeline.lib.ingestion.validation.records import (
    DATA_QUALITY_TABLE,
    LOAD_STATUS,
    LOADED,
    QUARANTINE_TABLE,
    REJECTED,
    quality_rows,
    quarantine_rows,
)
from scl_pipeline.lib.warehouse.tables import replace_partition, replace_slice, table_exists

PROGRAM_SCOPE = "program"
EXPERIMENTS_SCOPE = "experiments"
SCOPE_COLUMN = "scope"


@dataclass(frozen=True)
class CheckTables:
    """The two tables one ingestion step (one grain) records its checks in."""

    grain: str
    quarantine: str
    quality: str


CHECK_TABLES = {
    grain: CheckTables(grain, f"raw.{grain}_quarantine", f"raw.{grain}_data_quality")
    for grain in ("wave", "program", "experiment")
}
# Every table the union models read: a model of these alone has rows to show even when no wave
# is loaded (the rejected attempts say why).
CHECK_TABLE_NAMES = frozenset(t for tables in CHECK_TABLES.values() for t in (tables.quarantine, tables.quality))


def check_tables(scope: str) -> CheckTables:
    """The tables of the step whose scope is ``scope`` (a wave, ``program`` or ``experiments``)."""
    grain = {PROGRAM_SCOPE: "program", EXPERIMENTS_SCOPE: "experiment"}.get(scope, "wave")
    return CHECK_TABLES[grain]


def with_status(quality: pd.DataFrame, accepted: bool) -> pd.DataFrame:
    """Data-quality rows with their ``load_status``: whether the warehouse holds the run's files."""
    status = LOADED if accepted else REJECTED
    return quality.assign(**{LOAD_STATUS: pd.Series(status, index=quality.index, dtype="string")})


def write_quality(con: duckdb.DuckDBPyConnection, quality: pd.DataFrame, scope: str, accepted: bool) -> int:
    """Replace the scope's rows in its step's data-quality table: all of them when the run loaded,
    its rejected ones otherwise (the loaded run's checks stay). Returns the scope's rows now held."""
    ensure_check_tables(con)
    table = check_tables(scope).quality
    where = {SCOPE_COLUMN: scope} if accepted else {SCOPE_COLUMN: scope, LOAD_STATUS: REJECTED}
    replace_slice(con, table, with_status(quality, accepted), where)
    return scope_rows(con, table, scope)


def write_quarantine(con: duckdb.DuckDBPyConnection, quarantine: pd.DataFrame, scope: str) -> int:
    """Replace the scope's quarantined rows in its step's quarantine table; returns the rows written."""
    ensure_check_tables(con)
    return replace_partition(con, check_tables(scope).quarantine, quarantine, SCOPE_COLUMN, scope)


def scope_rows(con: duckdb.DuckDBPyConnection, table: str, scope: str) -> int:
    return con.execute(f"SELECT count(*) FROM {table} WHERE {SCOPE_COLUMN} = $s", {"s": scope}).fetchall()[0][0]


def ensure_check_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the six check tables if missing, shaped as the writes above shape them; on a
    warehouse from before the split, move the combined tables' rows into them first."""
    if all(table_exists(con, t) for t in CHECK_TABLE_NAMES):
        return
    adopt = not any(table_exists(con, t) for t in CHECK_TABLE_NAMES)
    now = pd.Timestamp(0)
    for tables in CHECK_TABLES.values():
        # Written through the same functions as real rows (no rows, a scope no step uses), so the
        # columns and types are exactly those of a first real write.
        replace_slice(con, tables.quality, with_status(quality_rows([], "", "", now), True), {SCOPE_COLUMN: ""})
        replace_partition(con, tables.quarantine, quarantine_rows([], "", now), SCOPE_COLUMN, "")
    if adopt:
        _adopt_combined_tables(con)


def _adopt_combined_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Rows of the combined tables an earlier version wrote from every step, each to its step's
    table (the combined tables are then rebuilt as unions by their models)."""
    if table_exists(con, DATA_QUALITY_TABLE):
        _upgrade_quality_table(con)
    special = [PROGRAM_SCOPE, EXPERIMENTS_SCOPE]
    for grain, tables in CHECK_TABLES.items():
        scope = {"program": PROGRAM_SCOPE, "experiment": EXPERIMENTS_SCOPE}.get(grain)
        where = f"{SCOPE_COLUMN} = $scope" if scope else f"NOT list_contains($special, {SCOPE_COLUMN})"
        parameters = {"scope": scope} if scope else {"special": special}
        for combined, own in ((DATA_QUALITY_TABLE, tables.quality), (QUARANTINE_TABLE, tables.quarantine)):
            if table_exists(con, combined):
                con.execute(f"INSERT INTO {own} BY NAME SELECT * FROM {combined} WHERE {where}", parameters)


def _upgrade_quality_table(con: duckdb.DuckDBPyConnection) -> None:
    """A table written before ``load_status`` existed (one row per run, a growing history) keeps,
    per scope, its latest run that loaded and the latest rejected one after it."""
    table = DATA_QUALITY_TABLE
    columns = [d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description]
    if LOAD_STATUS in columns:
        return
    con.execute(f"ALTER TABLE {table} ADD COLUMN {LOAD_STATUS} VARCHAR")
    statuses = {"loaded": LOADED, "rejected": REJECTED}
    con.execute(
        f"UPDATE {table} AS d SET {LOAD_STATUS} = CASE WHEN EXISTS (SELECT 1 FROM {table} AS f WHERE "
        "f.run_id = d.run_id AND f.scope = d.scope AND f.outcome = 'failed') THEN $rejected ELSE $loaded END",
        statuses,
    )
    con.execute(
        f"DELETE FROM {table} AS d WHERE d.checked_at < (SELECT max(l.checked_at) FROM {table} AS l "
        f"WHERE l.scope = d.scope AND l.{LOAD_STATUS} = d.{LOAD_STATUS})"
    )
    con.execute(
        f"DELETE FROM {table} AS d WHERE d.{LOAD_STATUS} = $rejected AND d.checked_at < (SELECT "
        f"max(l.checked_at) FROM {table} AS l WHERE l.scope = d.scope AND l.{LOAD_STATUS} = $loaded)",
        statuses,
    )


def quarantine_counts(con: duckdb.DuckDBPyConnection, table: str, scope: str | None = None) -> pd.DataFrame:
    """Quarantined rows of ``table`` counted by scope, file and reason (expectation): what asset
    metadata may show of a quarantine table, whose reasons and values can hold ids."""
    where = f"WHERE {SCOPE_COLUMN} = $scope" if scope is not None else ""
    return con.execute(
        f"SELECT {SCOPE_COLUMN}, file_kind, file, expectation, count(*) AS rows FROM {table} {where} "
        "GROUP BY ALL ORDER BY ALL LIMIT 50",
        {"scope": scope} if scope is not None else {},
    ).df()
