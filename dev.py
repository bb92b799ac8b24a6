#!/usr/bin/env python3
"""Set-up and everyday commands; needs only Python (3.11 to 3.13) and pip.

    python3 dev.py demo    create .venv (pinned), then run the whole pipeline on the demo organisation
    python3 dev.py test    create .venv (pinned), then run the test suite
    python3 dev.py ui      open the Dagster UI on the same data (http://127.0.0.1:3000)
    python3 dev.py bench   run the benchmarks (they print their figures);
                           ``python3 dev.py bench wave --people 13000``: one wave end to end

Extra arguments go to the underlying command (``python3 dev.py test -k wave_summary``,
``python3 dev.py demo --people 2000``).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("SCL_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".scl-installed"


def ensure_venv() -> None:
    """Create the virtualenv and install the pinned lock plus this project (once per lock change)."""
    wanted = hashlib.sha256(b"".join((ROOT / f).read_bytes() for f in (LOCK, "pyproject.toml", "setup.py"))).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (3, 11) <= sys.version_info[:2] <= (3, 13):
        sys.exit(f"scl_pipeline needs Python 3.11, 3.12 or 3.13 (this is {sys.version.split()[0]})")
    if not (BIN / "python").exists():
        print(f"Creating virtualenv {VENV}", flush=True)
        venv.create(VENV, with_pip=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    print("Installing pinned dependencies (requirements.lock) ...", flush=True)
    subprocess.run([*pip, "-r", str(LOCK)], check=True)
    subprocess.run([*pip, "--no-deps", "-e", str(ROOT)], check=True)
    STAMP.write_text(wanted)


def main() -> int:
    command, *extra = sys.argv[1:] or ["help"]
    if command not in {"demo", "test", "ui", "bench"}:
        print(__doc__)
        return 0 if command == "help" else 2
    ensure_venv()
    env = {
        **os.environ,
        "DAGSTER_HOME": os.environ.get("DAGSTER_HOME", str(ROOT / "dagster_home")),
        "DAGSTER_DISABLE_TELEMETRY": "yes",
        "GX_ANALYTICS_ENABLED": "false",
    }
    python = str(BIN / "python")
    if command == "demo":
        argv = [python, "-m", "scl_pipeline.cli", "demo", *extra]
    elif command == "test":
        # Whole test files to each worker, the longest first (scl_pipeline_tests/helpers/run_order.py
        # orders them; xdist must not reorder its units by test count).
        # The slowest tests' durations are printed at the end: what refreshes durations.json.
        argv = [python, "-m", "pytest", "-n", "2", "--dist", "loadfile", "--no-loadscope-reorder", "--durations=80", *extra]
    elif command == "ui":
        demo_lake = (ROOT / "data_lake" / "landing" / "_demo_truth.json").is_file()
        if not os.environ.get("SCL_PSEUDONYM_KEY") and not os.environ.get("SCL_DATA_LAKE") and demo_lake:
            # The default lake is the demo organisation: publish it with the labelled demo key.
            print("No SCL_PSEUDONYM_KEY set: the demo data lake is published with the DEMO pseudonym key.")
            env["SCL_ALLOW_DEMO_KEY"] = "1"
        argv = [str(BIN / "dagster"), "dev", "-w", "workspace.yaml", "--host", "127.0.0.1", *extra]
    else:
        argv = [python, "-m", "scl_pipeline_tests.benchmarks", *extra]
    return subprocess.call(argv, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())
