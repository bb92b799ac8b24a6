"""The built-in demo organisation passes every validation check: no rejection, no quarantine."""

import dagster as dg

from scl_pipeline.lib.demo import generate_demo_org
from scl_pipeline_tests.helpers.dagster import materialize_unpartitioned, materialize_wave, query

INGESTION = [dg.AssetKey(["raw", "hr_export"]), dg.AssetKey(["raw", "ona_survey"])]
PROGRAM = [
    dg.AssetKey(["raw", "participants"]),
    dg.AssetKey(["raw", "experiment_assignment"]),
    dg.AssetKey(["raw", "experiment_interactions"]),
]
CHECK_UNIONS = [dg.AssetKey(["marts", "data_quality"]), dg.AssetKey(["raw", "quarantine"])]


def test_demo_org_passes_every_check(lake):
    truth = generate_demo_org(lake.landing, people=1_500)
    evaluations = []
    for wave in (truth.baseline_wave, "2022-Q4"):
        evaluations += materialize_wave(lake, wave, INGESTION).get_asset_check_evaluations()
    # After the waves, so the roster and experiments are checked against the loaded HR exports;
    # then the unions of the steps' check tables.
    evaluations += materialize_unpartitioned(lake, PROGRAM + CHECK_UNIONS).get_asset_check_evaluations()
    names = {(e.asset_key.to_user_string(), e.check_name) for e in evaluations}
    assert len(names) == 11, names  # two per file, and the wave's sanity gates
    assert [e.check_name for e in evaluations if not e.passed] == []
    quality = query(lake, "select outcome, count(*) as n from marts.data_quality group by outcome")
    assert quality["outcome"].tolist() == ["passed"]
    assert query(lake, "select count(*) as n from raw.quarantine")["n"][0] == 0


def test_program_inputs_load_empty_when_nothing_has_landed(lake):
    result = materialize_unpartitioned(lake, PROGRAM)
    assert result.success
    assert all(e.passed for e in result.get_asset_check_evaluations())
    for table in ("raw.participants", "raw.experiment_assignment", "raw.experiment_interactions"):
        assert query(lake, f"select count(*) as n from {table}")["n"][0] == 0


def test_every_demo_wave_passes_every_sanity_gate(lake):
    """All nine waves, each against the one before, as `scl demo` loads them (lib level: the
    sequence the ingestion asset runs, lib.ingestion.wave_intake, without the rest of the pipeline)."""
    from scl_pipeline.lib.ingestion.discovery import landed_waves
    from scl_pipeline.lib.ingestion.gates import GateConfig
    from scl_pipeline.lib.ingestion.settings import IngestionConfig
    from scl_pipeline.lib.ingestion.wave_check import check_waves

    generate_demo_org(lake.landing, people=1_500)
    waves = landed_waves(lake)
    assert len(waves) == 9
    checks = check_waves(lake, waves, IngestionConfig(), GateConfig(), "trust", 4)
    for number, check in enumerate(checks):
        assert check.problem is None and check.errors == [], check.wave
        assert [g.message for g in check.gates if not g.passed] == [], check.wave
        assert len(check.gates) == (2 if number == 0 else 5)
        assert check.would_load, check.wave
