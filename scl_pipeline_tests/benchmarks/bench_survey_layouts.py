"""Benchmark: one wave's survey read as each tool layout (issue 21), from the landing file to
its validated, typed rows, each layout in its own process for its peak memory.

    python -m scl_pipeline_tests.benchmarks survey_layouts [--people 13000]

Generates the demo organisation (3 waves) once per layout and naming in a temporary folder, then
times, for its first wave: opening and reading the survey (recognition, matching people through
the HR export, mapping labels: ``open_wave_survey``), and validating and typing it
(``validate_wave_streamed``), and prints rows, nominations and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VARIANTS = (("long", "id"), ("long", "name"), ("wide", "name"), ("multiselect", "email"))


def measure(root: Path, wave: str) -> str:
    import logging

    from scl_pipeline.lib.ingestion.discovery import open_wave_hr, open_wave_survey
    from scl_pipeline.lib.ingestion.survey_input import with_layout_checks
    from scl_pipeline.lib.ingestion.survey_stream import validate_wave_streamed
    from scl_pipeline.lib.lake import DataLake

    logging.disable(logging.WARNING)
    lake = DataLake(root)
    hr_file = open_wave_hr(lake, wave)
    hr = hr_file.read()
    start = time.perf_counter()
    read = open_wave_survey(lake, wave, hr_file, hr.frame)
    opened = time.perf_counter()
    streamed = validate_wave_streamed(hr.frame, read.source, wave)
    validation = with_layout_checks(streamed.validation, read)
    done = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return (
        f"{read.summary.layout:<12} {validation.survey.rows:>10,} {len(streamed.typed_survey):>10,} "
        f"{opened - start:>9.2f} {done - opened:>11.2f} {peak:>9.0f}"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench_survey_layouts")
    parser.add_argument("--people", type=int, default=13_000)
    parser.add_argument("--measure", nargs=2, metavar=("ROOT", "WAVE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(measure(Path(args.measure[0]), args.measure[1]), flush=True)
        return 0
    from scl_pipeline.lib.demo import generate_demo_org

    print(f"{args.people:,} people, wave 2020-Q4 of the demo organisation; each row in its own process")
    print(f"{'variant':<20} {'layout':<12} {'nominations':>10} {'loaded':>10} {'read (s)':>9} {'validate (s)':>11} {'peak MiB':>9}")
    with tempfile.TemporaryDirectory() as folder:
        for layout, people_by in VARIANTS:
            root = Path(folder) / f"{layout}-{people_by}"
            generate_demo_org(
                root / "landing", people=args.people, first_wave="2020-Q4", last_wave="2021-Q2",
                survey_layout=layout, people_by=people_by,
            )
            out = subprocess.run(
                [sys.executable, "-m", "scl_pipeline_tests.benchmarks.bench_survey_layouts", "--measure", str(root), "2020-Q4"],
                capture_output=True, text=True, check=True,
            ).stdout.strip()
            print(f"{layout + ' by ' + people_by:<20} {out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
