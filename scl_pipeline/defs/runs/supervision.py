"""Execute a run in a child process under watch: show what a pool wait waits for, give up after a
timeout, and stop on Ctrl-C or SIGTERM whatever the run is doing.

Why a child process: while a step waits for a pool slot, Dagster's in-process execution loop does
not return and only step code reacts to SIGINT/SIGTERM, so a run executed in this process could
not be stopped while it waits. A child process can always be killed (``multiprocessing``'s
``forkserver``: children fork from a clean server process, never from this one). This process (the
parent) holds the run's lock (``defs/runs/recovery.py``), keeps the signals, polls the instance's
pool tables and the run's progress lines, and decides; a run it stops is killed, then reported
ended (failed, or canceled) and its pool slots freed through the instance, since Dagster frees
them only when the run's own process ends it. A killed child leaves no half-written table: every
warehouse write is one transaction.

An ephemeral instance lives in this process's memory (tests, benchmarks): no other process can
record a run in it, and its storage has no pools to wait for, so its runs execute in this process.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import dagster as dg

from scl_pipeline.defs.runs.recovery import end_run, pool_slots, process_tags, run_locks
from scl_pipeline.lib.runs.pool_wait import timeout_message, wait_line, waits_of
from scl_pipeline.lib.runs.progress import NOTE_FORMAT, progress_text
from scl_pipeline.lib.runs.run_locks import forget_run_lock, hold_run_lock

POLL_SECONDS, SAY_EVERY_SECONDS, MAX_FAILED_POLLS = 0.5, 60.0, 20


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived (a BaseException, like KeyboardInterrupt: nothing swallows it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class RunStopped(Exception):
    """``scl`` stopped a run (signal or pool-wait timeout); the process should exit with ``exit_code``."""

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


def execute_supervised(
    job: dg.JobDefinition,
    instance: dg.DagsterInstance,
    *,
    rebuild: Callable[[], dg.Definitions] | None = None,
    pool_wait_timeout: float,
    echo: Callable[[str], None] = print,
    partition_key: str | None = None,
    run_config: Mapping[str, Any] | None = None,
    tags: Mapping[str, str] | None = None,
) -> dg.DagsterRun:
    """Execute ``job`` (errors not raised) tagged with this process and return its run as the
    instance recorded it. With a persistent instance the run executes in a child process that
    calls ``rebuild`` (picklable, no arguments, e.g. ``functools.partial(build_defs, root)``) for
    the definitions holding ``job``, and the progress lines its steps log are echoed as they come.
    Raises :class:`RunStopped` after a pool wait longer than ``pool_wait_timeout`` seconds or on
    SIGINT/SIGTERM (inside :func:`signals_interrupt`), ``dg.DagsterError`` when the run cannot start."""
    run_id = str(uuid.uuid4())  # known before the run exists: the watch looks it up
    args = dict(run_id=run_id, partition_key=partition_key, run_config=run_config, tags={**(tags or {}), **process_tags(run_id)})
    if instance.is_ephemeral:
        job.execute_in_process(instance=instance, raise_on_error=False, **args)
        return instance.get_run_by_id(run_id)
    if rebuild is None:
        raise ValueError("a run recorded in a persistent instance executes in a child process: pass rebuild")
    # Each child forks from a server process that built the pipeline once (preload.py; a clean
    # process: no state of this one is copied), so a run starts in about a second.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["scl_pipeline.preload"])
    reasons, reasons_in = context.Pipe(duplex=False)
    child = context.Process(
        target=_child, args=(rebuild, job.name, instance.get_ref(), args, reasons_in, _process_state()),
        name=f"run {run_id}", daemon=True,
    )
    # This process holds the run's lock while the child runs: if it dies, so does the child, and
    # the next `scl run` (or the recovery sensor) finds the lock free (defs/runs/recovery.py).
    with hold_run_lock(run_locks(instance), run_id):
        child.start()
        reasons_in.close()
        try:
            _watch(child, instance, run_id, pool_wait_timeout, echo)
        except Interrupted as exc:
            name = signal.Signals(exc.signum).name
            stopped = f"stopped by {name}: run {run_id} canceled, its pool slots freed"
            _stop(child, instance, run_id, f"Stopped by {name} sent to the scl process.", RunStopped(stopped, 128 + exc.signum))
        except Exception:  # a RunStopped (its child killed already), or the watch failed:
            child.kill()  # no run goes on unwatched (the next `scl run` recovers it)
            raise
        try:
            reason = reasons.recv() if reasons.poll() else None
        except EOFError:  # the child ended without a word: the run started (or the child died)
            reason = None
        run = instance.get_run_by_id(run_id)
        if reason is None and (run is None or not run.is_finished):  # the child died (out of memory, killed)
            end_run(instance, run, run_id, f"Marked failed by scl: its process ended (exit code {child.exitcode}) before the run did.")
            run = instance.get_run_by_id(run_id)
        forget_run_lock(run_locks(instance), run_id)  # the run is recorded as ended, or never started
    if run is None or reason is not None:
        raise dg.DagsterError(reason or f"{job.name}: its process ended (exit code {child.exitcode}) before the run started")
    return run


def _watch(child: Any, instance: dg.DagsterInstance, run_id: str, timeout: float, echo: Callable[[str], None]) -> None:
    """Until the child ends: echo its progress lines, say what a pool wait waits for, and stop
    the run once a wait passes ``timeout`` seconds."""
    cursor: list[str | None] = [None]
    waiting_since: dict[tuple[str, str], float] = {}
    said: dict[tuple[str, str], float] = {}
    failed_polls = 0
    while True:
        child.join(POLL_SECONDS)
        if failed_polls and not child.is_alive():
            return
        try:
            _echo_progress(instance, run_id, cursor, echo)
            waits = {(w.pool, w.step_key): w for w in waits_of(run_id, *pool_slots(instance))}
            failed_polls = 0
        except Exception:
            # The watch is advisory: a poll failing (e.g. the SQLite file busy) must not stop a
            # working run; only a watch that keeps failing does.
            failed_polls += 1
            if failed_polls >= MAX_FAILED_POLLS:
                raise
            continue
        if not child.is_alive():
            return
        now = time.monotonic()
        waiting_since = {k: waiting_since.get(k, now) for k in waits}
        for key, wait in waits.items():
            waited = now - waiting_since[key]
            if waited > timeout:
                message = timeout_message(wait, timeout)
                _stop(child, instance, run_id, message, RunStopped(message, 1), canceled=False)
            if now - said.get(key, -SAY_EVERY_SECONDS) >= SAY_EVERY_SECONDS:
                said[key] = now
                echo(wait_line(wait, waited, timeout))


def _echo_progress(instance: dg.DagsterInstance, run_id: str, cursor: list[str | None], echo: Callable[[str], None]) -> None:
    """Echo the progress lines (lib/runs/progress.py) logged since ``cursor``: the run's console log
    is silenced for the CLI, so long steps would otherwise say nothing until they end."""
    while True:
        page = instance.get_records_for_run(run_id, cursor=cursor[0], limit=1000)
        cursor[0] = page.cursor
        for record in page.records:
            entry = record.event_log_entry
            text = progress_text(entry.user_message) if entry.dagster_event is None else None
            if text is not None:
                echo(f"  {text}")
        if not page.has_more:
            return


def _stop(child: Any, instance: dg.DagsterInstance, run_id: str, message: str, stop: RunStopped, canceled: bool = True) -> None:
    """Kill the child, record the end of its run, free what it holds, and raise ``stop``."""
    child.kill()
    child.join()
    end_run(instance, instance.get_run_by_id(run_id), run_id, message, canceled)
    forget_run_lock(run_locks(instance), run_id)
    raise stop


def _process_state() -> tuple[dict[str, str], int, str]:
    """This process's environment, umask and working folder: the server a child forks from was
    started earlier, maybe with others (the pseudonym key, the private umask of ``scl``)."""
    umask = os.umask(0o077)
    os.umask(umask)
    return dict(os.environ), umask, os.getcwd()


def _child(
    rebuild: Callable[[], dg.Definitions], job_name: str, ref: Any, args: dict, reasons: Any,
    state: tuple[dict[str, str], int, str],
) -> None:
    """The child process: execute the run; a run that cannot start sends its reason back."""
    environ, umask, cwd = state
    os.environ.clear()
    os.environ.update(environ)
    os.umask(umask)
    os.chdir(cwd)
    os.setpgrp()  # a Ctrl-C in the terminal reaches the parent alone: the parent decides
    # Never outlive the parent (killed with SIGKILL, it cannot kill this process): the parent's end
    # closes the pipe behind ``parent_process().sentinel``.
    threading.Thread(target=lambda: (multiprocessing.parent_process().join(), os._exit(1)), daemon=True).start()
    logging.basicConfig(level=logging.WARNING, format=NOTE_FORMAT)
    with dg.DagsterInstance.from_ref(ref) as instance:
        try:
            rebuild().resolve_job_def(job_name).execute_in_process(instance=instance, raise_on_error=False, **args)
        except dg.DagsterError as exc:
            reasons.send(str(exc))
