"""``marts.data_quality`` keeps one set of rows per scope: the loaded run's, plus the latest
rejected attempt after it. Re-running a wave never adds a copy (issue 15.5). Each ingestion step
writes its scopes' rows to a table of its own (lib.ingestion.check_tables); the table is their
union, built by its SQL model (``dbt_like_sql/marts/data_quality.sql``), as here."""

from __future__ import annotations

import functools

import duckdb
import pandas as pd

from scl_pipeline.lib.contract import HR_EXPORT, ONA_SURVEY
from scl_pipeline.lib.ingestion.gates import GateResult
from scl_pipeline.lib.ingestion.loading import load_validated, record_quality
from scl_pipeline.lib.ingestion.validation import validate_wave
from scl_pipeline.lib.ingestion.validation.records import unreadable_file_row
from scl_pipeline.lib.ingestion.check_tables import CHECK_TABLE_NAMES
from scl_pipeline.lib.warehouse.connection import connect
from scl_pipeline.lib.warehouse.sql_models import project_models, run_model
from scl_pipeline_tests.lib.ingestion.validation.frames import HR_FILE, HR_ROWS, SURVEY_FILE, frame, rows_of

WAVE = "2021-Q3"


def _load(path, run: str, minute: int, strength: str = "5", gate_passes: bool = True, scope: str = WAVE):
    survey = rows_of("ona_survey")
    survey[0]["strength"] = strength
    validation = validate_wave(frame(HR_ROWS, HR_FILE), frame(survey, SURVEY_FILE), WAVE)
    reports = [validation.hr, validation.survey]
    clean = {HR_EXPORT: validation.hr.clean, ONA_SURVEY: validation.survey.clean}
    gate = GateResult("wave.has_strong_ties", "ona_survey", gate_passes, "counts only")
    return load_validated(
        functools.partial(connect, path), reports, clean, scope, scope, run, pd.Timestamp(2024, 1, 1, 0, minute),
        gates=lambda typed: [gate],
    )


def _quality(path) -> pd.DataFrame:
    """``marts.data_quality`` as its model builds it from the steps' tables."""
    with duckdb.connect(str(path)) as con:
        run_model(con, project_models()["marts.data_quality"], {})
        return con.execute("select * from marts.data_quality order by run_id, check_name").df()


def test_rerunning_a_wave_replaces_its_rows(tmp_path):
    path = tmp_path / "w.duckdb"
    assert _load(path, "run-1", 1).accepted
    first = _quality(path)
    assert set(first["load_status"]) == {"loaded"} and set(first["run_id"]) == {"run-1"}
    assert "wave.has_strong_ties" in set(first["check_name"])
    assert _load(path, "run-2", 2).accepted
    second = _quality(path)
    assert len(second) == len(first) and set(second["run_id"]) == {"run-2"}


def test_a_rejected_attempt_is_kept_beside_the_loaded_run_until_the_next_load(tmp_path):
    path = tmp_path / "w.duckdb"
    loaded = _load(path, "run-1", 1)
    assert not _load(path, "run-2", 2, strength="9").accepted  # an ERROR finding
    assert not _load(path, "run-3", 3, gate_passes=False).accepted  # a failed gate
    quality = _quality(path)
    assert quality.groupby("run_id")["load_status"].first().to_dict() == {"run-1": "loaded", "run-3": "rejected"}
    assert len(quality[quality["run_id"] == "run-1"]) == len(loaded.quality)
    failed = quality[(quality["run_id"] == "run-3") & (quality["outcome"] == "failed")]
    assert failed["check_name"].tolist() == ["wave.has_strong_ties"]
    assert _load(path, "run-4", 4).accepted
    assert set(_quality(path)["run_id"]) == {"run-4"}


def test_an_unreadable_file_is_a_rejected_attempt_of_its_scope_only(tmp_path):
    path = tmp_path / "w.duckdb"
    _load(path, "run-1", 1)
    _load(path, "run-p", 2, scope="program")
    row = unreadable_file_row("run-2", WAVE, "hr_export", "/lake/landing/waves/2021-Q3/hr_export.csv", "file is empty", pd.Timestamp(2024, 1, 2))
    record_quality(functools.partial(connect, path), row, WAVE)
    quality = _quality(path)
    assert quality.groupby("run_id")["load_status"].first().to_dict() == {
        "run-1": "loaded", "run-2": "rejected", "run-p": "loaded",
    }
    assert quality.loc[quality["run_id"] == "run-2", "file"].tolist() == ["waves/2021-Q3/hr_export.csv"]


def test_a_history_table_from_before_load_status_is_upgraded(tmp_path):
    path = tmp_path / "w.duckdb"
    runs = [("old-1", 1, "5"), ("old-2", 2, "5"), ("old-3", 3, "9"), ("old-4", 4, "5"), ("old-5", 5, "9")]
    history = pd.concat([_load(path, *run).quality for run in runs], ignore_index=True)
    with duckdb.connect(str(path)) as con:  # the table as the previous version left it: every run
        con.execute("create schema if not exists marts")
        for table in CHECK_TABLE_NAMES:  # which every step wrote, before the steps had tables of their own
            con.execute(f"drop table {table}")
        con.register("history", history)
        con.execute("create table marts.data_quality as select * from history")
        assert len(con.execute("select distinct run_id from marts.data_quality").fetchall()) == 5
    _load(path, "new-1", 9, strength="9")  # rejected: keeps the loaded run, replaces rejected ones
    quality = _quality(path)
    assert quality.groupby("run_id")["load_status"].first().to_dict() == {"new-1": "rejected", "old-4": "loaded"}
    assert len(quality[quality["run_id"] == "old-4"]) == len(history[history["run_id"] == "old-4"])
