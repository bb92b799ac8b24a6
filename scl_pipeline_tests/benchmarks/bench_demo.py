"""Time and peak memory of the demo generator at the case study's size and at 100,000 people.

Run: ``/work/venv/bin/python scl_pipeline_tests/benchmarks/bench_demo.py [--people 13000 100000]
[--format csv]``. Each size runs in its own process so its peak resident memory is its own.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from scl_pipeline.lib.demo import generate_demo_org
people, fmt, root = int(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
began = time.perf_counter()
truth = generate_demo_org(root, people=people, file_format=fmt)
seconds = time.perf_counter() - began
size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
rows = sum(1 for p in root.rglob("ona_survey.csv") for _ in p.open()) - len(truth.waves)
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"people": people, "format": fmt, "waves": len(truth.waves), "seconds": seconds,
                  "peak_mb": peak_mb, "bytes": size, "survey_rows": rows}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, nargs="+", default=[13_000, 100_000])
    parser.add_argument("--format", default="csv", choices=["csv", "parquet", "xlsx"])
    args = parser.parse_args()
    header = ("people", "format", "waves", "seconds", "peak MB", "MB written", "survey rows")
    print(" ".join(f"{h:>{w}}" for h, w in zip(header, (8, 7, 5, 8, 8, 10, 12))))
    for people in args.people:
        with tempfile.TemporaryDirectory() as root:
            out = subprocess.run(
                [sys.executable, "-c", _CHILD, str(people), args.format, root],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        survey_rows = r["survey_rows"] if args.format == "csv" else "-"
        print(
            f"{r['people']:>8} {r['format']:>7} {r['waves']:>5} {r['seconds']:>8.1f} {r['peak_mb']:>8.0f} "
            f"{r['bytes'] / 1e6:>10.1f} {survey_rows:>12}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
