"""The ``scl`` CLI with one warehouse transaction held open just before its COMMIT, so a test can
SIGKILL the run mid-write::

    python -m scl_pipeline_tests.e2e.paused_cli <schema.table> <where> <marker> <scl args...>

pauses (touches ``marker``, sleeps) before the first COMMIT whose transaction makes
``SELECT count(*) FROM <schema.table> WHERE <where>`` positive, i.e. the write that stores the
new data the test landed. Test-only: ``duckdb.connect`` is wrapped here (in the ``scl`` process
and in the child processes executing its runs), the product has no hook, and any writer
(whichever module or helper it uses) is caught at its COMMIT.
"""

import json
import os
import sys
import time
from pathlib import Path

import duckdb

_connect = duckdb.connect


class _PausingConnection:
    def __init__(self, con, table: str, where: str, marker: Path) -> None:
        self._con, self._table, self._where, self._marker = con, table, where, marker

    def execute(self, sql, *args, **kwargs):
        if isinstance(sql, str) and sql.strip().upper() == "COMMIT" and self._stores_new_data():
            self._marker.touch()
            time.sleep(600)
        return self._con.execute(sql, *args, **kwargs)

    def _stores_new_data(self) -> bool:
        # Existence first: a failing query inside the transaction would abort it.
        schema, name = self._table.split(".")
        exists = self._con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = $s AND table_name = $t", {"s": schema, "t": name}).fetchall()[0][0]
        return bool(exists) and self._con.execute(
            f"SELECT count(*) FROM {self._table} WHERE {self._where}").fetchall()[0][0] > 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._con.close()

    def __getattr__(self, name):
        return getattr(self._con, name)


# `scl` executes each run in a child process (defs/runs/supervision.py) that starts this module
# again under another name: the pause travels in the environment, so the children install it too.
PAUSE_ENV = "SCL_TEST_PAUSE_AT_COMMIT"


def _install(table: str, where: str, marker: str) -> None:
    duckdb.connect = lambda *args, **kwargs: _PausingConnection(_connect(*args, **kwargs), table, where, Path(marker))


if PAUSE_ENV in os.environ:
    _install(*json.loads(os.environ[PAUSE_ENV]))

if __name__ == "__main__":
    table, where, marker, *scl_args = sys.argv[1:]
    os.environ[PAUSE_ENV] = json.dumps([table, where, marker])
    _install(table, where, marker)
    from scl_pipeline.cli import main

    sys.exit(main(scl_args))
