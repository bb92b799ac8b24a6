"""Run every benchmark, one process each (so peak-memory figures are per benchmark).

    python -m scl_pipeline_tests.benchmarks            all of them
    python -m scl_pipeline_tests.benchmarks network    those whose name contains "network"
    python -m scl_pipeline_tests.benchmarks wave --people 100000
                                                       the rest of the arguments go to each one run
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main(argv: list[str]) -> int:
    wanted, extra = (argv[0], argv[1:]) if argv else ("", [])
    failed = 0
    for path in sorted(HERE.glob("bench_*.py")):
        if wanted not in path.stem:
            continue
        print(f"\n=== {path.stem} ===", flush=True)
        failed += subprocess.call([sys.executable, "-m", f"scl_pipeline_tests.benchmarks.{path.stem}", *extra]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
