"""What a publication is: the serving folder's layout, what one publish did, and its errors.

``<serving>/scl.duckdb`` (the DuckDB copy) and ``<serving>/parquet`` (a link to
``parquet_versions/<version>/``, one folder per table, wave-grain tables partitioned by wave).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path

SERVING_DB = "scl.duckdb"
PARQUET_LINK = "parquet"
PARQUET_VERSIONS = "parquet_versions"
MANIFEST = "_publication.json"
META_SCHEMA = "serving"
LOCK_FILE = ".publish.lock"
# The DuckDB storage format of ``scl.duckdb`` (the warehouse keeps the newest). BI connectors embed
# a 1.x DuckDB (ODBC/JDBC drivers, Node.js, Metabase/Superset drivers), and a file in DuckDB 2.0's
# format (``v2.0.0+``) is refused by every 1.x release. ``v1.0.0`` is read by DuckDB 1.0 and
# later (tested with 1.1.3, 1.4.4 and 1.5.6: scl_pipeline_tests/e2e/test_bi_clients.py) and keeps
# every type the copy holds (VARCHAR, VARCHAR[], BOOLEAN, INTEGER, BIGINT, DOUBLE, TIMESTAMP_NS,
# TIMESTAMPTZ); DuckDB then skips newer compression methods, which the copy's size barely feels.
SERVING_STORAGE_VERSION = "v1.0.0"


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
    storage_version: str  # of scl.duckdb, as DuckDB reports it (``v1.0.0+``: readable from 1.0 on)
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


def sql_str(path: str | os.PathLike[str]) -> str:
    return "'" + str(path).replace("'", "''") + "'"
