"""What each run of `scl run` costs before its first step (issue 25 §3): the run's child process
forks from the forkserver (which built ``defs/`` once, ``scl_pipeline/preload.py``), opens the
instance, adds the lake's resources (``build_defs``) and resolves the job. Prints seconds for each
part, for ``--runs`` children in a row (the first one also starts the forkserver).

Run: ``python -m scl_pipeline_tests.benchmarks run_start [--runs 3]``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import tempfile
import time
from pathlib import Path

import dagster as dg

from scl_pipeline.lib.project_files import instance_settings


def _child(ref, lake: str, began: float, times) -> None:
    forked = time.perf_counter()
    from scl_pipeline.definitions import build_defs

    with dg.DagsterInstance.from_ref(ref):
        opened = time.perf_counter()
        defs = build_defs(lake)
        built = time.perf_counter()
        defs.resolve_job_def("wave_job")
        times.put((forked - began, opened - forked, built - opened, time.perf_counter() - built))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["scl_pipeline.preload"])  # as defs/runs/supervision.py does
    with tempfile.TemporaryDirectory() as tmp, dg.DagsterInstance.from_config(_home(Path(tmp))) as instance:
        for n in range(1, args.runs + 1):
            times = context.Queue()
            began = time.perf_counter()
            child = context.Process(target=_child, args=(instance.get_ref(), str(Path(tmp) / "lake"), began, times))
            child.start()
            fork, instance_s, defs_s, job_s = times.get()
            child.join()
            print(f"run {n}: {time.perf_counter() - began:6.2f} s in all: fork {fork:.2f} s, instance {instance_s:.2f} s, "
                  f"build_defs {defs_s:.2f} s, resolve the job {job_s:.2f} s", flush=True)
    return 0


def _home(tmp: Path) -> str:
    home = tmp / "dagster_home"
    home.mkdir()
    shutil.copy(instance_settings(), home / "dagster.yaml")
    return str(home)


if __name__ == "__main__":
    raise SystemExit(main())
