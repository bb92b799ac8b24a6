"""Which runs died without saying so: the process running a run holds a lock named after the run.

A run killed with ``kill -9`` (or by a power cut) never records its end: it stays "started" and
keeps the concurrency slots its steps held, so every later run waits for a slot nobody will free.
So the process that executes a run (or, for ``scl``, supervises it) holds an exclusive ``flock``
on ``<folder>/<run id>.lock`` while it lives. The kernel releases the lock when the process dies,
however it dies: a lock file whose lock is free belongs to a dead process. No pid can be reused
against it and no process table is read. The folder is per host (:func:`lock_folder`), so a run of
another machine sharing the Dagster home has no lock file here. A run without a lock file here
(another host's, an older one, a re-executed run whose process has not started: it inherits its
parent's tags, never a lock) is never declared dead.
"""

from __future__ import annotations

import fcntl
import os
import socket
from collections.abc import Iterable
from pathlib import Path
from typing import IO

LOCKS_FOLDER = "scl_run_locks"


def lock_folder(home: Path, host: str | None = None) -> Path:
    """Where this host's (or ``host``'s) run locks are, under a Dagster home."""
    return home / LOCKS_FOLDER / (host or socket.gethostname())


def hold_run_lock(folder: Path, run_id: str) -> IO[str]:
    """Lock run ``run_id``'s file until the handle is closed or this process ends; the file holds
    this process's pid (for the recovery line). It takes its name only once locked, so nobody
    can find it unlocked while its process lives."""
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{run_id}.{os.getpid()}"
    handle = open(temporary, "w")
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    handle.write(str(os.getpid()))
    handle.flush()
    os.replace(temporary, folder / f"{run_id}.lock")
    return handle


def forget_run_lock(folder: Path, run_id: str) -> None:
    """The run is recorded as ended: its lock file goes."""
    (folder / f"{run_id}.lock").unlink(missing_ok=True)


def gone_processes(folder: Path) -> dict[str, str]:
    """Run id -> pid for each lock file of ``folder`` whose lock is free: its process is gone."""
    gone = {}
    for path in sorted(folder.glob("*.lock")) if folder.is_dir() else []:
        try:
            with open(path) as handle:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released by the close
                gone[path.stem] = handle.read().strip()
        except (BlockingIOError, FileNotFoundError):  # alive, or it just ended and took its file
            continue
    return gone


def recovery_line(run_id: str, label: str, reason: str, freed_pools: Iterable[str]) -> str:
    """What ``scl`` (and the recovery sensor) print for a run they marked failed; ``label`` is
    its job and partition (``wave_job 2021-Q2``)."""
    pools = sorted(set(freed_pools))
    freed = f"; freed its slot(s) in pool(s) {', '.join(pools)}" if pools else ""
    return f"recovered: run {run_id} ({label}) marked failed, {reason}{freed}"


def orphan_line(run_id: str, status: str | None, pools: Iterable[str]) -> str:
    """What is printed for slots held by a run that has ended or no longer exists."""
    state = f"has ended ({status.lower()})" if status else "no longer exists"
    return f"recovered: run {run_id} {state} but held slot(s) in pool(s) {', '.join(sorted(set(pools)))}: freed"
