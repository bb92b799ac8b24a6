"""Publish a 13,000-person x 9-wave warehouse and print how long it takes.

Run from the repo root: ``PYTHONPATH=. python scl_pipeline_tests/benchmarks/bench_serving_publish.py``
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import duckdb

from scl_pipeline.lib.serving.pseudonyms import PseudonymKey
from scl_pipeline.lib.serving.publish import publish_serving

PEOPLE, WAVES = 13_000, 9


def build(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA marts")
    con.execute(
        f"CREATE TABLE raw.hr_export AS SELECT 'EMP-' || lpad(i::VARCHAR, 6, '0') AS employee_id, "
        f"'C' || (i % 89)::VARCHAR AS country FROM range({PEOPLE}) t(i)"
    )
    metrics = ", ".join(f"random() AS m{j}" for j in range(25))
    flags = ", ".join(f"random() < 0.1 AS f{j}" for j in range(6))
    con.execute(
        "CREATE TABLE marts.person_wave_metrics AS SELECT h.employee_id, "
        "(2021 + (w + 2) // 4)::VARCHAR || '-Q' || ((w + 2) % 4 + 1)::VARCHAR AS wave, "
        f"h.country, 'D' || (hash(h.employee_id) % 40)::VARCHAR AS department, {metrics}, {flags} "
        f"FROM raw.hr_export h, range({WAVES}) t(w)"
    )
    con.execute(
        "CREATE TABLE marts.country_wave_bonds AS SELECT country, wave, count(*) AS people, "
        "sum(m0) AS internal_edges, avg(m1) AS ei FROM marts.person_wave_metrics GROUP BY ALL"
    )
    con.execute(
        "CREATE TABLE marts.wave_summary AS SELECT wave, count(*) AS population "
        "FROM marts.person_wave_metrics GROUP BY ALL"
    )
    con.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wh = Path(tmp) / "warehouse.duckdb"
        t = time.perf_counter()
        build(wh)
        print(f"built warehouse ({PEOPLE} people x {WAVES} waves) in {time.perf_counter() - t:.2f}s")
        key = PseudonymKey("bench-key-0123456789abcdef")
        for run in range(3):
            report = publish_serving(wh, Path(tmp) / "serving", key)
            print(
                f"publish {run + 1}: {report.seconds:.2f}s total, warehouse held "
                f"{report.warehouse_seconds:.3f}s, rows {report.row_counts}"
            )
        size = (Path(tmp) / "serving" / "scl.duckdb").stat().st_size / 1e6
        print(f"serving scl.duckdb {size:.1f} MB")


if __name__ == "__main__":
    main()
