"""The ``scl`` CLI with one warehouse write held open just before its COMMIT, so a test can
SIGKILL the run mid-transaction: ``python -m scl_pipeline_tests.e2e.paused_cli <raw|marts> <marker> <scl args...>``.

Test-only: the pause is patched in here, the product code has no hook. ``raw`` pauses the first
ingestion write (``replace_slice``), ``marts`` the first write of a ``marts.*`` SQL model
(``run_model``); both are patched before the definitions import them.
"""

import sys
import time
from pathlib import Path

import scl_pipeline.lib.warehouse.raw_tables as raw_tables
import scl_pipeline.lib.warehouse.sql_models as sql_models


class _PauseBeforeCommit:
    def __init__(self, con, marker: Path) -> None:
        self._con, self._marker = con, marker

    def execute(self, sql, *args, **kwargs):
        if sql.strip().upper() == "COMMIT":
            self._marker.touch()
            time.sleep(600)
        return self._con.execute(sql, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._con, name)


def _pause_raw(marker: Path) -> None:
    original = raw_tables.replace_slice

    def replace_slice(con, *args, **kwargs):
        return original(_PauseBeforeCommit(con, marker), *args, **kwargs)

    raw_tables.replace_slice = replace_slice


def _pause_marts(marker: Path) -> None:
    original = sql_models.run_model

    def run_model(con, model, parameters):
        if model.schema == "marts":
            con = _PauseBeforeCommit(con, marker)
        return original(con, model, parameters)

    sql_models.run_model = run_model


if __name__ == "__main__":
    stage, marker, *scl_args = sys.argv[1:]
    {"raw": _pause_raw, "marts": _pause_marts}[stage](Path(marker))
    from scl_pipeline.cli import main

    sys.exit(main(scl_args))
