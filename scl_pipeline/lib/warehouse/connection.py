"""Opening the warehouse file: DuckDB allows one writing process, so a connection waits.

Another process may hold the file for a moment (a CLI run beside the UI, a publish reading the
marts, a BI tool that opened the warehouse instead of the serving copy). Every open of the
warehouse goes through :func:`retry_on_lock`: it retries while DuckDB reports the file lock and
fails with a message naming the file once the wait is over; any other error fails at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb

LOCK_TIMEOUT_S = 120.0
_POLL_S = 0.5
T = TypeVar("T")


class WarehouseLockedError(RuntimeError):
    """The warehouse stayed locked by another process for the whole wait."""


def is_lock_error(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def retry_on_lock(action: Callable[[], T], path: Path | str, timeout_s: float = LOCK_TIMEOUT_S) -> T:
    """``action()``, retried while DuckDB reports ``path``'s file lock, for up to ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return action()
        except duckdb.IOException as exc:
            if not is_lock_error(exc):
                raise
            if time.monotonic() > deadline:
                raise WarehouseLockedError(
                    f"{path}: locked by another process for more than {timeout_s:g}s ({exc})"
                ) from exc
            time.sleep(_POLL_S)


@contextmanager
def connect(path: Path | str, read_only: bool = False, timeout_s: float = LOCK_TIMEOUT_S) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection to the warehouse at ``path`` (created when writing), closed on exit."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = retry_on_lock(lambda: duckdb.connect(str(path), read_only=read_only), path, timeout_s)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Either every write inside the block is committed, or none."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
