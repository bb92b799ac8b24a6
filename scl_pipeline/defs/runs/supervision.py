"""Execute a run in this process under watch: show what a pool wait waits for, give up after a
timeout, and stop on Ctrl-C or SIGTERM whatever the run is doing.

Why a worker thread: while a step waits for a pool slot, Dagster 1.13's in-process execution loop
(``dagster/_core/execution/plan/execute_plan.py``, ``inner_plan_execution_iterator``) spins
without sleeping (``InstanceConcurrencyContext.interval_to_next_pending_claim_check`` returns
``min(0, ...)``, never a positive wait), and its ``capture_interrupts`` turns SIGINT and SIGTERM
into a flag that only step code checks: the waiting run ignores both. Dagster installs those
handlers only on the main thread, so the run executes on a worker thread and the main thread keeps
the signals, polls the instance's pool tables and decides. A run it stops is reported (failed or
canceled) and its slots are freed before the process exits: nothing is left for the next run.
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import dagster as dg

from scl_pipeline.defs.runs.recovery import end_run, pool_slots, process_tags
from scl_pipeline.lib.runs.pool_wait import PoolWait, timeout_message, wait_line, waits_of
from scl_pipeline.lib.runs.progress import progress_text

POLL_SECONDS = 0.5
SAY_EVERY_SECONDS = 60.0
MAX_FAILED_POLLS = 20
WORKER_STOP_SECONDS = 10.0


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived (a BaseException, like KeyboardInterrupt: nothing swallows it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class _Abandoned(BaseException):
    """Raised inside a worker whose run was given up while it waited for a pool slot."""


class RunStopped(Exception):
    """``scl`` stopped a run (signal or pool-wait timeout); the process must exit with ``exit_code``.
    The run's worker thread may still be inside Dagster: exit with ``os._exit``."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@contextmanager
def signals_interrupt() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Interrupted` in the main thread while inside."""

    def handler(signum: int, _frame: Any) -> None:
        raise Interrupted(signum)

    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def current_waits(instance: dg.DagsterInstance, run_id: str) -> list[PoolWait]:
    return waits_of(run_id, *pool_slots(instance))


class ProgressEcho:
    """Echoes the progress lines (lib/runs/progress.py) a run logs, as they arrive: the run's
    console log is silenced for the CLI, so long steps would otherwise say nothing until they end."""

    def __init__(self, instance: dg.DagsterInstance, run_id: str, echo: Callable[[str], None]) -> None:
        self.instance, self.run_id, self.echo = instance, run_id, echo
        self.cursor: str | None = None

    def poll(self) -> None:
        while True:
            connection = self.instance.get_records_for_run(self.run_id, cursor=self.cursor, limit=1000)
            self.cursor = connection.cursor
            for record in connection.records:
                entry = record.event_log_entry
                text = progress_text(entry.user_message) if entry.dagster_event is None else None
                if text is not None:
                    self.echo(f"  {text}")
            if not connection.has_more:
                return


def execute_supervised(
    job: dg.JobDefinition,
    instance: dg.DagsterInstance,
    *,
    pool_wait_timeout: float,
    echo: Callable[[str], None] = print,
    partition_key: str | None = None,
    run_config: Mapping[str, Any] | None = None,
    tags: Mapping[str, str] | None = None,
) -> dg.ExecuteInProcessResult:
    """``job.execute_in_process`` (errors not raised), tagged with this process, on a worker thread
    watched from here; the progress lines its steps log are echoed as they come. Raises :class:`RunStopped` after a pool wait longer than
    ``pool_wait_timeout`` seconds or on SIGINT/SIGTERM (see :func:`signals_interrupt`)."""
    run_id = str(uuid.uuid4())  # known before the run exists: the watch looks it up
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = job.execute_in_process(
                instance=instance, partition_key=partition_key, raise_on_error=False, run_config=run_config,
                run_id=run_id, tags={**(tags or {}), **process_tags(run_id)},
            )
        except BaseException as exc:  # handed to the caller's thread below
            outcome["error"] = exc

    # Read the pool tables once before the worker starts: the modules that query imports lazily
    # (SQLAlchemy's ORM) are then loaded here, not by both threads at once, which fails with a
    # "partially initialized module" error.
    current_waits(instance, run_id)
    worker = threading.Thread(target=work, name=f"run {run_id}", daemon=True)
    worker.start()
    progress = ProgressEcho(instance, run_id, echo)
    waiting_since: dict[tuple[str, str], float] = {}
    said: dict[tuple[str, str], float] = {}
    failed_polls = 0
    try:
        while True:
            worker.join(POLL_SECONDS)
            if not worker.is_alive():
                break
            now = time.monotonic()
            try:
                waits = {(w.pool, w.step_key): w for w in current_waits(instance, run_id)}
                progress.poll()
                failed_polls = 0
            except Exception:
                # The watch is advisory: a poll failing (e.g. the SQLite file busy) must not stop
                # a working run; only a watch that keeps failing does.
                failed_polls += 1
                if failed_polls >= MAX_FAILED_POLLS:
                    raise
                continue
            waiting_since = {k: waiting_since.get(k, now) for k in waits}
            for key, wait in waits.items():
                waited = now - waiting_since[key]
                if waited > pool_wait_timeout:
                    message = timeout_message(wait, pool_wait_timeout)
                    _end(instance, run_id, message, canceled=False)
                    _stop_waiting_worker(worker)
                    raise RunStopped(message, 1)
                if now - said.get(key, -SAY_EVERY_SECONDS) >= SAY_EVERY_SECONDS:
                    said[key] = now
                    echo(wait_line(wait, waited, pool_wait_timeout))
    except Interrupted as exc:
        name = signal.Signals(exc.signum).name
        _end(instance, run_id, f"Stopped by {name} sent to the scl process.", canceled=True)
        raise RunStopped(f"stopped by {name}: run {run_id} canceled, its pool slots freed", 128 + exc.signum) from None
    if "error" in outcome:
        raise outcome["error"]
    with contextlib.suppress(Exception):  # advisory, as above: the run has ended
        progress.poll()  # the lines logged since the last poll
    return outcome["result"]


def _stop_waiting_worker(worker: threading.Thread) -> None:
    """End a worker left in Dagster's slot-wait loop, which has no exit of its own: ``scl`` exits
    the process anyway, but a caller that goes on (a test, a library user) would keep a thread
    spinning at full CPU for good. No step is running while the run waits for a slot, so an
    exception raised there interrupts no write."""
    if worker.ident is None:
        return
    deadline = time.monotonic() + WORKER_STOP_SECONDS
    # Raised again until the thread ends: Dagster's own handlers on the way out may catch the
    # first one (seen once in the full suite under load: the thread still alive after the join).
    while worker.is_alive() and time.monotonic() < deadline:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident), ctypes.py_object(_Abandoned))
        worker.join(0.5)


def _end(instance: dg.DagsterInstance, run_id: str, message: str, canceled: bool) -> None:
    """Record the end of a run this process gives up on, and free what it holds."""
    end_run(instance, instance.get_run_by_id(run_id), run_id, message, canceled)
