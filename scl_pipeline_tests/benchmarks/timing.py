"""Shared by the benchmarks: time named steps, then print seconds per step and peak memory. (A
Dagster run's steps are read from its event log by ``scl_pipeline.runner.run_steps``, the
function the CLI's stage lines use.)"""

from __future__ import annotations

import resource
import time


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
