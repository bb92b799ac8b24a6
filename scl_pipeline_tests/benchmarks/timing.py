"""Shared by the benchmarks: time named steps (or read a Dagster run's steps from its event log),
then print seconds per step and peak memory."""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the library benchmarks using Timings do not load Dagster
    import dagster as dg


class Timings:
    """``timings("name", fn, *args)`` runs ``fn`` and records its seconds under ``name``."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def __call__(self, name: str, fn, *args, **kwargs):
        start = time.perf_counter()
        out = fn(*args, **kwargs)
        self.seconds[name] = time.perf_counter() - start
        return out

    def report(self) -> None:
        width = max(map(len, self.seconds), default=0)
        for name, seconds in self.seconds.items():
            print(f"{name:<{width}}  {seconds:8.2f} s")
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak resident memory: {peak_mib:,.0f} MiB", flush=True)


@dataclass
class Step:
    key: str
    stage: str
    start: float
    end: float
    ok: bool


def run_steps(instance: dg.DagsterInstance, run_id: str, groups: dict[str, str]) -> list[Step]:
    """The run's steps with their start and end (wall clock), in the order they started."""
    steps: dict[str, Step] = {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.event_type_value == "STEP_START":
            key = event.step_key
            steps[key] = Step(key, groups.get(key, key), entry.timestamp, entry.timestamp, True)
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and event.step_key in steps:
            steps[event.step_key].end = entry.timestamp
            steps[event.step_key].ok = event.event_type_value == "STEP_SUCCESS"
    return list(steps.values())
