"""Issue 22 §3: ``scl run`` skips a job whose inputs did not change since its last successful run,
and recomputes what a changed landing file, a changed setting or ``--force`` touches."""

import dagster as dg
import pandas as pd

from scl_pipeline.definitions import build_defs
from scl_pipeline.defs.runs.incremental import INPUTS_TAG
from scl_pipeline.lib.serving.pseudonyms import PSEUDONYM_KEY_ENV
from scl_pipeline.lib.waves import wave_to_partition_key
from scl_pipeline.runner import run_pipeline
from scl_pipeline_tests.helpers.landing import small_org, write_wave

WAVES = ["2021-Q1", "2021-Q2"]


def _run(lake, instance, settings=None, force=False):
    lines: list[str] = []
    results = run_pipeline(build_defs(lake.root, settings=settings), WAVES, instance, echo=lines.append, force=force)
    assert all(r.success for r in results), [(r.wave, r.stage, r.error) for r in results if not r.success]
    skipped = {(r.wave, r.stage) for r in results if r.skipped}
    ran = {(r.wave, r.stage) for r in results if not r.skipped and r.run_id}
    jobs = {(r.wave, r.stage) for r in results if r.skipped} | {
        (r.wave, j) for r in results if not r.skipped and r.run_id
        for j in [instance.get_run_by_id(r.run_id).job_name]
    }
    return skipped, {(w, j) for w, j in jobs if (w, j) not in skipped}, lines, ran


EVERY_JOB = {(None, "program_job"), ("2021-Q1", "wave_job"), ("2021-Q2", "wave_job"), (None, "cross_wave_job"),
             ("2021-Q1", "wave_report_job"), ("2021-Q2", "wave_report_job")}


def test_unchanged_jobs_are_skipped_and_changed_inputs_recomputed(lake, monkeypatch):
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, "incremental-test-key-0123456789abcdef")
    hr, survey = small_org()
    for wave in WAVES:
        write_wave(lake, wave, hr, survey)
    instance = dg.DagsterInstance.ephemeral()

    skipped, ran, _, _ = _run(lake, instance)
    assert skipped == set() and ran == EVERY_JOB
    runs = len(instance.get_run_records())
    tagged = instance.get_runs(filters=dg.RunsFilter(job_name="wave_job"), limit=1)[0]
    assert len(tagged.tags[INPUTS_TAG]) == 24  # the UI shows each run's inputs digest

    # Nothing changed: every job is skipped, no run is launched, and the CLI line says so.
    skipped, ran, lines, _ = _run(lake, instance)
    assert skipped == EVERY_JOB and ran == set()
    assert len(instance.get_run_records()) == runs
    assert "  wave_job     unchanged, skipped" in "\n".join(lines)

    # A changed survey of the second wave: that wave, then what reads every wave, and the reports.
    changed = survey.copy()
    changed.loc[changed.index[0], "strength"] = 3
    write_wave(lake, "2021-Q2", hr, changed)
    skipped, ran, _, _ = _run(lake, instance)
    assert skipped == {(None, "program_job"), ("2021-Q1", "wave_job")}
    assert ran == EVERY_JOB - skipped

    # A changed setting recomputes the jobs whose assets use it (roles: the waves and after).
    skipped, ran, _, _ = _run(lake, instance, settings={"roles": {"percentile": 80.0}})
    assert skipped == {(None, "program_job")} and ran == EVERY_JOB - skipped
    skipped, ran, _, _ = _run(lake, instance, settings={"roles": {"percentile": 80.0}})
    assert ran == set()

    # A wave re-materialised outside `scl run` (the UI, a backfill, maybe with other settings) is
    # not taken for up to date: its latest run carries no inputs digest.
    defs = build_defs(lake.root, settings={"roles": {"percentile": 80.0}})
    defs.resolve_job_def("wave_job").execute_in_process(instance=instance, partition_key=wave_to_partition_key("2021-Q1"))
    skipped, ran, _, _ = _run(lake, instance, settings={"roles": {"percentile": 80.0}})
    assert ("2021-Q1", "wave_job") in ran and ("2021-Q2", "wave_job") in skipped

    # --force recomputes everything.
    skipped, ran, _, _ = _run(lake, instance, force=True)
    assert skipped == set() and ran == EVERY_JOB


def test_a_deleted_warehouse_is_not_taken_for_up_to_date(lake, monkeypatch):
    import shutil

    monkeypatch.setenv(PSEUDONYM_KEY_ENV, "incremental-test-key-0123456789abcdef")
    write_wave(lake, "2021-Q1", *small_org())
    instance = dg.DagsterInstance.ephemeral()
    run_pipeline(build_defs(lake.root), ["2021-Q1"], instance, echo=lambda _: None)
    shutil.rmtree(lake.warehouse_path.parent)
    results = run_pipeline(build_defs(lake.root), ["2021-Q1"], instance, echo=lambda _: None)
    assert not any(r.skipped for r in results) and all(r.success for r in results)
    assert pd.notna(results[0].run_id)
