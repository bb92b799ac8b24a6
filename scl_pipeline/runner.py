"""Run the pipeline from a terminal: the same jobs the UI, the schedule and the sensor run.

In the job order of ``defs/jobs.py``: ``program_job`` (roster, experiments), then ``wave_job``
once per wave partition, then ``cross_wave_job`` (cross-wave marts, ``serving/bi_copy``, the
program report), then ``wave_report_job`` once per wave that loaded (its report reads the
cross-wave marts), each executed in the Dagster instance given (``DAGSTER_HOME``), so every run
made here is in the UI's run history. After each run, one line per stage (an asset group:
ingestion, staging, network, marts, serving, reports) with its seconds and row counts, read from
the run's events (:func:`run_steps`, which the benchmarks read too). A failed wave stops at its
failed step (the steps downstream of it do not run); the next wave still runs. Each run executes
under ``defs/runs/supervision`` (in a child process when the instance is persistent): its lock
held by this process (so a run left behind by a killed process is recognised), its pool waits
shown and bounded, Ctrl-C and SIGTERM obeyed. A job whose inputs (landing files, settings, code, upstream
materializations) did not change since its last successful run is not run: its line says
"unchanged, skipped" (``defs/runs/incremental.py``; ``force`` runs it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import dagster as dg

from scl_pipeline.defs.jobs import JOB_ORDER
from scl_pipeline.defs.runs.incremental import INPUTS_TAG, fingerprint, up_to_date
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
    rebuild: Callable[[], dg.Definitions] | None = None,
) -> list[StageResult]:
    """Run the program inputs, every wave of ``waves``, the cross-wave assets and the waves'
    reports with ``defs`` (built for the data lake to use); returns every stage's outcome. A job
    whose inputs did not change since its last successful run is skipped (``defs/runs/incremental.py``),
    unless ``force``. With a persistent instance each run executes in a child process that gets
    ``defs`` from ``rebuild`` (``execute_supervised``). A run waiting longer than
    ``pool_wait_timeout`` seconds for a pool slot, or a signal, raises ``RunStopped``."""
    groups = _group_of_step(defs)
    lake = defs.resources["lake"].lake
    results: list[StageResult] = []

    def run(job: dg.UnresolvedAssetJobDefinition, wave: str | None) -> None:
        started = time.monotonic()
        inputs = fingerprint(defs, instance, lake, job.name, wave)
        if not force and up_to_date(instance, lake, job.name, wave, inputs):
            outcomes = [StageResult(wave, job.name, True, time.monotonic() - started, skipped=True)]
        else:
            outcomes = run_job(
                defs, job.name, wave, instance, groups, echo, pool_wait_timeout, {INPUTS_TAG: inputs.digest}, rebuild
            )
        results.extend(outcomes)
        for outcome in outcomes:
            echo(format_stage(outcome))

    program, per_wave, cross_wave, per_loaded_wave = JOB_ORDER
    run(program, None)
    loaded = []
    for index, wave in enumerate(waves, start=1):
        echo(f"wave {wave} ({index}/{len(waves)})")
        before = len(results)
        run(per_wave, wave)
        if all(r.success for r in results[before:]):
            loaded.append(wave)
    run(cross_wave, None)
    # A wave's report reads the cross-wave marts too: drawn last, for the waves that loaded.
    for index, wave in enumerate(loaded, start=1):
        echo(f"report {wave} ({index}/{len(loaded)})")
        run(per_loaded_wave, wave)
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
    rebuild: Callable[[], dg.Definitions] | None = None,
) -> list[StageResult]:
    """Execute one job (for ``wave``'s partition, if given) with ``tags`` and summarise it by stage."""
    started = time.monotonic()
    try:
        run = execute_supervised(
            defs.resolve_job_def(job_name),
            instance,
            rebuild=rebuild,
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
    outcomes = stage_results(run_steps(instance, run.run_id, groups), wave)
    if not run.is_success and all(o.success for o in outcomes):
        outcomes.append(StageResult(wave, job_name, False, time.monotonic() - started, error=failure_message(instance, run.run_id)))
    for outcome in outcomes:
        outcome.run_id = run.run_id
    return outcomes


def _group_of_step(defs: dg.Definitions) -> dict[str, str]:
    """Step key (the op computing the assets) -> their asset group."""
    graph = defs.resolve_asset_graph()
    return {graph.get(k).assets_def.node_def.name: graph.get(k).group_name for k in graph.materializable_asset_keys}


@dataclass
class Step:
    """A step of a run, from its event log: its stage (asset group), when it started and ended
    (wall clock), whether it succeeded (and why not), and the row counts of what it materialized."""

    key: str
    stage: str
    start: float
    end: float
    ok: bool = True
    error: str | None = None
    rows: dict[str, int] = field(default_factory=dict)


def run_steps(instance: dg.DagsterInstance, run_id: str, groups: dict[str, str]) -> list[Step]:
    """The run's steps in the order they started (planning events come before, unordered)."""
    steps: dict[str, Step] = {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or event.step_key is None:
            continue
        kind, step = event.event_type_value, steps.get(event.step_key)
        if kind == "STEP_START":
            steps[event.step_key] = Step(event.step_key, groups.get(event.step_key, event.step_key), entry.timestamp, entry.timestamp)
        elif step is None:
            continue
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE"):
            step.end, step.ok = entry.timestamp, kind == "STEP_SUCCESS"
            step.error = None if step.ok else _step_failure(event)
        elif kind == "ASSET_MATERIALIZATION":
            materialization = event.event_specific_data.materialization
            count = materialization.metadata.get("dagster/row_count")
            if count is not None:
                step.rows[materialization.asset_key.to_user_string()] = int(count.value)
    return list(steps.values())


def stage_results(steps: list[Step], wave: str | None) -> list[StageResult]:
    """One result per asset group the run started a step of, in the order the groups started."""
    stages: dict[str, StageResult] = {}
    for step in steps:
        outcome = stages.setdefault(step.stage, StageResult(wave, step.stage, True, 0.0))
        outcome.seconds += step.end - step.start
        outcome.rows.update(step.rows)
        if not step.ok:
            outcome.success = False
            outcome.error = outcome.error or step.error
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


def failure_message(instance: dg.DagsterInstance, run_id: str) -> str:
    """Why the run failed, in one line: its first failed step, else its failed checks, else what
    ended it (e.g. its process died)."""
    events = [e.dagster_event for e in instance.all_logs(run_id) if e.dagster_event is not None]
    for event in events:
        if event.is_step_failure:
            return _step_failure(event)
    failed_checks = [
        f"{c.asset_key.to_user_string()}:{c.check_name}"
        for e in events if e.event_type_value == "ASSET_CHECK_EVALUATION" and not (c := e.event_specific_data).passed
    ]
    if failed_checks:
        return "failed checks: " + ", ".join(failed_checks)
    ended = [e.message for e in events if e.event_type_value in ("PIPELINE_FAILURE", "PIPELINE_CANCELED") and e.message]
    return ended[-1] if ended else "run failed"


def format_stage(outcome: StageResult) -> str:
    place = "  " if outcome.wave else ""
    if outcome.skipped:
        return f"{place}{outcome.stage:<12} unchanged, skipped ({outcome.seconds:.1f}s to check its inputs)"
    status = "ok" if outcome.success else "FAILED"
    rows = ", ".join(f"{table} {count:,}" for table, count in outcome.rows.items())
    line = f"{place}{outcome.stage:<12} {status:<6} {outcome.seconds:6.1f}s  {rows}"
    return line + (f"\n{place}    -> {outcome.error}" if outcome.error else "")
