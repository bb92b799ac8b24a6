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
leftovers. ``.publish.lock`` (an ``flock``, released by the kernel when the process dies)
serialises publishers.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from scl_pipeline.lib.serving.catalog import (
    MARTS_SCHEMA,
    REGISTRY,
    SUPPRESSED_COLUMN,
    WAVE_COLUMN,
    CatalogError,
    MartTable,
    mart_tables,
)
from scl_pipeline.lib.serving.privacy import (
    PseudonymKey,
    quote,
    register_pseudonym_function,
    serving_select_list,
)

log = logging.getLogger(__name__)

SERVING_DB = "scl.duckdb"
PARQUET_LINK = "parquet"
PARQUET_VERSIONS = "parquet_versions"
MANIFEST = "_publication.json"
META_SCHEMA = "serving"
LOCK_FILE = ".publish.lock"
_TMP_DB_PREFIX = ".scl.duckdb.tmp-"
_TMP_VERSION_PREFIX = ".tmp-"
_TMP_LINK_PREFIX = ".parquet.link-"
# Where the population's employee ids live (landing contract HR_EXPORT.table); used to prove no
# real id slipped into a column the registry did not declare.
_HR_IDS = ("raw", "hr_export", "employee_id")

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


class PublishError(RuntimeError):
    """Publishing refused: the message names the table/column and what is wrong."""


@dataclass(frozen=True)
class TableReport:
    name: str
    privacy: str
    rows: int
    suppressed_rows: int
    pseudonymised_columns: tuple[str, ...]
    wave_partitioned: bool
    waves: int


@dataclass(frozen=True)
class PublishReport:
    """What one publish did. Carries no key material (only where the key came from)."""

    version: str
    published_at: str
    key_source: str
    duckdb_path: str
    parquet_path: str
    tables: tuple[TableReport, ...]
    registered_but_absent: tuple[str, ...]
    unclassified: tuple[str, ...]
    warehouse_seconds: float
    seconds: float

    @property
    def row_counts(self) -> dict[str, int]:
        return {t.name: t.rows for t in self.tables}

    def to_dict(self) -> dict:
        return asdict(self)


def current_parquet_dir(serving_dir: str | os.PathLike[str]) -> Path:
    """The Parquet version a reader should use: resolve this once per query and read only below
    it, so a publish during the query cannot mix two versions."""
    return (Path(serving_dir) / PARQUET_LINK).resolve(strict=True)


def publish_serving(
    warehouse_path: str | os.PathLike[str],
    serving_dir: str | os.PathLike[str],
    key: PseudonymKey,
    *,
    registry: Mapping[str, MartTable] = REGISTRY,
    keep_versions: int = 2,
    lock_timeout_s: float = 600.0,
    on_stage: Callable[[str], None] | None = None,
) -> PublishReport:
    """Build and atomically swap in the serving DuckDB copy and Parquet folder.

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

    with _publish_lock(serving, lock_timeout_s):
        _remove_leftovers(serving)
        _check_link(serving / PARQUET_LINK)
        stage("locked")
        version = _new_version()
        published_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        tmp_db = serving / f"{_TMP_DB_PREFIX}{version}"
        versions_dir = serving / PARQUET_VERSIONS
        versions_dir.mkdir(exist_ok=True)
        tmp_version = versions_dir / f"{_TMP_VERSION_PREFIX}{version}"
        final_version = versions_dir / version

        con = duckdb.connect(":memory:")
        try:
            w0 = time.perf_counter()
            tables, absent, unclassified, columns = _copy_from_warehouse(con, warehouse, registry)
            warehouse_seconds = time.perf_counter() - w0
            stage("warehouse_copied")

            for table in tables:
                _check_waves(con, table)
            _check_no_undeclared_ids(con, tables, columns)

            register_pseudonym_function(con, key)
            con.execute(f"ATTACH {_sql_str(tmp_db)} AS srv")
            con.execute(f"CREATE SCHEMA srv.{MARTS_SCHEMA}")
            reports = [_build_table(con, t, columns[t.name]) for t in tables]
            _write_meta(con, version, published_at, key, reports)
            con.execute("CHECKPOINT srv")
            stage("duckdb_built")

            tmp_version.mkdir()
            waves = {t.name: _write_parquet(con, t, tmp_version) for t in tables}
            reports = [
                TableReport(**{**asdict(r), "waves": waves[r.name]}) for r in reports
            ]
            stage("parquet_written")
            con.execute("DETACH srv")
        finally:
            con.close()

        if Path(f"{tmp_db}.wal").exists():
            raise PublishError(f"{tmp_db}: DuckDB left a WAL after checkpoint and close")
        _fsync(tmp_db)
        manifest = {
            "version": version,
            "published_at": published_at,
            "key_source": key.source,
            "tables": {r.name: asdict(r) for r in reports},
        }
        (tmp_version / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        _fsync_tree(tmp_version)
        os.rename(tmp_version, final_version)
        _fsync(versions_dir)
        stage("files_synced")

        db_path = serving / SERVING_DB
        os.replace(tmp_db, db_path)
        _fsync(serving)
        stage("duckdb_swapped")

        link = serving / PARQUET_LINK
        previous = _swap_link(link, f"{PARQUET_VERSIONS}/{version}")
        stage("parquet_swapped")
        _prune_versions(versions_dir, keep={version, previous}, keep_versions=keep_versions)

    report = PublishReport(
        version=version,
        published_at=published_at,
        key_source=key.source,
        duckdb_path=str(db_path),
        parquet_path=str(final_version),
        tables=tuple(reports),
        registered_but_absent=tuple(absent),
        unclassified=tuple(unclassified),
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


def _copy_from_warehouse(
    con: duckdb.DuckDBPyConnection, warehouse: Path, registry: Mapping[str, MartTable]
) -> tuple[list[MartTable], list[str], list[str], dict[str, dict[str, str]]]:
    """Copy the registered marts (and the population's ids) into memory, then let go of the file."""
    con.execute(f"ATTACH {_sql_str(warehouse)} AS wh (READ_ONLY)")
    try:
        present = mart_tables(con, "wh")
        tables = [registry[name] for name in present if name in registry]
        absent = sorted(set(registry) - set(present))
        unclassified = [name for name in present if name not in registry]
        for name in unclassified:
            log.warning(
                "mart %s.%s is not in the serving registry and is NOT published; "
                "classify it in scl_pipeline/lib/serving/catalog.py",
                MARTS_SCHEMA,
                name,
            )
        columns: dict[str, dict[str, str]] = {}
        for table in tables:
            rows = con.execute(
                "select column_name, data_type from duckdb_columns() where database_name = 'wh' "
                "and schema_name = $s and table_name = $t order by column_index",
                {"s": MARTS_SCHEMA, "t": table.name},
            ).fetchall()
            columns[table.name] = dict(rows)
            table.check_columns(columns[table.name])
        for table in tables:
            con.execute(
                f"CREATE TABLE memory.main.{quote('src_' + table.name)} AS "
                f"SELECT * FROM wh.{MARTS_SCHEMA}.{quote(table.name)}"
            )
        schema, name, column = _HR_IDS
        has_hr = con.execute(
            "select count(*) from duckdb_columns() where database_name = 'wh' and schema_name = $s "
            "and table_name = $t and column_name = $c",
            {"s": schema, "t": name, "c": column},
        ).fetchall()[0][0]
        source = f"SELECT DISTINCT {column} AS id FROM wh.{schema}.{name} WHERE {column} IS NOT NULL"
        con.execute(
            "CREATE TABLE memory.main.known_ids AS "
            + (source if has_hr else "SELECT NULL::VARCHAR AS id WHERE false")
        )
    finally:
        con.execute("DETACH wh")
    return tables, absent, unclassified, columns


def _check_waves(con: duckdb.DuckDBPyConnection, table: MartTable) -> None:
    if not table.wave_partitioned:
        return
    bad = con.execute(
        f"SELECT {WAVE_COLUMN}, count(*) FROM {quote('src_' + table.name)} "
        f"WHERE {WAVE_COLUMN} IS NULL OR NOT regexp_full_match({WAVE_COLUMN}::VARCHAR, "
        "'[0-9]{4}-Q[1-4]') GROUP BY ALL ORDER BY 2 DESC LIMIT 5"
    ).fetchall()
    if bad:
        raise PublishError(
            f"{table.qualified_name}.{WAVE_COLUMN}: values that are not wave names like 2021-Q3 "
            f"(value, rows): {bad}"
        )


def _check_no_undeclared_ids(
    con: duckdb.DuckDBPyConnection,
    tables: list[MartTable],
    columns: Mapping[str, Mapping[str, str]],
) -> None:
    """Refuse to publish a real employee id from a column the registry does not pseudonymise."""
    for table in tables:
        for id_column in table.id_columns:
            values = (
                f"unnest({quote(id_column)})"
                if columns[table.name][id_column].upper().endswith("[]")
                else quote(id_column)
            )
            con.execute(
                f"INSERT INTO known_ids SELECT DISTINCT {values} "
                f"FROM {quote('src_' + table.name)}"
            )
    for table in tables:
        for name, dtype in columns[table.name].items():
            if name in table.id_columns or dtype.upper() not in ("VARCHAR", "VARCHAR[]"):
                continue
            values = f"unnest({quote(name)})" if dtype.upper() == "VARCHAR[]" else quote(name)
            hits = con.execute(
                f"SELECT count(*) FROM (SELECT {values} AS v FROM {quote('src_' + table.name)}) "
                "WHERE v IN (SELECT id FROM known_ids)"
            ).fetchall()[0][0]
            if hits:
                raise CatalogError(
                    f"{table.qualified_name}.{name}: {hits} value(s) are employee ids but the "
                    "column is not a declared id column of a person table; register it so it is "
                    "pseudonymised"
                )


def _build_table(
    con: duckdb.DuckDBPyConnection, table: MartTable, columns: Mapping[str, str]
) -> TableReport:
    order = ", ".join(quote(c) for c in table.key_columns)
    con.execute(
        f"CREATE TABLE srv.{MARTS_SCHEMA}.{quote(table.name)} AS "
        f"SELECT {serving_select_list(table, columns)} "
        f"FROM {quote('src_' + table.name)} ORDER BY {order}"
    )
    con.execute(f"DROP TABLE {quote('src_' + table.name)}")
    target = f"srv.{MARTS_SCHEMA}.{quote(table.name)}"
    rows = con.execute(f"SELECT count(*) FROM {target}").fetchall()[0][0]
    suppressed = (
        con.execute(f"SELECT count(*) FROM {target} WHERE {SUPPRESSED_COLUMN}").fetchall()[0][0]
        if table.privacy == "group" or table.quasi_identifiers
        else 0
    )
    return TableReport(
        name=table.name,
        privacy=table.privacy,
        rows=int(rows),
        suppressed_rows=int(suppressed),
        pseudonymised_columns=table.id_columns,
        wave_partitioned=table.wave_partitioned,
        waves=0,
    )


def _write_meta(
    con: duckdb.DuckDBPyConnection,
    version: str,
    published_at: str,
    key: PseudonymKey,
    reports: list[TableReport],
) -> None:
    """Version stamp and row counts inside the copy, so a reader can check what it sees."""
    con.execute(f"CREATE SCHEMA srv.{META_SCHEMA}")
    con.execute(
        f"CREATE TABLE srv.{META_SCHEMA}.publication AS SELECT $v AS version, "
        "$at::TIMESTAMPTZ AS published_at, $src AS key_source",
        {"v": version, "at": published_at, "src": key.source},
    )
    con.execute(
        f"CREATE TABLE srv.{META_SCHEMA}.published_tables (table_name VARCHAR, privacy VARCHAR, "
        "row_count BIGINT, suppressed_rows BIGINT, pseudonymised_columns VARCHAR[], "
        "wave_partitioned BOOLEAN)"
    )
    for r in reports:
        con.execute(
            f"INSERT INTO srv.{META_SCHEMA}.published_tables VALUES ($n, $p, $r, $s, $c, $w)",
            {
                "n": r.name,
                "p": r.privacy,
                "r": r.rows,
                "s": r.suppressed_rows,
                "c": list(r.pseudonymised_columns),
                "w": r.wave_partitioned,
            },
        )


def _write_parquet(con: duckdb.DuckDBPyConnection, table: MartTable, root: Path) -> int:
    """``<table>/wave=<w>/part-0.parquet`` for wave-grain tables, ``<table>/part-0.parquet`` for
    the rest (and for an empty wave-grain table, which has no partition to write)."""
    source = f"srv.{MARTS_SCHEMA}.{quote(table.name)}"
    folder = root / table.name
    waves = 0
    if table.wave_partitioned:
        waves = con.execute(f"SELECT count(DISTINCT {WAVE_COLUMN}) FROM {source}").fetchall()[0][0]
    if waves:
        con.execute(
            f"COPY {source} TO {_sql_str(folder)} (FORMAT parquet, "
            f"PARTITION_BY ({WAVE_COLUMN}), FILENAME_PATTERN 'part-{{i}}')"
        )
    else:
        folder.mkdir()
        con.execute(f"COPY {source} TO {_sql_str(folder / 'part-0.parquet')} (FORMAT parquet)")
    return int(waves)


def _swap_link(link: Path, target: str) -> str | None:
    """Repoint ``link`` at ``target`` atomically; return the version it pointed at before."""
    _check_link(link)
    previous = Path(os.readlink(link)).name if link.is_symlink() else None
    tmp = link.parent / f"{_TMP_LINK_PREFIX}{Path(target).name}"
    os.symlink(target, tmp)
    os.replace(tmp, link)
    _fsync(link.parent)
    return previous


def _check_link(link: Path) -> None:
    if link.exists() and not link.is_symlink():
        raise PublishError(
            f"{link} exists and is not a symlink: move it away; publish manages it as a link to "
            f"{PARQUET_VERSIONS}/<version>"
        )


def _prune_versions(versions_dir: Path, keep: set[str | None], keep_versions: int) -> None:
    complete = sorted(
        p.name for p in versions_dir.iterdir() if p.is_dir() and not p.name.startswith(".")
    )
    retained = set(complete[-keep_versions:]) | {k for k in keep if k}
    for name in complete:
        if name not in retained:
            shutil.rmtree(versions_dir / name, ignore_errors=True)


def _remove_leftovers(serving: Path) -> None:
    """Temporary files of a publish that died (only ever called under the publish lock)."""
    for path in serving.glob(f"{_TMP_DB_PREFIX}*"):
        path.unlink(missing_ok=True)
    for path in serving.glob(f"{_TMP_LINK_PREFIX}*"):
        path.unlink(missing_ok=True)
    versions_dir = serving / PARQUET_VERSIONS
    if versions_dir.is_dir():
        for path in versions_dir.glob(f"{_TMP_VERSION_PREFIX}*"):
            shutil.rmtree(path, ignore_errors=True)


@contextmanager
def _publish_lock(serving: Path, timeout_s: float) -> Iterator[None]:
    fd = os.open(serving / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
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


def _new_version() -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{secrets.token_hex(3)}"


def _sql_str(path: str | os.PathLike[str]) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            _fsync(Path(dirpath) / name)
        _fsync(Path(dirpath))
