"""Files swapped in whole, so a reader sees the old publication or the new one, never a mix.

The DuckDB copy is renamed over the old one; the Parquet link is repointed by renaming a new
symlink over it; everything is fsynced before the swap. ``.publish.lock`` (an ``flock``, released
by the kernel when the process dies) serialises publishers, and a publish that died leaves only
temporary names that the next one removes.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scl_pipeline.lib.serving.publication import LOCK_FILE, PARQUET_VERSIONS, PublishError

TMP_DB_PREFIX = ".scl.duckdb.tmp-"
TMP_VERSION_PREFIX = ".tmp-"
TMP_LINK_PREFIX = ".parquet.link-"


def swap_link(link: Path, target: str) -> str | None:
    """Repoint ``link`` at ``target`` atomically; return the version it pointed at before."""
    check_link(link)
    previous = Path(os.readlink(link)).name if link.is_symlink() else None
    tmp = link.parent / f"{TMP_LINK_PREFIX}{Path(target).name}"
    os.symlink(target, tmp)
    os.replace(tmp, link)
    fsync(link.parent)
    return previous


def check_link(link: Path) -> None:
    if link.exists() and not link.is_symlink():
        raise PublishError(
            f"{link} exists and is not a symlink: move it away; publish manages it as a link to "
            f"{PARQUET_VERSIONS}/<version>"
        )


def prune_versions(versions_dir: Path, keep: set[str | None], keep_versions: int) -> None:
    complete = sorted(
        p.name for p in versions_dir.iterdir() if p.is_dir() and not p.name.startswith(".")
    )
    retained = set(complete[-keep_versions:]) | {k for k in keep if k}
    for name in complete:
        if name not in retained:
            shutil.rmtree(versions_dir / name, ignore_errors=True)


def remove_leftovers(serving: Path) -> None:
    """Temporary files of a publish that died (only ever called under the publish lock)."""
    for path in serving.glob(f"{TMP_DB_PREFIX}*"):
        path.unlink(missing_ok=True)
    for path in serving.glob(f"{TMP_LINK_PREFIX}*"):
        path.unlink(missing_ok=True)
    versions_dir = serving / PARQUET_VERSIONS
    if versions_dir.is_dir():
        for path in versions_dir.glob(f"{TMP_VERSION_PREFIX}*"):
            shutil.rmtree(path, ignore_errors=True)


@contextmanager
def publish_lock(serving: Path, timeout_s: float) -> Iterator[None]:
    fd = os.open(serving / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)  # the pipeline's, not BI's
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise PublishError(
                        f"another publish holds {serving / LOCK_FILE} for more than {timeout_s}s"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def new_version() -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{secrets.token_hex(3)}"


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(root: Path) -> None:
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            fsync(Path(dirpath) / name)
        fsync(Path(dirpath))
