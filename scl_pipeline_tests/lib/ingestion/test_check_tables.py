"""Each ingestion step records its checks in tables of its own; ``raw.quarantine`` and
``marts.data_quality`` are their unions, built by SQL models (issue 25 §4)."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from scl_pipeline.lib.ingestion.check_tables import (
    CHECK_TABLE_NAMES,
    CHECK_TABLES,
    check_tables,
    ensure_check_tables,
    quarantine_counts,
    write_quality,
    write_quarantine,
)
from scl_pipeline.lib.ingestion.validation import ValidationReport
from scl_pipeline.lib.ingestion.validation.records import quarantine_rows, unreadable_file_row
from scl_pipeline.lib.warehouse.sql_models import project_models, run_model

AT = pd.Timestamp(2024, 1, 2, 3, 4)
SCOPES = {"2021-Q1": "wave", "2021-Q2": "wave", "program": "program", "experiments": "experiment"}


def _quality(scope: str, run: str = "run-1") -> pd.DataFrame:
    return unreadable_file_row(run, scope, "hr_export", f"/lake/landing/{scope}/hr_export.csv", "file is empty", AT)


def _quarantine(scope: str, rows: int = 2) -> pd.DataFrame:
    frame = pd.DataFrame({
        "file": [f"{scope}/file.csv"] * rows, "source_row": list(range(1, rows + 1)),
        "expectation": ["x.in_hr"] * rows, "reason": ["E99 not in HR"] * rows, "values": ['{"id": "E99"}'] * rows,
    })
    report = ValidationReport(file=f"{scope}/file.csv", file_kind="participants", rows=rows, findings=[], quarantine=frame)
    return quarantine_rows([report], "run-1", AT)


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute(f"DESCRIBE {table}").fetchall()]


def _unions(con: duckdb.DuckDBPyConnection) -> None:
    for name in ("raw.quarantine", "marts.data_quality"):
        run_model(con, project_models()[name], {})


@pytest.fixture
def con():
    with duckdb.connect() as con:
        yield con


def test_each_scope_is_written_to_its_own_steps_tables_and_the_models_union_them(con):
    for scope in SCOPES:
        write_quality(con, _quality(scope), scope, accepted=True)
        write_quarantine(con, _quarantine(scope), scope)
    for scope, grain in SCOPES.items():
        assert check_tables(scope) == CHECK_TABLES[grain]
    for grain, tables in CHECK_TABLES.items():
        mine = sorted(s for s, g in SCOPES.items() if g == grain)
        assert [r[0] for r in con.execute(f"SELECT DISTINCT scope FROM {tables.quality} ORDER BY 1").fetchall()] == mine
        assert [r[0] for r in con.execute(f"SELECT DISTINCT scope FROM {tables.quarantine} ORDER BY 1").fetchall()] == mine
    _unions(con)
    quality = con.execute("SELECT * FROM marts.data_quality").df()
    assert sorted(quality["scope"]) == sorted(SCOPES) and set(quality["load_status"]) == {"loaded"}
    assert con.execute("SELECT count(*) FROM raw.quarantine").fetchall()[0][0] == 2 * len(SCOPES)
    # The unions keep the columns and types the steps write (BI reads data_quality's).
    assert _columns(con, "marts.data_quality") == _columns(con, CHECK_TABLES["wave"].quality)
    assert _columns(con, "raw.quarantine") == _columns(con, CHECK_TABLES["wave"].quarantine)


def test_the_tables_a_step_never_wrote_exist_empty_in_the_shape_of_a_write(con):
    write_quality(con, _quality("2021-Q1"), "2021-Q1", accepted=False)
    for name in CHECK_TABLE_NAMES:
        assert con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0] == (name == "raw.wave_data_quality")
    assert _columns(con, "raw.program_data_quality") == _columns(con, "raw.wave_data_quality")
    write_quarantine(con, _quarantine("2021-Q1"), "2021-Q1")
    assert _columns(con, "raw.program_quarantine") == _columns(con, "raw.wave_quarantine")
    _unions(con)  # the unions build whichever steps have run
    assert con.execute("SELECT load_status FROM marts.data_quality").fetchall() == [("rejected",)]


def test_a_rejected_attempt_leaves_the_loaded_runs_rows_and_other_scopes(con):
    write_quality(con, _quality("2021-Q1", "run-1"), "2021-Q1", accepted=True)
    write_quality(con, _quality("2021-Q2", "run-1"), "2021-Q2", accepted=True)
    held = write_quality(con, _quality("2021-Q1", "run-2"), "2021-Q1", accepted=False)
    assert held == 2
    rows = con.execute("SELECT scope, run_id, load_status FROM raw.wave_data_quality ORDER BY ALL").fetchall()
    assert rows == [("2021-Q1", "run-1", "loaded"), ("2021-Q1", "run-2", "rejected"), ("2021-Q2", "run-1", "loaded")]


def test_the_combined_tables_of_an_earlier_version_are_moved_to_the_steps_tables(con):
    # As the previous version left them: one table of each, written by every step.
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA marts")
    quality = pd.concat([_quality(scope).assign(load_status="loaded") for scope in SCOPES], ignore_index=True)
    quarantine = pd.concat([_quarantine(scope).assign(scope=scope) for scope in SCOPES], ignore_index=True)
    con.register("quality", quality)
    con.register("quarantine", quarantine)
    con.execute("CREATE TABLE marts.data_quality AS SELECT * FROM quality")
    con.execute("CREATE TABLE raw.quarantine AS SELECT * FROM quarantine")
    ensure_check_tables(con)
    for scope, grain in SCOPES.items():
        tables = CHECK_TABLES[grain]
        for table, expected in ((tables.quality, 1), (tables.quarantine, 2)):
            assert con.execute(f"SELECT count(*) FROM {table} WHERE scope = $s", {"s": scope}).fetchall()[0][0] == expected
    _unions(con)
    assert con.execute("SELECT count(*) FROM marts.data_quality").fetchall()[0][0] == len(SCOPES)
    assert con.execute("SELECT count(*) FROM raw.quarantine").fetchall()[0][0] == 2 * len(SCOPES)
    ensure_check_tables(con)  # once only: a later write adds nothing
    assert con.execute("SELECT count(*) FROM raw.wave_data_quality").fetchall()[0][0] == 2


def test_quarantine_metadata_counts_rows_without_their_values(con):
    write_quarantine(con, _quarantine("program", rows=3), "program")
    counts = quarantine_counts(con, "raw.program_quarantine", "program")
    assert counts.to_dict("records") == [
        {"scope": "program", "file_kind": "participants", "file": "program/file.csv", "expectation": "x.in_hr", "rows": 3}
    ]
    assert "E99" not in counts.to_string()
