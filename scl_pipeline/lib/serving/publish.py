"""Publish the warehouse marts to ``data_lake/serving/``: a DuckDB copy and a Parquet folder.

BI readers never open the warehouse file: DuckDB allows one writer, and a reader holding the file
blocks the pipeline. Each publish builds complete new files under temporary names and swaps them
in with one atomic rename each (POSIX; both on the same filesystem as ``serving_dir``):

- ``scl.duckdb``: built as ``.scl.duckdb.tmp-<version>``, checkpointed, closed, fsynced, then
  ``os.replace``d over ``scl.duckdb``. A reader that has the old file open keeps reading the old
  inode; a reader that opens the path gets either the old or the new file, never a mix.
- ``parquet``: a symlink to ``parquet_versions/<version>``; the version is written under
  ``parquet_versions/.tmp-<version>``, fsynced, renamed to its final name, and the link is
  repointed by ``os.replace`` of a new symlink. The current and the previous version are kept so
  a reader that resolved the link just before a swap can finish; older ones are deleted.

A kill at any point leaves the previous serving copy intact; the next publish removes the
leftovers. The steps live beside this orchestration: :mod:`.serving_copy` (the tables),
:mod:`.atomic_files` (lock, fsync, swaps) and :mod:`.publication` (layout, report, errors).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict
from pathlib import Path

import duckdb

from scl_pipeline.lib.lake_access import share, share_tree
from scl_pipeline.lib.serving.atomic_files import (
    TMP_DB_PREFIX,
    TMP_VERSION_PREFIX,
    check_link,
    fsync,
    fsync_tree,
    new_version,
    prune_versions,
    publish_lock,
    remove_leftovers,
    swap_link,
)
from scl_pipeline.lib.serving.catalog import MARTS_SCHEMA, REGISTRY, MartTable
from scl_pipeline.lib.serving.pseudonyms import PseudonymKey, register_pseudonym_function
from scl_pipeline.lib.serving.suppression import register_withheld_groups
from scl_pipeline.lib.serving.publication import (
    MANIFEST,
    PARQUET_LINK,
    PARQUET_VERSIONS,
    SERVING_DB,
    SERVING_STORAGE_VERSION,
    PublishError,
    PublishReport,
    TableReport,
    sql_str,
)
from scl_pipeline.lib.serving.serving_copy import (
    build_table,
    check_no_undeclared_ids,
    check_waves,
    copy_from_warehouse,
    source_table,
    write_meta,
    write_parquet,
)

log = logging.getLogger(__name__)

# Points at which ``on_stage`` is called, in order (tests pause or kill the publisher there).
STAGES: tuple[str, ...] = (
    "locked",
    "warehouse_copied",
    "duckdb_built",
    "parquet_written",
    "files_synced",
    "duckdb_swapped",
    "parquet_swapped",
)


def attached_storage_version(con: duckdb.DuckDBPyConnection, database: str) -> str:
    """The storage format DuckDB writes ``database`` in (``v1.0.0+``); refuses any other than
    :data:`SERVING_STORAGE_VERSION`, so a DuckDB that ignored the option cannot publish a copy
    that BI tools' older DuckDB cannot open."""
    (tags,) = con.execute(
        "SELECT tags FROM duckdb_databases() WHERE database_name = $d", {"d": database}
    ).fetchone()
    found = dict(tags or {}).get("storage_version", "")
    if found.rstrip("+") != SERVING_STORAGE_VERSION:
        raise PublishError(
            f"the serving copy would be written in DuckDB storage format {found or 'unknown'}, not "
            f"{SERVING_STORAGE_VERSION}: BI tools embedding an older DuckDB could not open it"
        )
    return found


def publish_serving(
    warehouse_path: str | os.PathLike[str],
    serving_dir: str | os.PathLike[str],
    key: PseudonymKey,
    *,
    registry: Mapping[str, MartTable] = REGISTRY,
    keep_versions: int = 2,
    lock_timeout_s: float = 600.0,
    on_stage: Callable[[str], None] | None = None,
    group: int | None = None,
) -> PublishReport:
    """Build and atomically swap in the serving DuckDB copy and Parquet folder.

    ``group``: the gid that may read the copy (``SCL_SERVING_GROUP``): its folders become 0750 and
    its files 0640 with that group before they are swapped in; None: readable by this user only.

    The warehouse is attached read-only only while its registered marts are copied into memory;
    pseudonymisation, suppression and file writing happen after it is released.
    """
    if not isinstance(key, PseudonymKey):
        raise TypeError("key must be a PseudonymKey (see privacy.load_pseudonym_key)")
    if keep_versions < 2:
        raise ValueError("keep_versions must be >= 2: the previous version may still be read")
    started = time.perf_counter()
    warehouse = Path(warehouse_path)
    if not warehouse.is_file():
        raise PublishError(f"warehouse file {warehouse} does not exist")
    serving = Path(serving_dir)
    serving.mkdir(parents=True, exist_ok=True)
    stage = on_stage or (lambda _name: None)

    with publish_lock(serving, lock_timeout_s):
        remove_leftovers(serving)
        check_link(serving / PARQUET_LINK)
        stage("locked")
        version = new_version()
        published_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        tmp_db = serving / f"{TMP_DB_PREFIX}{version}"
        versions_dir = serving / PARQUET_VERSIONS
        versions_dir.mkdir(exist_ok=True)
        tmp_version = versions_dir / f"{TMP_VERSION_PREFIX}{version}"
        final_version = versions_dir / version

        con = duckdb.connect(":memory:")
        try:
            w0 = time.perf_counter()
            tables, absent, unclassified, columns = copy_from_warehouse(con, warehouse, registry)
            warehouse_seconds = time.perf_counter() - w0
            stage("warehouse_copied")

            for table in tables:
                check_waves(con, table)
            check_no_undeclared_ids(con, tables, columns)
            register_withheld_groups(con, tables, columns, source_table)

            register_pseudonym_function(con, key)
            con.execute(f"ATTACH {sql_str(tmp_db)} AS srv (STORAGE_VERSION {sql_str(SERVING_STORAGE_VERSION)})")
            storage_version = attached_storage_version(con, "srv")
            con.execute(f"CREATE SCHEMA srv.{MARTS_SCHEMA}")
            reports = [build_table(con, t, columns[t.name]) for t in tables]
            write_meta(con, version, published_at, key, reports)
            con.execute("CHECKPOINT srv")
            stage("duckdb_built")

            tmp_version.mkdir()
            waves = {t.name: write_parquet(con, t, tmp_version) for t in tables}
            reports = [
                TableReport(**{**asdict(r), "waves": waves[r.name]}) for r in reports
            ]
            stage("parquet_written")
            con.execute("DETACH srv")
        finally:
            con.close()

        if Path(f"{tmp_db}.wal").exists():
            raise PublishError(f"{tmp_db}: DuckDB left a WAL after checkpoint and close")
        fsync(tmp_db)
        manifest = {
            "version": version,
            "published_at": published_at,
            "key_source": key.source,
            "tables": {r.name: asdict(r) for r in reports},
        }
        (tmp_version / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        # Opened to the BI group (or kept private) before a reader can see them.
        for path in (serving, versions_dir, tmp_db):
            share(path, group)
        share_tree(tmp_version, group)
        fsync_tree(tmp_version)
        os.rename(tmp_version, final_version)
        fsync(versions_dir)
        stage("files_synced")

        db_path = serving / SERVING_DB
        os.replace(tmp_db, db_path)
        fsync(serving)
        stage("duckdb_swapped")

        link = serving / PARQUET_LINK
        previous = swap_link(link, f"{PARQUET_VERSIONS}/{version}")
        stage("parquet_swapped")
        prune_versions(versions_dir, keep={version, previous}, keep_versions=keep_versions)

    report = PublishReport(
        version=version,
        published_at=published_at,
        key_source=key.source,
        duckdb_path=str(db_path),
        parquet_path=str(final_version),
        tables=tuple(reports),
        registered_but_absent=tuple(absent),
        unclassified=tuple(unclassified),
        storage_version=storage_version,
        warehouse_seconds=round(warehouse_seconds, 4),
        seconds=round(time.perf_counter() - started, 4),
    )
    log.info(
        "published serving version %s (%s tables, %s rows, key source %s) in %.2fs; "
        "warehouse held read-only for %.2fs",
        version,
        len(reports),
        sum(r.rows for r in reports),
        key.source,
        report.seconds,
        warehouse_seconds,
    )
    return report
