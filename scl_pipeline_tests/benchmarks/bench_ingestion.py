"""Benchmark: memory and time of ingesting one large survey, read whole versus streamed in chunks.

Run: ``python3 dev.py bench ingestion --people 100000`` (about 1.2 million survey rows; add
``--chunk-rows N`` to try another chunk size). Generates the demo organisation at that size, then
measures, each in a fresh process so that one path's memory cannot hide in the other's, the
library calls behind ``raw/ona_survey`` from the landing file to the typed rows the warehouse
receives:

- ``whole file``: read the survey into one frame, validate it (``validate_wave``), type its
  clean rows (``coerce_frame``): how ingestion worked before the survey streamed;
- ``streamed``: ``validate_wave_streamed``, what ``wave_exports`` runs.

Each line gives the wall time and the peak resident memory above the process's baseline (GX
context built, HR export read, so both paths start from the same place). The yardstick is one
copy of the survey in pandas: the resident memory a whole read of it holds (measured in the
whole-file process, after the read), and, for reference, the bytes of its arrays and strings
(each string once) and those of the typed frame the streamed path ends with. Peak memory comes
from ``/proc/self/status`` (VmHWM, reset through ``/proc/self/clear_refs``): Linux only.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

MIB = 1024 * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--chunk-rows", type=int, default=None, help="default: the ingestion setting's default")
    parser.add_argument("--measure", choices=["whole", "streamed"], help=argparse.SUPPRESS)
    parser.add_argument("--wave-folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--wave", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not Path("/proc/self/clear_refs").exists():
        sys.exit("bench ingestion measures peak memory through /proc (Linux only)")
    if args.measure:
        print(json.dumps(_measure(args.measure, args.wave_folder, args.wave, args.chunk_rows)))
        return
    from scl_pipeline.lib.demo import generate_demo_org
    from scl_pipeline.lib.ingestion.readers import CHUNK_ROWS

    chunk_rows = args.chunk_rows or CHUNK_ROWS
    with tempfile.TemporaryDirectory(prefix="scl-bench-ingestion-") as tmp:
        began = time.perf_counter()
        truth = generate_demo_org(Path(tmp), people=args.people, last_wave="2021-Q2")
        wave = truth.baseline_wave
        folder = Path(tmp) / "waves" / wave
        survey_file = folder / "ona_survey.csv"
        print(
            f"demo organisation of {args.people:,} people generated in {time.perf_counter() - began:.1f} s; "
            f"wave {wave}'s survey: {survey_file.stat().st_size / 1e6:,.1f} MB of CSV",
            flush=True,
        )
        results = {}
        for path in ("whole", "streamed"):
            command = [sys.executable, "-m", "scl_pipeline_tests.benchmarks.bench_ingestion", "--measure", path,
                       "--wave-folder", str(folder), "--wave", wave, "--chunk-rows", str(chunk_rows)]
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(f"measuring {path} failed:\n{done.stderr[-3000:]}")
            results[path] = json.loads(done.stdout.strip().splitlines()[-1])
    whole, streamed = results["whole"], results["streamed"]
    copy = whole["held_mib"]
    same = all(whole[k] == streamed[k] for k in ("typed_rows", "typed_hash", "typed_dtypes"))
    print(f"survey rows: {whole['rows']:,} read, {whole['typed_rows']:,} typed after quarantine "
          f"(the same rows, values and types in both paths: {same})")
    print(f"one copy of the survey in pandas, as read: {copy:,.0f} MiB resident ({whole['landed_mib']:,.0f} MiB of "
          f"arrays and strings); the typed rows: {streamed['typed_mib']:,.0f} MiB of arrays and strings")
    print(f"{'path':<34}{'wall s':>8}{'peak above baseline MiB':>25}{'x resident copy':>17}{'x bytes of copy':>17}")
    for label, result in (("whole file", whole), (f"streamed ({chunk_rows:,} rows a chunk)", streamed)):
        peak = result["peak_mib"]
        print(f"{label:<34}{result['seconds']:>8.1f}{peak:>25,.0f}{peak / copy:>16.2f}x{peak / whole['landed_mib']:>16.2f}x")


def _measure(path: str, folder: Path, wave: str, chunk_rows: int) -> dict:
    """One path in this process: seconds, peak above the baseline, and the frames' true sizes."""
    from scl_pipeline.lib.ingestion.coerce import coerce_frame
    from scl_pipeline.lib.contract import HR_EXPORT, ONA_SURVEY
    from scl_pipeline.lib.ingestion.readers import open_landing_file
    from scl_pipeline.lib.ingestion.survey_stream import validate_wave_streamed
    from scl_pipeline.lib.ingestion.validation import validate_wave
    from scl_pipeline.lib.ingestion.validation.gx_execution import _gx

    _gx()
    hr = open_landing_file(folder / "hr_export.csv", HR_EXPORT).read().frame
    survey = open_landing_file(folder / "ona_survey.csv", ONA_SURVEY)
    gc.collect()
    baseline = _status("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    began = time.perf_counter()
    landed_mib = held_mib = None
    if path == "whole":
        landed = survey.read().frame
        gc.collect()
        held_mib = (_status("VmRSS") - baseline) / MIB
        validation = validate_wave(hr, landed, wave)
        typed = coerce_frame(validation.survey.clean, ONA_SURVEY)
        seconds = time.perf_counter() - began
        landed_mib = _true_size(landed) / MIB
        rows = len(landed)
    else:
        streamed = validate_wave_streamed(hr, survey, wave, chunk_rows=chunk_rows)
        typed = streamed.typed_survey
        seconds = time.perf_counter() - began
        rows = streamed.validation.survey.rows
    return {
        "seconds": seconds,
        "peak_mib": (_status("VmHWM") - baseline) / MIB,
        "rows": rows,
        "typed_rows": len(typed),
        # Equal in both paths when they load the same rows, in the same order, with the same types.
        "typed_hash": int(pd.util.hash_pandas_object(typed, index=False).sum()) & 0xFFFFFFFFFFFF,
        "typed_dtypes": [str(t) for t in typed.dtypes],
        "typed_mib": _true_size(typed) / MIB,
        "landed_mib": landed_mib,
        "held_mib": held_mib,
    }


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def _true_size(frame) -> int:
    """Bytes a frame holds: its arrays, and each Python object of its object columns once."""
    total, seen = 0, set()
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object:
            total += values.memory_usage(index=False, deep=False)
            for value in values.to_numpy():
                if id(value) not in seen:
                    seen.add(id(value))
                    total += sys.getsizeof(value)
        else:
            total += values.memory_usage(index=False, deep=True)
    return total


if __name__ == "__main__":
    main()
