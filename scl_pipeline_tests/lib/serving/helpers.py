"""A small warehouse with marts tables, and a checker of what a BI reader sees in serving/."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

WAVES = ("2021-Q3", "2021-Q4", "2022-Q1")
# Country sizes straddle the suppression threshold (5): 3 and 4 are withheld, 5 and 12 are not.
COUNTRY_SIZES = {"DE": 12, "FR": 5, "IT": 4, "PT": 3}
TEST_KEY = "test-key-0123456789abcdef-serving"
OTHER_KEY = "another-key-fedcba9876543210-serving"


def employee_ids() -> list[str]:
    return [f"EMP-{i:05d}" for i in range(sum(COUNTRY_SIZES.values()))]


def build_warehouse(path: Path, extra_waves: int = 0, unclassified: bool = False) -> None:
    """Create ``path`` with raw.hr_export and marts tables of every privacy class.

    ``extra_waves`` adds waves 2022-Q2.. so successive builds have different row counts.
    """
    ids = employee_ids()
    countries = [c for c, n in COUNTRY_SIZES.items() for _ in range(n)]
    waves = list(WAVES) + [f"2022-Q{q}" for q in range(2, 2 + extra_waves)]
    con = duckdb.connect(str(path))
    try:
        con.execute("CREATE SCHEMA IF NOT EXISTS raw")
        con.execute("CREATE SCHEMA IF NOT EXISTS marts")
        for name in ("raw.hr_export", "marts.person_wave_metrics", "marts.country_wave_bonds",
                     "marts.wave_summary", "marts.data_quality", "marts.brand_new_mart"):
            con.execute(f"DROP TABLE IF EXISTS {name}")
        con.execute("CREATE TABLE raw.hr_export (employee_id VARCHAR, country VARCHAR)")
        con.executemany("INSERT INTO raw.hr_export VALUES (?, ?)", list(zip(ids, countries)))
        con.execute(
            "CREATE TABLE marts.person_wave_metrics (employee_id VARCHAR, wave VARCHAR, "
            "country VARCHAR, in_degree INTEGER, betweenness DOUBLE, central_connector BOOLEAN)"
        )
        rows = [
            (eid, w, c, (i * 7 + k) % 11, ((i + 1) * (k + 2)) / 1000.0, (i + k) % 5 == 0)
            for k, w in enumerate(waves)
            for i, (eid, c) in enumerate(zip(ids, countries))
        ]
        con.executemany("INSERT INTO marts.person_wave_metrics VALUES (?, ?, ?, ?, ?, ?)", rows)
        con.execute(
            "CREATE TABLE marts.country_wave_bonds AS SELECT country, wave, count(*) AS people, "
            "sum(in_degree) AS internal_edges, avg(betweenness) AS ei "
            "FROM marts.person_wave_metrics GROUP BY ALL"
        )
        con.execute(
            "CREATE TABLE marts.wave_summary AS SELECT wave, count(*) AS population, "
            "avg(in_degree) AS mean_in_degree FROM marts.person_wave_metrics GROUP BY ALL"
        )
        con.execute(
            "CREATE TABLE marts.data_quality AS SELECT 'run-1' AS run_id, 'waves/2021-Q1/hr_export.csv' AS file, "
            "'hr_export.employee_id_unique' AS check_name, 0 AS rows_failed, 'passed' AS outcome"
        )
        if unclassified:
            con.execute("CREATE TABLE marts.brand_new_mart AS SELECT 1 AS x")
    finally:
        con.close()


def serving_state(serving_dir: Path) -> dict:
    """What a reader sees: version and per-table row counts of the DuckDB copy and of the Parquet
    version, each checked against the counts that version recorded. Raises on any mismatch."""
    con = duckdb.connect(str(serving_dir / "scl.duckdb"), read_only=True)
    try:
        db_version = con.execute("SELECT version FROM serving.publication").fetchall()[0][0]
        recorded = dict(
            con.execute("SELECT table_name, row_count FROM serving.published_tables").fetchall()
        )
        seen = {
            t: con.execute(f'SELECT count(*) FROM marts."{t}"').fetchall()[0][0] for t in recorded
        }
        again = con.execute("SELECT version FROM serving.publication").fetchall()[0][0]
    finally:
        con.close()
    if seen != recorded or again != db_version:
        raise AssertionError(f"duckdb copy {db_version}: recorded {recorded}, saw {seen}")
    root = (serving_dir / "parquet").resolve(strict=True)
    manifest = json.loads((root / "_publication.json").read_text())
    pq_recorded = {t: v["rows"] for t, v in manifest["tables"].items()}
    pcon = duckdb.connect()
    try:
        pq_seen = {
            t: pcon.execute(
                "SELECT count(*) FROM read_parquet($g, hive_partitioning=true)",
                {"g": str(root / t / "**" / "*.parquet")},
            ).fetchall()[0][0]
            for t in pq_recorded
        }
    finally:
        pcon.close()
    if pq_seen != pq_recorded or root.name != manifest["version"]:
        raise AssertionError(f"parquet {root.name}: recorded {pq_recorded}, saw {pq_seen}")
    return {"db_version": db_version, "db_rows": seen, "pq_version": root.name, "pq_rows": pq_seen}
