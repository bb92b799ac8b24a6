"""The ingestion benchmark (``dev.py bench ingestion``): a tiny run prints its table. No figure is
asserted; they are printed for people to read (docs/scaling.md)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_a_tiny_survey_is_measured_both_ways_with_the_same_rows():
    done = subprocess.run(
        [sys.executable, "-m", "scl_pipeline_tests.benchmarks.bench_ingestion", "--people", "1000", "--chunk-rows", "3000"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "(the same rows, values and types in both paths: True)" in out
    rows = int(re.search(r"survey rows: ([\d,]+) read", out).group(1).replace(",", ""))
    assert rows > 3000  # more than one chunk: the streamed path did stream
    for label in ("whole file", "streamed (3,000 rows a chunk)"):
        line = next(line for line in out.splitlines() if line.startswith(label))
        seconds, peak, copies = re.findall(r"[\d,.]+", line[len(label):])[:3]
        assert float(seconds) > 0 and float(copies.rstrip("x")) > 0
