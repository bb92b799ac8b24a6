"""Mark runs whose process died as failed and free the concurrency slots they held.

Dagster frees a run's pool slots when the run ends; a run killed with ``kill -9`` never ends, so
its slot in pool ``duckdb`` (limit 1) stays claimed and every later warehouse step waits for it.
The process running a run holds the run's lock (``lib/runs/run_locks.py``) under the Dagster
home: a free lock is a dead process. ``scl run``/``scl demo`` call :func:`recover_dead_runs`
before their first run; ``dead_run_recovery_sensor`` does the same every 30 s while the UI's
daemon runs.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import IO

import dagster as dg

from scl_pipeline.lib.runs.pool_wait import Slot
from scl_pipeline.lib.runs.run_locks import (
    forget_run_lock, gone_processes, hold_run_lock, lock_folder, orphan_line, recovery_line,
)
from scl_pipeline.lib.waves import partition_key_to_wave

# Which process runs a run, for the UI (the lock says whether it lives). A re-executed run
# inherits its parent's tags: PROCESS_RUN_TAG tells its own from inherited ones.
PID_TAG, HOST_TAG, PROCESS_RUN_TAG = "scl/pid", "scl/host", "scl/process_run"
_HELD: dict[str, IO[str]] = {}  # the locks this process holds for runs it executes (resource setup)


def process_tags(run_id: str) -> dict[str, str]:
    """Tags saying that this process runs run ``run_id``."""
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname(), PROCESS_RUN_TAG: run_id}


def run_locks(instance: dg.DagsterInstance) -> Path:
    """This host's run locks of ``instance`` (persistent: ephemeral ones live in one process)."""
    return lock_folder(Path(instance.root_directory))


def tag_run_with_process(instance: dg.DagsterInstance, run_id: str) -> None:
    """Record on the run that this process executes it, and hold its lock until this process
    ends (a UI run's process ends with the run), unless a process is already recorded for it:
    ``scl`` holds the lock of the runs its child processes execute (they end when it does)."""
    run = instance.get_run_by_id(run_id)
    if run is None or run.tags.get(PROCESS_RUN_TAG) == run_id:
        return
    instance.add_run_tags(run_id, process_tags(run_id))
    # A Dagster home this process cannot write costs the run its recovery, never the run itself.
    with suppress(OSError):
        if not instance.is_ephemeral:
            _HELD[run_id] = hold_run_lock(run_locks(instance), run_id)


def pool_slots(instance: dg.DagsterInstance) -> tuple[list[Slot], list[Slot], list[Slot]]:
    """Every pool's (pending steps, pending steps already given a slot, claimed slots)."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return [], [], []
    pending, assigned, claimed = [], [], []
    for pool, info in storage.get_concurrency_infos(sorted(storage.get_concurrency_keys())).items():
        for step in info.pending_steps:
            pending.append(Slot(pool, step.run_id, step.step_key))
            if step.assigned_timestamp is not None:
                assigned.append(Slot(pool, step.run_id, step.step_key))
        claimed.extend(Slot(pool, c.run_id, c.step_key) for c in info.claimed_slots)
    return pending, assigned, claimed


def _label(run: dg.DagsterRun) -> str:
    key = run.tags.get("dagster/partition")  # a run launched in the UI has no scl/wave tag
    partition = run.tags.get("scl/wave") or (partition_key_to_wave(key) if key else None)
    return f"{run.job_name} {partition}" if partition else run.job_name


def end_run(instance: dg.DagsterInstance, run: dg.DagsterRun | None, run_id: str, message: str, canceled: bool = False) -> None:
    """Record that run ``run_id`` ended (failed, or ``canceled``) unless it already has, and free
    the pool slots it holds: Dagster 1.13 frees them only when the run's own process ends it."""
    if run is not None and not run.is_finished:
        if canceled:
            instance.report_run_canceled(run, message)
        else:
            instance.report_run_failed(run, message)
    if instance.event_log_storage.supports_global_concurrency_limits:
        instance.event_log_storage.free_concurrency_slots_for_run(run_id)


def recover_dead_runs(instance: dg.DagsterInstance, echo: Callable[[str], None] = print) -> list[str]:
    """Mark failed every active run whose process's lock is free and free its slots; free the
    slots still held by runs that ended or were deleted. Says what it did, one line each."""
    lines = []
    pending, _, claimed = pool_slots(instance)
    pools_of: dict[str, set[str]] = {}
    for slot in [*pending, *claimed]:
        pools_of.setdefault(slot.run_id, set()).add(slot.pool)
    folder = run_locks(instance)
    for run_id, pid in gone_processes(folder).items():
        run = instance.get_run_by_id(run_id)
        if run is not None and not run.is_finished:
            reason = f"its process {pid} on {socket.gethostname()} is gone"
            end_run(instance, run, run_id, f"Marked failed by scl: {reason} (killed, or the machine stopped) before the run ended.")
            lines.append(recovery_line(run_id, _label(run), reason, pools_of.pop(run_id, ())))
        forget_run_lock(folder, run_id)

    # A run that ended (or was deleted) holds nothing by definition; Dagster's own clean-up of
    # such slots needs run_monitoring in the daemon, which `scl run` does not have.
    for run_id, pools in sorted(pools_of.items()):
        run = instance.get_run_by_id(run_id)
        if run is not None and not run.is_finished:
            continue
        end_run(instance, run, run_id, "")
        lines.append(orphan_line(run_id, run.status.value if run else None, pools))
    for line in lines:
        echo(line)
    return lines


@dg.sensor(
    name="dead_run_recovery_sensor",
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Every 30 s, while the UI's daemon runs: marks failed the runs whose process is gone (every run "
    "using the `lake` resource holds a lock while its process lives) and frees the concurrency-pool slots they, "
    "or runs that ended, still hold.",
)
def dead_run_recovery_sensor(context: dg.SensorEvaluationContext):
    lines = recover_dead_runs(context.instance, echo=context.log.info)
    return dg.SkipReason("; ".join(lines) if lines else "no dead run holds anything")
