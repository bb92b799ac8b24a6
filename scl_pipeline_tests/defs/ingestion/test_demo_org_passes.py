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


def test_demo_org_passes_every_check(lake):
    truth = generate_demo_org(lake.landing, people=1_500)
    evaluations = []
    for wave in (truth.baseline_wave, "2022-Q4"):
        evaluations += materialize_wave(lake, wave, INGESTION).get_asset_check_evaluations()
    # After the waves, so the roster and experiments are checked against the loaded HR exports.
    evaluations += materialize_unpartitioned(lake, PROGRAM).get_asset_check_evaluations()
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
    same functions the ingestion asset calls, without the rest of the pipeline)."""
    from scl_pipeline.lib.ingestion.coerce import coerce_frame
    from scl_pipeline.lib.contract import HR_EXPORT, ONA_SURVEY
    from scl_pipeline.lib.ingestion.discovery import landed_waves, read_wave
    from scl_pipeline.lib.ingestion.gates import GateConfig, check_gates, quarantine_reasons, wave_vitals
    from scl_pipeline.lib.ingestion.validation import validate_wave

    generate_demo_org(lake.landing, people=1_500)
    waves = landed_waves(lake)
    assert len(waves) == 9
    previous = None
    for wave in waves:
        files = read_wave(lake, wave)
        validation = validate_wave(files["hr_export"].frame, files["ona_survey"].frame, wave)
        hr = coerce_frame(validation.hr.clean, HR_EXPORT)
        survey = coerce_frame(validation.survey.clean, ONA_SURVEY)
        vitals = wave_vitals(wave, hr, survey, "trust", 4)
        report = validation.survey
        gates = check_gates(
            vitals, previous, GateConfig(), report.rows, len(report.quarantine), quarantine_reasons(report.findings), "trust", 4
        )
        assert [g.message for g in gates if not g.passed] == [], wave
        assert len(gates) == (2 if previous is None else 5)
        previous = vitals
