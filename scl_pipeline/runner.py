"""Run the pipeline from a terminal: the same jobs the UI, the schedule and the sensor run.

``program_job`` (roster, experiments), then ``wave_job`` once per wave partition, then
``cross_wave_job`` (cross-wave marts, ``serving/bi_copy``, the program report), then
``wave_report_job`` once per wave that loaded (its report reads the cross-wave marts), each executed in the Dagster
instance given (``DAGSTER_HOME``), so every run made here is in the UI's run history. After each
run, one line per stage (an asset group: ingestion, staging, network, marts, serving, reports) with its
seconds and row counts, read from the run's events. A failed wave stops at its failed step (the
steps downstream of it do not run); the next wave still runs. Each run executes under
``defs/runs/supervision``: tagged with this process (so a run left behind by a killed process is
recognised), its pool waits shown and bounded, Ctrl-C and SIGTERM obeyed. A job whose inputs (landing
files, settings, code, upstream materializations) did not change since its last successful run is
not run: its line says "unchanged, skipped" (``defs/runs/incremental.py``; ``force`` runs it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import dagster as dg

from scl_pipeline.defs.jobs import cross_wave_job, program_job, wave_job, wave_report_job
from scl_pipeline.defs.runs.incremental import INPUTS_TAG, fingerprint, outputs_present, unchanged_since_last_run
from scl_pipeline.defs.runs.supervision import execute_supervised
from scl_pipeline.lib.runs.pool_wait import DEFAULT_POOL_WAIT_TIMEOUT
from scl_pipeline.lib.waves import wave_to_partition_key

Printer = Callable[[str], None]
# The runner prints its own progress; Dagster's event log stays in the instance.
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass
class StageResult:
    wave: str | None
    stage: str
    success: bool
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    run_id: str | None = None  # None when the run could not start (or was skipped)
    skipped: bool = False  # its inputs had not changed since its last successful run


def run_pipeline(
    defs: dg.Definitions,
    waves: list[str],
    instance: dg.DagsterInstance,
    echo: Printer = print,
    pool_wait_timeout: float = DEFAULT_POOL_WAIT_TIMEOUT,
    force: bool = False,
) -> list[StageResult]:
    """Run the program inputs, every wave of ``waves``, the cross-wave assets and the waves'
    reports with ``defs`` (built for the data lake to use); returns every stage's outcome. A job
    whose inputs did not change since its last successful run is skipped (``defs/runs/incremental.py``),
    unless ``force``. A run waiting longer than ``pool_wait_timeout`` seconds for a pool slot, or
    a signal, raises ``RunStopped``."""
    groups = _group_of_step(defs)
    lake = defs.resources["lake"].lake
    results: list[StageResult] = []

    def run(job: dg.UnresolvedAssetJobDefinition, wave: str | None) -> None:
        started = time.monotonic()
        inputs = fingerprint(defs, instance, lake, job.name, wave)
        if not force and unchanged_since_last_run(instance, job.name, wave, inputs) and outputs_present(lake, job.name, wave):
            outcomes = [StageResult(wave, job.name, True, time.monotonic() - started, skipped=True)]
        else:
            outcomes = run_job(defs, job.name, wave, instance, groups, echo, pool_wait_timeout, {INPUTS_TAG: inputs.digest})
        results.extend(outcomes)
        for outcome in outcomes:
            echo(format_stage(outcome))

    run(program_job, None)
    loaded = []
    for index, wave in enumerate(waves, start=1):
        echo(f"wave {wave} ({index}/{len(waves)})")
        before = len(results)
        run(wave_job, wave)
        if all(r.success for r in results[before:]):
            loaded.append(wave)
    run(cross_wave_job, None)
    # A wave's report reads the cross-wave marts too: drawn last, for the waves that loaded.
    for index, wave in enumerate(loaded, start=1):
        echo(f"report {wave} ({index}/{len(loaded)})")
        run(wave_report_job, wave)
    return results


def run_job(
    defs: dg.Definitions,
    job_name: str,
    wave: str | None,
    instance: dg.DagsterInstance,
    groups: dict[str, str],
    echo: Printer = print,
    pool_wait_timeout: float = DEFAULT_POOL_WAIT_TIMEOUT,
    tags: dict[str, str] | None = None,
) -> list[StageResult]:
    """Execute one job (for ``wave``'s partition, if given) with ``tags`` and summarise it by stage."""
    started = time.monotonic()
    try:
        result = execute_supervised(
            defs.resolve_job_def(job_name),
            instance,
            pool_wait_timeout=pool_wait_timeout,
            echo=echo,
            partition_key=wave_to_partition_key(wave) if wave else None,
            run_config=QUIET,
            tags={"scl/trigger": "cli", **({"scl/wave": wave} if wave else {}), **(tags or {})},
        )
    except dg.DagsterError as exc:
        # A run that cannot start, e.g. a wave whose quarter has no partition yet.
        reason = f"{job_name} could not start{f' for wave {wave}' if wave else ''}: {exc}"
        return [StageResult(wave, job_name, False, time.monotonic() - started, error=reason)]
    outcomes = stage_results(result, instance, groups, wave)
    if not result.success and all(o.success for o in outcomes):
        outcomes.append(StageResult(wave, job_name, False, time.monotonic() - started, error=failure_message(result)))
    for outcome in outcomes:
        outcome.run_id = result.run_id
    return outcomes


def _group_of_step(defs: dg.Definitions) -> dict[str, str]:
    """Step key (the op computing the assets) -> their asset group."""
    graph = defs.resolve_asset_graph()
    return {graph.get(k).assets_def.node_def.name: graph.get(k).group_name for k in graph.materializable_asset_keys}


def stage_results(
    result: dg.ExecuteInProcessResult, instance: dg.DagsterInstance, groups: dict[str, str], wave: str | None
) -> list[StageResult]:
    """One result per asset group the run started a step of, in the order the groups started."""
    starts: dict[str, float] = {}
    stages: dict[str, StageResult] = {}
    for entry in instance.all_logs(result.run_id):
        event = entry.dagster_event
        if event is None or event.step_key is None:
            continue
        stage = groups.get(event.step_key, event.step_key)
        if event.event_type_value == "STEP_START":
            # A stage is listed when its first step starts (planning events come before, unordered).
            starts[event.step_key] = entry.timestamp
            stages.setdefault(stage, StageResult(wave, stage, True, 0.0))
            continue
        outcome = stages.get(stage)
        if outcome is None:
            continue
        if event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
            outcome.seconds += entry.timestamp - starts.get(event.step_key, entry.timestamp)
            if event.event_type_value == "STEP_FAILURE":
                outcome.success = False
                outcome.error = outcome.error or _step_failure(event)
        elif event.event_type_value == "ASSET_MATERIALIZATION":
            materialization = event.event_specific_data.materialization
            count = materialization.metadata.get("dagster/row_count")
            if count is not None:
                outcome.rows[materialization.asset_key.to_user_string()] = int(count.value)
    return list(stages.values())


def _step_failure(event: dg.DagsterEvent) -> str:
    """A failed step in one line: its Failure description, or the error it raised."""
    data = event.step_failure_data
    if data is None or data.error is None:
        return "step failed"
    description = getattr(data, "user_failure_data", None)
    if description is not None and description.description:
        return description.description
    user = data.error.cause or data.error
    return f"{user.cls_name}: {user.message.strip()}"


def failure_message(result: dg.ExecuteInProcessResult) -> str:
    """Why the run failed, in one line (its first failed step, else its failed checks)."""
    for event in result.all_events:
        if event.is_step_failure:
            return _step_failure(event)
    failed_checks = [
        f"{c.asset_key.to_user_string()}:{c.check_name}" for c in result.get_asset_check_evaluations() if not c.passed
    ]
    return "failed checks: " + ", ".join(failed_checks) if failed_checks else "run failed"


def format_stage(outcome: StageResult) -> str:
    place = "  " if outcome.wave else ""
    if outcome.skipped:
        return f"{place}{outcome.stage:<12} unchanged, skipped ({outcome.seconds:.1f}s to check its inputs)"
    status = "ok" if outcome.success else "FAILED"
    rows = ", ".join(f"{table} {count:,}" for table, count in outcome.rows.items())
    line = f"{place}{outcome.stage:<12} {status:<6} {outcome.seconds:6.1f}s  {rows}"
    return line + (f"\n{place}    -> {outcome.error}" if outcome.error else "")
