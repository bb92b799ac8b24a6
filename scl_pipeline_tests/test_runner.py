"""``scl run`` runs the jobs the UI and the schedule run, prints a line per stage, and a failed
wave stops only that wave."""

import os

import dagster as dg
import duckdb

from scl_pipeline.definitions import build_defs
from scl_pipeline.lib.serving.pseudonyms import PSEUDONYM_KEY_ENV
from scl_pipeline.runner import run_pipeline
from scl_pipeline_tests.helpers.dagster import query
from scl_pipeline_tests.helpers.landing import small_org, write_wave


def test_jobs_run_per_wave_with_a_line_per_stage_and_a_bad_wave_stops_alone(lake, monkeypatch):
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, "runner-test-key-0123456789abcdef")
    hr, survey = small_org()
    write_wave(lake, "2021-Q1", hr, survey)
    write_wave(lake, "2021-Q2", hr.drop(columns=["country"]), survey)  # rejected: no country column
    write_wave(lake, "2021-Q3", hr, survey)
    instance = dg.DagsterInstance.ephemeral()
    lines: list[str] = []
    defs = build_defs(lake.root)
    results = run_pipeline(defs, ["2021-Q1", "2021-Q2", "2021-Q3"], instance, echo=lines.append)

    stages = [(r.wave, r.stage, r.success) for r in results]
    good = ["ingestion", "staging", "network", "marts"]
    assert stages[:10] == [
        (None, "ingestion", True),  # program_job: the roster
        *[("2021-Q1", s, True) for s in good],
        ("2021-Q2", "ingestion", False),
        *[("2021-Q3", s, True) for s in good],
    ]
    # cross_wave_job: the experiments (checked against the loaded HR exports), the cross-wave
    # marts (resilience scenarios; impact marts empty here: no roster, no experiment), the
    # program report (none without a roster: it says so) and the serving copy.
    assert sorted(stages[10:14]) == [(None, s, True) for s in ("ingestion", "marts", "reports", "serving")]
    # wave_report_job, last: the report of each wave that loaded, not of the rejected one.
    assert stages[14:] == [("2021-Q1", "reports", True), ("2021-Q3", "reports", True)]
    assert sorted(p.parent.name for p in lake.reports.glob("*/report.html")) == ["2021-Q1", "2021-Q3"]
    failed = next(r for r in results if not r.success)
    assert "hr_export" in failed.error and "country" in failed.error
    assert lines[1] == "wave 2021-Q1 (1/3)" and lines[2].startswith("  ingestion    ok")
    assert "raw/hr_export 8" in lines[2] and any(line.startswith("serving      ok") for line in lines)
    # The runs are the code location's jobs, one wave partition each, in the given instance.
    runs = instance.get_run_records()
    assert sorted((r.dagster_run.job_name, r.dagster_run.tags.get("scl/wave")) for r in runs) == [
        ("cross_wave_job", None), ("program_job", None),
        ("wave_job", "2021-Q1"), ("wave_job", "2021-Q2"), ("wave_job", "2021-Q3"),
        ("wave_report_job", "2021-Q1"), ("wave_report_job", "2021-Q3"),
    ]
    assert query(lake, "select wave from marts.wave_summary order by wave")["wave"].tolist() == ["2021-Q1", "2021-Q3"]
    # Issue 25 §4: every table the runs wrote to the warehouse is an asset of the definitions.
    assets = {".".join(k.path) for k in defs.resolve_asset_graph().materializable_asset_keys}
    tables = set(query(lake, "select schema_name || '.' || table_name as t from duckdb_tables()")["t"])
    assert {"raw.wave_data_quality", "marts.data_quality", "raw.quarantine"} <= tables
    assert tables - assets == set()


def test_the_demo_key_is_allowed_through_the_definitions_not_the_environment(lake, monkeypatch):
    from scl_pipeline.lib.serving.pseudonyms import ALLOW_DEMO_KEY_ENV

    monkeypatch.delenv(PSEUDONYM_KEY_ENV, raising=False)
    monkeypatch.delenv(ALLOW_DEMO_KEY_ENV, raising=False)
    write_wave(lake, "2021-Q1", *small_org())
    instance = dg.DagsterInstance.ephemeral()
    refused = run_pipeline(build_defs(lake.root), ["2021-Q1"], instance, echo=lambda _: None)
    # Publishing and the reports (which join on pseudonyms) need the key alike.
    assert sorted(r.stage for r in refused if not r.success) == ["reports", "reports", "serving"]
    allowed = run_pipeline(build_defs(lake.root, allow_demo_key=True), ["2021-Q1"], instance, echo=lambda _: None)
    assert all(r.success for r in allowed)
    assert ALLOW_DEMO_KEY_ENV not in os.environ
    with duckdb.connect(str(lake.serving / "scl.duckdb"), read_only=True) as con:
        assert con.execute("SELECT key_source FROM serving.publication").fetchall() == [("demo",)]


def test_a_wave_without_a_partition_yet_fails_with_the_reason_and_the_run_goes_on(lake, monkeypatch):
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, "runner-test-key-0123456789abcdef")
    write_wave(lake, "2021-Q1", *small_org())
    lines: list[str] = []
    results = run_pipeline(build_defs(lake.root), ["2099-Q1", "2021-Q1"], dg.DagsterInstance.ephemeral(), echo=lines.append)
    failed = [r for r in results if not r.success]
    assert [(r.wave, r.stage) for r in failed] == [("2099-Q1", "wave_job")]
    assert "could not start for wave 2099-Q1" in failed[0].error and "2099-01-01" in failed[0].error
    assert ("2021-Q1", "marts", True) in [(r.wave, r.stage, r.success) for r in results]
