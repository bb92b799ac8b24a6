"""A quarterly run does only the new work (issue 22 §3): wall time of `scl demo` run three times on
the same demo lake: the first run, a second run on unchanged files (every job skipped), and a
third after one new wave has landed (that wave, the cross-wave step and the reports recomputed).

Run: ``python -m scl_pipeline_tests.benchmarks incremental [--people 2000]``. Each run is the real
CLI in its own process, with its own DAGSTER_HOME in the temporary folder, as an operator runs it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _scl(lake: Path, home: Path, *args: str) -> tuple[float, str]:
    env = {**os.environ, "DAGSTER_HOME": str(home), "DAGSTER_DISABLE_TELEMETRY": "yes"}
    env.pop("SCL_PSEUDONYM_KEY", None)
    began = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "scl_pipeline.cli", "--lake", str(lake), *args],
                         env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - began
    if out.returncode != 0:
        raise SystemExit(f"scl {' '.join(args)} failed ({out.returncode}):\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return seconds, out.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=2_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        lake, home = Path(tmp) / "lake", Path(tmp) / "dagster_home"
        home.mkdir()
        # The demo's nine waves, the last one held back to land later.
        subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; "
                        "from scl_pipeline.lib.demo import generate_demo_org; "
                        "generate_demo_org(Path(sys.argv[1]), people=int(sys.argv[2]))", str(lake / "landing"),
                        str(args.people)], check=True)
        waves = sorted(p.name for p in (lake / "landing" / "waves").iterdir())
        held = Path(tmp) / waves[-1]
        shutil.move(lake / "landing" / "waves" / waves[-1], held)
        first, _ = _scl(lake, home, "demo")
        second, out = _scl(lake, home, "demo")
        skipped = out.count("unchanged, skipped")
        shutil.move(held, lake / "landing" / "waves" / waves[-1])
        third, out3 = _scl(lake, home, "demo")
    print(f"people {args.people:,}, waves {len(waves) - 1} then {len(waves)}")
    rows = [
        (f"first run ({len(waves) - 1} waves)", first, ""),
        ("second run, nothing changed", second, f"{skipped} jobs 'unchanged, skipped'"),
        (f"third run, wave {waves[-1]} landed", third, f"{out3.count('unchanged, skipped')} jobs skipped"),
    ]
    for label, seconds, note in rows:
        print(f"{label:<32} {seconds:8.1f} s  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
