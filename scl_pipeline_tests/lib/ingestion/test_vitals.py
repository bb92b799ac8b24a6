"""The previous wave's vital counts: the row staging computed, while it is of the loaded rows and
of the run's network settings; else the same staging SQL run on the loaded rows."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from scl_pipeline.lib.contract import HR_EXPORT, ONA_SURVEY, SOURCE_FILE, SOURCE_ROW
from scl_pipeline.lib.ingestion import vitals as vitals_module
from scl_pipeline.lib.ingestion.raw_tables import ensure_raw_tables, replace_slice_rows
from scl_pipeline.lib.ingestion.vitals import VITALS_MODELS, previous_vitals, wave_vitals
from scl_pipeline.lib.warehouse.sql_models import project_models, run_model
from scl_pipeline_tests.lib.ingestion.test_gates import HR, SURVEY

WAVE = "2021-Q3"
COUNTS = (6, 5, 6, 5, 3)  # population, invited, respondents, invited respondents, strong trust arcs


def _counts(v) -> tuple[int, ...]:
    return (v.population, v.invited, v.respondents, v.invited_respondents, v.arcs)


def _typed(spec, frame: pd.DataFrame) -> pd.DataFrame:
    rows = frame.reindex(columns=list(spec.columns))
    return rows.assign(**{SOURCE_FILE: f"{spec.stem}.csv", SOURCE_ROW: range(1, len(rows) + 1)})


def _load(con, survey: pd.DataFrame, at: str) -> None:
    replace_slice_rows(con, {HR_EXPORT: _typed(HR_EXPORT, HR), ONA_SURVEY: _typed(ONA_SURVEY, survey)}, WAVE, pd.Timestamp(at))


def _stage(con, relation: str = "trust", threshold: int = 4) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS staging")
    for name in VITALS_MODELS:
        run_model(con, project_models()[name], {"wave": WAVE, "primary_relation": relation, "strong_threshold": threshold})


@pytest.fixture
def warehouse():
    with duckdb.connect() as con:
        ensure_raw_tables(con)
        _load(con, SURVEY, "2024-01-01 10:00")
        yield con


def _no_recount(monkeypatch) -> None:
    def recount(*args, **kwargs):
        raise AssertionError("recounted the loaded rows although staging had counted them")

    monkeypatch.setattr(vitals_module, "wave_vitals", recount)


def test_the_loaded_wave_counts_like_the_candidate_did(warehouse):
    # Not staged yet (loaded by the ingestion assets alone): the staging SQL counts its loaded rows.
    candidate = wave_vitals(WAVE, HR, SURVEY, "trust", 4)
    loaded, population = previous_vitals(warehouse, WAVE, "trust", 4)
    assert _counts(loaded) == _counts(candidate) == COUNTS
    assert sorted(population) == sorted(HR["employee_id"])


def test_the_row_staging_computed_is_read_not_recounted(warehouse, monkeypatch):
    _stage(warehouse)
    _no_recount(monkeypatch)
    staged, population = previous_vitals(warehouse, WAVE, "trust", 4)
    assert _counts(staged) == COUNTS and staged.wave == WAVE
    assert sorted(population) == sorted(HR["employee_id"])


def test_a_staged_row_of_other_settings_or_older_rows_is_recounted(warehouse, monkeypatch):
    _stage(warehouse)
    # The run compares with strong = 5: staging counted with 4, so the loaded rows are counted again.
    assert previous_vitals(warehouse, WAVE, "trust", 5)[0].arcs == 1
    assert previous_vitals(warehouse, WAVE, "advice", 4)[0].arcs == 1
    # The wave reloaded (E1's nominations of E2 gone) and not staged since: its rows are counted.
    _load(warehouse, SURVEY.iloc[2:], "2024-02-01 10:00")
    assert previous_vitals(warehouse, WAVE, "trust", 4)[0].arcs == 2
    _stage(warehouse)
    _no_recount(monkeypatch)
    assert previous_vitals(warehouse, WAVE, "trust", 4)[0].arcs == 2
