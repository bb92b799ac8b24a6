"""Recovery and supervision against a real (SQLite) instance with pool ``duckdb`` of one slot."""

import multiprocessing
import os
import shutil
import signal
from functools import partial

import dagster as dg
import pytest

from scl_pipeline.defs.resources import DataLakeResource
from scl_pipeline.defs.runs.recovery import (
    PID_TAG, PROCESS_RUN_TAG, dead_run_recovery_sensor, process_tags, recover_dead_runs, run_locks,
)
from scl_pipeline.defs.runs.supervision import RunStopped, execute_supervised, signals_interrupt
from scl_pipeline.lib.lake import REPO_ROOT
from scl_pipeline.lib.runs.run_locks import gone_processes, hold_run_lock

POOL = "duckdb"


@pytest.fixture
def instance(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        instance.event_log_storage.initialize_concurrency_limit_to_default(POOL)  # 1, from dagster.yaml
        yield instance


def _run(instance, run_id: str, status: dg.DagsterRunStatus, tags: dict) -> dg.DagsterRun:
    return instance.add_run(dg.DagsterRun(job_name="wave_job", run_id=run_id, status=status,
                                          tags={"scl/wave": "2021-Q2", **tags}))


def _hold(instance, run_id: str, step: str = "wave_exports") -> None:
    status = instance.event_log_storage.claim_concurrency_slot(POOL, run_id, step)
    assert status.is_claimed


def _holders(instance) -> set[str]:
    info = instance.event_log_storage.get_concurrency_info(POOL)
    return {s.run_id for s in info.claimed_slots} | {p.run_id for p in info.pending_steps}


def _dead(instance, run_id: str) -> None:
    """Run ``run_id``'s process held its lock and is gone: the lock file is there, its lock free
    (a process killed for real: lib/runs/test_run_locks.py)."""
    hold_run_lock(run_locks(instance), run_id).close()


def _lock_files(instance) -> set[str]:
    folder = run_locks(instance)
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def test_a_dead_run_is_marked_failed_and_its_slot_freed_live_and_untagged_runs_are_left_alone(instance):
    instance.event_log_storage.set_concurrency_slots(POOL, 4)
    _run(instance, "dead", dg.DagsterRunStatus.STARTED, process_tags("dead"))
    _dead(instance, "dead")
    _run(instance, "alive", dg.DagsterRunStatus.STARTED, process_tags("alive"))
    alive = hold_run_lock(run_locks(instance), "alive")
    _run(instance, "untagged", dg.DagsterRunStatus.STARTED, {})
    # Re-executed from the dead run: its inherited tags name another run's process, and it has
    # no lock of its own yet.
    _run(instance, "reexecuted", dg.DagsterRunStatus.STARTED, process_tags("dead"))
    # A run that ended while its lock file stayed (its process died after recording the end).
    _run(instance, "finished", dg.DagsterRunStatus.SUCCESS, process_tags("finished"))
    _dead(instance, "finished")
    for run_id in ("dead", "alive", "untagged", "reexecuted"):
        _hold(instance, run_id)
    said = []
    lines = recover_dead_runs(instance, echo=said.append)
    assert said == lines == [
        f"recovered: run dead (wave_job 2021-Q2) marked failed, its process {os.getpid()} on {os.uname().nodename} "
        "is gone; freed its slot(s) in pool(s) duckdb"
    ]
    assert instance.get_run_by_id("dead").status == dg.DagsterRunStatus.FAILURE
    assert _holders(instance) == {"alive", "untagged", "reexecuted"}
    for run_id in ("alive", "untagged", "reexecuted"):
        assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.STARTED
    assert instance.get_run_by_id("finished").status == dg.DagsterRunStatus.SUCCESS
    assert _lock_files(instance) == {"alive.lock"}  # the dead processes' files are gone
    assert recover_dead_runs(instance, echo=said.append) == []  # nothing left to do
    alive.close()


def test_slots_of_runs_that_ended_or_were_deleted_are_freed(instance):
    _run(instance, "ended", dg.DagsterRunStatus.CANCELED, {})
    _hold(instance, "ended")
    assert recover_dead_runs(instance, echo=lambda _: None) == [
        "recovered: run ended has ended (canceled) but held slot(s) in pool(s) duckdb: freed"]
    _hold(instance, "deleted")
    assert recover_dead_runs(instance, echo=lambda _: None) == [
        "recovered: run deleted no longer exists but held slot(s) in pool(s) duckdb: freed"]
    assert _holders(instance) == set()


def test_the_sensor_recovers_while_the_ui_runs(instance):
    _run(instance, "dead", dg.DagsterRunStatus.STARTED, process_tags("dead"))
    _dead(instance, "dead")
    _hold(instance, "dead")
    result = dead_run_recovery_sensor(dg.build_sensor_context(instance=instance))
    assert isinstance(result, dg.SkipReason) and "recovered: run dead (wave_job 2021-Q2)" in result.skip_message
    assert _holders(instance) == set()
    again = dead_run_recovery_sensor(dg.build_sensor_context(instance=instance))
    assert again.skip_message == "no dead run holds anything"


@dg.asset(pool=POOL)
def warehouse_step(lake: DataLakeResource) -> int:
    return 1


def test_every_run_using_the_lake_resource_records_its_process(instance, tmp_path):
    # However the run was launched (here: neither by scl nor with tags), its process is on it.
    result = dg.materialize([warehouse_step], resources={"lake": DataLakeResource(root=str(tmp_path))}, instance=instance)
    tags = instance.get_run_by_id(result.run_id).tags
    assert tags[PID_TAG] == str(os.getpid()) and tags[PROCESS_RUN_TAG] == result.run_id
    # ... and its process holds the run's lock while it lives (here: the test's process).
    assert _lock_files(instance) == {f"{result.run_id}.lock"} and gone_processes(run_locks(instance)) == {}


def one_step_defs(root: str) -> dg.Definitions:
    """What the child process executing a supervised run builds (module level: it is pickled)."""
    return dg.Definitions(
        assets=[warehouse_step], resources={"lake": DataLakeResource(root=root)},
        jobs=[dg.define_asset_job("one_step", [warehouse_step])],
    )


def _supervised(instance, build, job_name: str, **kwargs):
    return execute_supervised(build().resolve_job_def(job_name), instance, rebuild=build, pool_wait_timeout=1.0, **kwargs)


def test_a_supervised_run_waiting_too_long_says_so_gives_up_and_frees_its_place_in_the_queue(instance, tmp_path):
    _run(instance, "holder", dg.DagsterRunStatus.STARTED, process_tags("holder"))  # alive: this process
    _hold(instance, "holder")
    said = []
    with pytest.raises(RunStopped) as stopped:
        _supervised(instance, partial(one_step_defs, str(tmp_path)), "one_step", echo=said.append)
    assert stopped.value.exit_code == 1
    assert str(stopped.value).startswith(
        "gave up after waiting 1s for a slot of pool 'duckdb' for step warehouse_step (held by run holder step wave_exports)")
    assert said and said[0].startswith("  waiting 0s for a slot of pool 'duckdb' for step warehouse_step (held by run holder")
    (run,) = [r for r in instance.get_runs() if r.run_id != "holder"]
    assert run.status == dg.DagsterRunStatus.FAILURE and run.tags[PID_TAG] == str(os.getpid())
    assert _holders(instance) == {"holder"} and _lock_files(instance) == set()
    # The child process left in Dagster's slot-wait loop has been killed, not left spinning.
    assert not [p for p in multiprocessing.active_children() if p.name == f"run {run.run_id}"]


def test_a_signal_stops_a_supervised_run_waiting_for_a_slot_and_cancels_it(instance, tmp_path):
    _run(instance, "holder", dg.DagsterRunStatus.STARTED, process_tags("holder"))
    _hold(instance, "holder")
    said = []

    def say_then_get_a_signal(line: str) -> None:  # SIGTERM once the run says it waits
        said.append(line)
        os.kill(os.getpid(), signal.SIGTERM)

    with signals_interrupt(), pytest.raises(RunStopped) as stopped:
        execute_supervised(one_step_defs(str(tmp_path)).resolve_job_def("one_step"), instance,
                           rebuild=partial(one_step_defs, str(tmp_path)), pool_wait_timeout=60.0, echo=say_then_get_a_signal)
    assert said and said[0].startswith("  waiting 0s for a slot of pool 'duckdb' for step warehouse_step")
    assert stopped.value.exit_code == 128 + signal.SIGTERM and str(stopped.value).startswith("stopped by SIGTERM: run ")
    (run,) = [r for r in instance.get_runs() if r.run_id != "holder"]
    assert run.status == dg.DagsterRunStatus.CANCELED
    assert not multiprocessing.active_children()
    assert _holders(instance) == {"holder"}  # its place in the queue freed, the live holder's slot kept


def test_a_supervised_run_with_a_free_slot_just_runs(instance, tmp_path):
    said = []
    result = _supervised(instance, partial(one_step_defs, str(tmp_path)), "one_step", echo=said.append, tags={"x": "y"})
    assert result.is_success and said == []
    tags = instance.get_run_by_id(result.run_id).tags
    assert tags["x"] == "y"
    # The run executed in a child process, which ended with it; the run names this process, which
    # supervised it (the child's own lake resource did not replace the tags).
    assert tags[PID_TAG] == str(os.getpid()) and tags[PROCESS_RUN_TAG] == result.run_id
    assert not multiprocessing.active_children()
    assert _holders(instance) == set()
    assert _lock_files(instance) == set()  # held by this process while the run ran, gone after


def test_a_run_that_cannot_start_raises_the_reason_from_the_child(instance, tmp_path):
    with pytest.raises(dg.DagsterError, match="2099"):
        _supervised(instance, one_quarter_defs, "one_quarter", partition_key="2099-01-01")


@dg.asset(partitions_def=dg.TimeWindowPartitionsDefinition(cron_schedule="0 0 1 */3 *", start="2021-01-01", fmt="%Y-%m-%d", end="2021-04-01"))
def quarterly_step() -> int:
    return 1


def one_quarter_defs() -> dg.Definitions:
    return dg.Definitions(assets=[quarterly_step], jobs=[dg.define_asset_job("one_quarter", [quarterly_step])])


def test_the_code_location_runs_the_recovery_sensor_by_default():
    from scl_pipeline_tests.helpers.dagster import project_defs

    sensor = project_defs().resolve_sensor_def("dead_run_recovery_sensor")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING and sensor.minimum_interval_seconds == 30


@dg.asset
def long_step(context: dg.AssetExecutionContext) -> None:
    from scl_pipeline.lib.runs.progress import throttled_progress

    report = throttled_progress(context.log.info, "counting", "items")
    for done in range(1, 5):
        report(done, 4)
    context.log.info("not a progress line")


def long_defs() -> dg.Definitions:
    return dg.Definitions(assets=[long_step], jobs=[dg.define_asset_job("long", [long_step])])


def test_a_supervised_run_echoes_its_progress_lines(instance):
    said = []
    result = _supervised(instance, long_defs, "long", echo=said.append)
    assert result.is_success
    assert said == [f"  counting: {d}/4 items ({d * 25}%)" for d in range(1, 5)]


@dg.asset(pool=POOL)
def dying_step() -> None:
    os._exit(3)  # as an out-of-memory kill would end the process: no exception, no event


def dying_defs() -> dg.Definitions:
    return dg.Definitions(assets=[dying_step], jobs=[dg.define_asset_job("dying", [dying_step])])


def test_a_run_whose_child_process_dies_is_marked_failed_with_the_exit_code_and_its_slot_freed(instance):
    from scl_pipeline.runner import failure_message

    run = _supervised(instance, dying_defs, "dying", echo=lambda _: None)
    assert run.status == dg.DagsterRunStatus.FAILURE
    assert failure_message(instance, run.run_id) == (
        "Marked failed by scl: its process ended (exit code 3) before the run did.")
    assert _holders(instance) == set()
