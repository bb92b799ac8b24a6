"""How ``scl demo`` / ``scl run`` run their waves: on the persistent Dagster instance of
``DAGSTER_HOME``, after freeing what a killed run still holds, then the summary."""

from __future__ import annotations

import functools
import logging
import os
import shutil
import sys
from pathlib import Path

from scl_pipeline.cli_settings import CliError
from scl_pipeline.cli_summary import print_summary
from scl_pipeline.lib.lake import DataLake
from scl_pipeline.lib.project_files import DAGSTER_HOME_FOLDER, INSTANCE_FILE, data_root, instance_settings


def dagster_home() -> Path:
    """``$DAGSTER_HOME``, else ``dagster_home/`` in the repository (where ``dev.py ui`` looks) or,
    for an installed package, in the current folder."""
    return Path(os.environ.get("DAGSTER_HOME") or data_root() / DAGSTER_HOME_FOLDER).resolve()


def open_instance():
    import dagster as dg

    home = dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    if not (home / INSTANCE_FILE).exists():
        shutil.copy(instance_settings(), home / INSTANCE_FILE)
    return dg.DagsterInstance.from_config(str(home))


def run_waves(
    lake: DataLake, waves: list[str], allow_demo_key: bool = False, settings: dict | None = None, force: bool = False
) -> int:
    from scl_pipeline.definitions import build_defs
    from scl_pipeline.defs.runs.recovery import recover_dead_runs
    from scl_pipeline.defs.runs.supervision import RunStopped
    from scl_pipeline.lib.runs.pool_wait import pool_wait_timeout
    from scl_pipeline.runner import run_pipeline

    # Each run executes in a child process that builds the same definitions (defs/runs/supervision.py).
    rebuild = functools.partial(build_defs, lake.root, allow_demo_key, settings)
    try:
        defs = rebuild()
    except ValueError as exc:  # pydantic's ValidationError included: a value of the wrong type
        raise CliError(f"--set: {exc}") from None
    try:
        timeout = pool_wait_timeout(os.environ)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    print(f"Running {len(waves)} wave(s) {waves[0]} .. {waves[-1]} on {lake.root}")
    _warn_exposed(lake)
    with open_instance() as instance:
        # A run killed earlier may still hold the warehouse pool's one slot: free it first.
        recover_dead_runs(instance)
        try:
            results = run_pipeline(defs, waves, instance, pool_wait_timeout=timeout, force=force, rebuild=rebuild)
        except RunStopped as stop:  # its child process is killed, its run recorded as ended
            print(f"scl: {stop}", file=sys.stderr)
            return stop.exit_code
    failed = [r for r in results if not r.success]
    print_summary(lake, sorted({r.run_id for r in results if r.run_id}), dagster_home())
    if failed:
        print(f"\n{len(failed)} stage(s) failed: " + ", ".join(f"{r.wave or '-'} {r.stage}" for r in failed))
        return 1
    return 0


def _warn_exposed(lake: DataLake) -> None:
    """A lake made before the pipeline kept its files private: name what others can read."""
    from scl_pipeline.lib.lake_access import exposed_paths, exposed_warning

    warning = exposed_warning(exposed_paths(lake), lake)
    if warning:
        logging.getLogger("scl").warning(warning)
