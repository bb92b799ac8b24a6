"""A killed ``scl run`` never blocks the next one (issue 15.1), and a run waiting for a pool slot
can be stopped and gives up on its own.

The CLI runs as separate processes on one ``DAGSTER_HOME`` (whose ``dagster.yaml`` gives pool
``duckdb`` one slot), held at a warehouse COMMIT by ``paused_cli`` while it holds that slot."""

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import dagster as dg
import pytest

from scl_pipeline.lib.lake import DataLake
from scl_pipeline_tests.e2e.test_cli_runs import ROOT, _env, _land, _wait_for

pytestmark = pytest.mark.slow

POOL = "duckdb"
# Held while storing the first wave's HR export: the wave's ingestion step holds the pool's slot.
PAUSE_AT_INGESTION = ("raw.hr_export", "wave = '2021-Q1'")


def _scl(tmp_path: Path, *args: str, paused: Path | None = None, extra_env: dict | None = None) -> subprocess.Popen:
    """``scl --lake ... run`` (held at the ingestion COMMIT when ``paused`` names a marker)."""
    module = ["scl_pipeline_tests.e2e.paused_cli", *PAUSE_AT_INGESTION, str(paused)] if paused else ["scl_pipeline.cli"]
    env = {**_env(tmp_path), "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    return subprocess.Popen(
        [sys.executable, "-m", *module, "--lake", str(tmp_path / "lake"), "run", *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


class _Lines:
    """Collects a process's stdout as it comes (to wait for a line without blocking)."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self._seen = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._thread.start()

    def _read(self, proc: subprocess.Popen) -> None:
        for line in proc.stdout:
            with self._seen:
                self.lines.append(line)
                self._seen.notify_all()
        with self._seen:
            self._seen.notify_all()

    def wait_for(self, text: str, timeout: float = 120.0) -> str:
        with self._seen:
            found = self._seen.wait_for(
                lambda: any(text in line for line in self.lines) or not self._thread.is_alive(), timeout)
        hits = [line for line in self.lines if text in line]
        assert found and hits, f"no line with {text!r} in {''.join(self.lines)}"
        return hits[0]

    def text(self) -> str:
        self._thread.join(timeout=30)
        return "".join(self.lines)


def _instance(tmp_path: Path) -> dg.DagsterInstance:
    return dg.DagsterInstance.from_config(str(tmp_path / "dagster_home"))


def _holders(instance: dg.DagsterInstance) -> list[tuple[str, str]]:
    return [(s.run_id, s.step_key) for s in instance.event_log_storage.get_concurrency_info(POOL).claimed_slots]


def _run_of(instance: dg.DagsterInstance, run_id: str) -> dg.DagsterRun:
    run = instance.get_run_by_id(run_id)
    assert run is not None
    return run


@pytest.fixture
def held_pool(tmp_path):
    """A live ``scl run`` paused in the first wave's ingestion, holding the pool's one slot."""
    _land(DataLake(tmp_path / "lake"), ["2021-Q1"])
    marker = tmp_path / "paused"
    holder = _scl(tmp_path, paused=marker)
    try:
        _wait_for(marker, holder, timeout=180)
        with _instance(tmp_path) as instance:
            ((run_id, step),) = _holders(instance)
        yield holder, run_id, step
    finally:
        holder.kill()
        holder.communicate(timeout=30)


def test_a_run_killed_holding_the_pool_is_recovered_by_the_next_run_which_completes(tmp_path, held_pool):
    holder, dead_run, step = held_pool
    os.kill(holder.pid, signal.SIGKILL)
    holder.communicate(timeout=30)
    with _instance(tmp_path) as instance:
        # What issue 15.1 saw: the dead run still "started", still holding the slot.
        assert _holders(instance) == [(dead_run, step)] and step == "wave_exports"
        assert _run_of(instance, dead_run).status == dg.DagsterRunStatus.STARTED

    second = _scl(tmp_path)
    out, err = second.communicate(timeout=600)
    assert second.returncode == 0, out + err
    recovered = [line for line in out.splitlines() if line.startswith("recovered:")]
    assert len(recovered) == 1, out
    assert f"run {dead_run} (wave_job 2021-Q1) marked failed" in recovered[0]
    assert f"process {holder.pid} on " in recovered[0] and "is gone" in recovered[0]
    assert f"pool(s) {POOL}" in recovered[0]
    assert "serving      ok" in out
    with _instance(tmp_path) as instance:
        assert _run_of(instance, dead_run).status == dg.DagsterRunStatus.FAILURE
        assert _holders(instance) == []
        assert instance.event_log_storage.get_concurrency_info(POOL).pending_steps == []
        runs = instance.get_runs(filters=dg.RunsFilter(tags={"scl/wave": "2021-Q1"}))
        assert [r.status for r in runs][0] == dg.DagsterRunStatus.SUCCESS  # the newest


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_run_waiting_for_a_slot_says_for_what_and_stops_on_a_signal(tmp_path, held_pool, signum):
    holder, holding_run, step = held_pool
    waiter = _scl(tmp_path)
    lines = _Lines(waiter)
    waiting = lines.wait_for("  waiting ")
    # The holder is alive: it is waited for, not recovered.
    assert f"slot of pool '{POOL}'" in waiting and f"held by run {holding_run} step {step}" in waiting
    assert "SCL_POOL_WAIT_TIMEOUT" in waiting
    waiter.send_signal(signum)
    code = waiter.wait(timeout=60)
    err = waiter.stderr.read()
    assert code == 128 + signum, lines.text() + err
    assert f"stopped by {signal.Signals(signum).name}" in err
    assert not any(line.startswith("recovered:") for line in lines.text().splitlines())
    with _instance(tmp_path) as instance:
        (run,) = instance.get_runs(filters=dg.RunsFilter(tags={"scl/pid": str(waiter.pid)}))
        assert run.status == dg.DagsterRunStatus.CANCELED
        pending = instance.event_log_storage.get_concurrency_info(POOL).pending_steps
        assert [p.run_id for p in pending if p.run_id == run.run_id] == []
        assert _holders(instance) == [(holding_run, step)]  # the live holder keeps its slot
        assert _run_of(instance, holding_run).status == dg.DagsterRunStatus.STARTED


def test_a_run_waiting_for_a_slot_gives_up_after_the_timeout_pointing_at_the_docs(tmp_path, held_pool):
    holder, holding_run, step = held_pool
    waiter = _scl(tmp_path, extra_env={"SCL_POOL_WAIT_TIMEOUT": "3"})
    out, err = waiter.communicate(timeout=180)
    assert waiter.returncode == 1, out + err
    assert "gave up after waiting 3s for a slot of pool 'duckdb'" in err
    assert f"held by run {holding_run} step {step}" in err and "docs/operations.md" in err
    with _instance(tmp_path) as instance:
        (run,) = instance.get_runs(filters=dg.RunsFilter(tags={"scl/pid": str(waiter.pid)}))
        assert run.status == dg.DagsterRunStatus.FAILURE
        assert _holders(instance) == [(holding_run, step)]
