"""Benchmark: one wave of the demo organisation through the whole Dagster pipeline.

Run: ``python -m scl_pipeline_tests.benchmarks.bench_network_pipeline [--people 13000] [--wave W]``.
Generates the demo organisation into a temporary data lake, loads the program roster, then
materialises every wave-partitioned asset of one wave (default: the baseline) and prints the
seconds of each step (from Dagster's step events), the run's wall-clock time and peak memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "yes")

import dagster as dg  # noqa: E402

from scl_pipeline.lib.demo import generate_demo_org  # noqa: E402
from scl_pipeline.lib.lake import DataLake  # noqa: E402
from scl_pipeline.lib.waves import wave_to_partition_key  # noqa: E402
from scl_pipeline_tests.helpers.dagster import (  # noqa: E402
    materialize_unpartitioned, project_defs, query, resources_for, wave_asset_keys,
)
from scl_pipeline_tests.benchmarks.timing import run_steps  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=13_000)
    parser.add_argument("--wave", default=None, help="default: the demo's baseline wave")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        lake = DataLake(Path(tmp) / "lake")
        began = time.perf_counter()
        truth = generate_demo_org(lake.landing, people=args.people)
        print(f"demo organisation: {truth.people:,} people, {len(truth.countries)} countries, "
              f"generated in {time.perf_counter() - began:.1f} s")
        materialize_unpartitioned(lake, [dg.AssetKey(["raw", "participants"])])
        wave = args.wave or truth.baseline_wave
        began = time.perf_counter()
        instance = dg.DagsterInstance.ephemeral()
        defs = project_defs()
        result = dg.materialize(
            list(defs.assets) + list(defs.asset_checks or []),
            selection=wave_asset_keys(),
            partition_key=wave_to_partition_key(wave),
            resources=resources_for(lake),
            instance=instance,
            run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
        )
        wall = time.perf_counter() - began
        summary = query(lake, "select * from marts.wave_summary where wave = $w", {"w": wave}).iloc[0]
        print(f"wave {wave}: population {summary['population']:,}, strong arcs {summary['arcs']:,}, "
              f"edges of U {summary['edges']:,}, components {summary['components']:,}")
        seconds = {step.key: step.end - step.start for step in run_steps(instance, result.run_id, {}) if step.ok}
        width = max(map(len, seconds))
        for step, value in seconds.items():
            print(f"  {step:<{width}}  {value:7.2f} s")
        print(f"  {'whole run (wall clock)':<{width}}  {wall:7.2f} s")
        print(f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


if __name__ == "__main__":
    main()
