"""A BI reader in its own process: ``python -m ... <serving_dir> <hold|reopen> <ready> <stop>``.

``hold`` keeps one read-only connection to scl.duckdb and re-queries it; ``reopen`` connects anew
(and resolves the Parquet link anew) each time. Every observation is checked for consistency;
a JSON summary goes to stdout at the end.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

from scl_pipeline_tests.lib.serving.helpers import serving_state


def _hold(serving: Path, ready: Path, stop: Path) -> dict:
    con = duckdb.connect(str(serving / "scl.duckdb"), read_only=True)
    versions, checks, errors = set(), 0, []
    ready.touch()
    while not stop.exists():
        version = con.execute("SELECT version FROM serving.publication").fetchall()[0][0]
        recorded = dict(con.execute(
            "SELECT table_name, row_count FROM serving.published_tables").fetchall())
        seen = {t: con.execute(f'SELECT count(*) FROM marts."{t}"').fetchall()[0][0]
                for t in recorded}
        if seen != recorded:
            errors.append(f"{version}: recorded {recorded} saw {seen}")
        versions.add(version)
        checks += 1
        time.sleep(0.005)
    con.close()
    return {"checks": checks, "versions": sorted(versions), "errors": errors}


def _reopen(serving: Path, ready: Path, stop: Path) -> dict:
    versions, checks, errors = set(), 0, []
    ready.touch()
    while not stop.exists():
        try:
            state = serving_state(serving)
            versions.add(state["db_version"])
            versions.add(state["pq_version"])
        except Exception as exc:  # noqa: BLE001 - every failure is a finding to report
            errors.append(f"{type(exc).__name__}: {exc}")
        checks += 1
    return {"checks": checks, "versions": sorted(versions), "errors": errors}


if __name__ == "__main__":
    serving_dir, mode, ready_file, stop_file = sys.argv[1:5]
    run = _hold if mode == "hold" else _reopen
    print(json.dumps(run(Path(serving_dir), Path(ready_file), Path(stop_file))))
