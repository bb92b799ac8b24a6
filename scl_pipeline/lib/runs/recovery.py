"""Which runs died without saying so, and the line that says what recovery did about them.

A run killed with ``kill -9`` (or by a power cut) never records its end: it stays "started" and
keeps the concurrency slots its steps held, so every later run waits for a slot that nobody will
free. Runs tagged with their process (``processes.ProcessIdentity``) can be judged: the process is
gone, so is the run. Untagged runs, and runs of another host, are never declared dead here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from scl_pipeline.lib.runs.processes import Liveness, ProcessIdentity, liveness


@dataclass(frozen=True)
class DeadRun:
    run_id: str
    label: str  # job and partition, e.g. "wave_job 2021-Q2"
    reason: str


@dataclass(frozen=True)
class ActiveRun:
    """A run the instance says is in progress: its id, what it runs, and its tags."""

    run_id: str
    label: str
    tags: Mapping[str, str]


def dead_runs(
    active: Iterable[ActiveRun], probe: Callable[[ProcessIdentity], Liveness] = liveness
) -> list[DeadRun]:
    """The runs of ``active`` whose recorded process is gone (``probe`` judges a process)."""
    dead = []
    for run in active:
        identity = ProcessIdentity.from_tags(run.tags, run.run_id)
        if identity is None or probe(identity) is not Liveness.GONE:
            continue
        dead.append(DeadRun(run.run_id, run.label, f"its {identity.describe()} is gone"))
    return dead


def recovery_line(run: DeadRun, freed_pools: Iterable[str]) -> str:
    """What ``scl`` (and the recovery sensor) print for a run they marked failed."""
    pools = sorted(set(freed_pools))
    freed = f"; freed its slot(s) in pool(s) {', '.join(pools)}" if pools else ""
    return f"recovered: run {run.run_id} ({run.label}) marked failed, {run.reason}{freed}"


def orphan_line(run_id: str, status: str | None, pools: Iterable[str]) -> str:
    """What is printed for slots held by a run that has ended or no longer exists."""
    state = f"has ended ({status.lower()})" if status else "no longer exists"
    return f"recovered: run {run_id} {state} but held slot(s) in pool(s) {', '.join(sorted(set(pools)))}: freed"
