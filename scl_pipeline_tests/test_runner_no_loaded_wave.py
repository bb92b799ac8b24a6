"""A lake whose every wave is rejected (issue 22 §1): after the clear ingestion errors, every
cross-wave asset materialises with "nothing to measure" and its reason, with and without a
roster and experiments; the run's only failures are the rejected waves' ingestion."""

import dagster as dg
import duckdb
import pandas as pd
import pytest

from scl_pipeline.definitions import build_defs
from scl_pipeline.defs.jobs import cross_wave_job
from scl_pipeline.lib.serving.pseudonyms import PSEUDONYM_KEY_ENV
from scl_pipeline.lib.warehouse.nothing_to_measure import METADATA_KEY, NO_WAVE_LOADED
from scl_pipeline.runner import run_pipeline
from scl_pipeline_tests.helpers.landing import small_org, write_frame, write_wave

WAVES = ["2021-Q1", "2021-Q2"]
# What measures the waves (the experiments' ingestion and the serving copy have something to
# load or publish all the same: the experiment files, the data-quality rows).
MEASURING = ("marts", "reports")
# The union of the ingestion steps' checks: it records why the waves were rejected.
DATA_QUALITY = dg.AssetKey(["marts", "data_quality"])


@pytest.mark.parametrize("with_program", [False, True], ids=["bare", "roster_and_experiment"])
def test_every_cross_wave_asset_has_nothing_to_measure_when_no_wave_loaded(lake, monkeypatch, with_program):
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, "no-wave-test-key-0123456789abcdef")
    hr, survey = small_org()
    for wave in WAVES:  # a layout the pipeline does not read: no country column
        write_wave(lake, wave, hr.drop(columns=["country"]), survey)
    if with_program:
        write_frame(pd.DataFrame({"employee_id": ["E1", "E2", "E3"], "cohort": ["A"] * 3}),
                    lake.landing / "program" / "participants.csv")
        folder = lake.experiments_folder / "exp1"
        write_frame(pd.DataFrame({"employee_id": ["E1", "E2"], "group": ["program", "control"]}), folder / "assignment.csv")
        write_frame(pd.DataFrame({"asker_id": ["E1"], "responder_id": ["E2"], "asked_at": ["2021-02-03T10:00:00"],
                                  "answered_at": ["2021-02-03T11:00:00"]}), folder / "interactions.csv")
    defs = build_defs(lake.root)
    instance = dg.DagsterInstance.ephemeral()
    results = run_pipeline(defs, WAVES, instance, echo=lambda _: None)

    failed = [(r.wave, r.stage) for r in results if not r.success]
    assert failed == [(w, "ingestion") for w in WAVES], [(r.wave, r.stage, r.error) for r in results if not r.success]
    assert all("country" in r.error for r in results if not r.success)

    graph = defs.resolve_asset_graph()
    cross_wave = defs.resolve_job_def(cross_wave_job.name).asset_layer.selected_asset_keys
    measuring = sorted(k for k in cross_wave if graph.get(k).group_name in MEASURING and k != DATA_QUALITY)
    assert len(measuring) >= 7  # the impact marts, experiment KBIs, resilience scenarios, program report
    for key in measuring:
        event = instance.get_latest_materialization_event(key)
        assert event is not None, key
        metadata = event.asset_materialization.metadata
        assert metadata[METADATA_KEY].value == NO_WAVE_LOADED, key
        assert metadata["dagster/row_count"].value == 0, key
    quality = instance.get_latest_materialization_event(DATA_QUALITY).asset_materialization.metadata
    assert METADATA_KEY not in quality and quality["dagster/row_count"].value > 0
    with duckdb.connect(str(lake.warehouse_path), read_only=True) as con:
        rejected = con.execute("SELECT DISTINCT scope FROM marts.data_quality WHERE load_status = 'rejected' "
                               "AND outcome = 'failed' ORDER BY 1").fetchall()
    assert [r[0] for r in rejected] == WAVES
