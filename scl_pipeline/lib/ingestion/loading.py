"""Load validated landing files into the raw layer, or reject them without touching it.

Accepted: the slice's raw rows, its quarantine rows and the data-quality rows change together in
one transaction. Rejected: only the data-quality rows are appended, so the previous good
contents of the warehouse stay exactly as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from scl_pipeline.lib.ingestion.coerce import coerce_frame
from scl_pipeline.lib.ingestion.contract import FileSpec
from scl_pipeline.lib.ingestion.validation import ValidationReport
from scl_pipeline.lib.ingestion.validation.records import (
    DATA_QUALITY_TABLE,
    QUARANTINE_TABLE,
    quality_rows,
    quarantine_rows,
)
from scl_pipeline.lib.ingestion.raw_tables import SLICE_COLUMN, ensure_raw_tables, replace_slice_rows
from scl_pipeline.lib.warehouse.connection import transaction
from scl_pipeline.lib.warehouse.tables import append_rows, replace_partition

Connect = Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]]


@dataclass
class LoadOutcome:
    accepted: bool
    written: dict[str, int] = field(default_factory=dict)
    quarantined: int = 0
    quality: pd.DataFrame = field(default_factory=pd.DataFrame)


def load_validated(
    connect: Connect,
    reports: Sequence[ValidationReport],
    clean: Mapping[FileSpec, pd.DataFrame],
    slice_value: str | None,
    scope: str,
    run_id: str,
    now: pd.Timestamp,
) -> LoadOutcome:
    """Write the ``clean`` frames as the slice ``slice_value`` if every report passed.

    ``clean`` holds per file kind the validated rows (several files of a kind concatenated, with
    their slice column such as ``experiment_id``). ``scope`` names the slice in the quarantine
    and data-quality tables (a wave, ``program``, ``experiments``).
    """
    quality = quality_rows(reports, run_id, scope, now)
    if not all(report.passed for report in reports):
        record_quality(connect, quality)
        return LoadOutcome(accepted=False, quality=quality)
    typed = {}
    for spec, frame in clean.items():
        typed[spec] = coerce_frame(frame, spec)
        slice_column = SLICE_COLUMN[spec.grain]
        if slice_column in frame.columns:
            typed[spec][slice_column] = frame[slice_column].to_numpy()
    quarantine = quarantine_rows(reports, run_id, now)
    with connect() as con:
        ensure_raw_tables(con)
        with transaction(con):
            written = replace_slice_rows(con, typed, slice_value, now)
            replace_partition(con, QUARANTINE_TABLE, quarantine, "scope", scope)
            append_rows(con, DATA_QUALITY_TABLE, quality)
    return LoadOutcome(accepted=True, written=written, quarantined=len(quarantine), quality=quality)


def record_quality(connect: Connect, quality: pd.DataFrame) -> None:
    """Append data-quality rows alone (a rejected or unreadable slice)."""
    with connect() as con:
        with transaction(con):
            append_rows(con, DATA_QUALITY_TABLE, quality)
