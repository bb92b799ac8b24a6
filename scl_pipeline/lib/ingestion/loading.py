"""Load validated landing files into the raw layer, or reject them without touching it.

Accepted: the slice's raw rows, its quarantine rows and its data-quality rows change together
in one transaction. Rejected (an ERROR finding, or a failed sanity gate): only the slice's
data-quality rows change, so the previous good contents of the warehouse stay exactly as they
were.

The data-quality rows keep, per scope (a wave, ``program``, ``experiments``), the checks of the
run whose files are loaded (``load_status = 'loaded'``) and those of the latest rejected attempt
after it (``'rejected'``): re-running a wave replaces its rows instead of adding a copy, and BI
reads the quality of what is loaded with one filter. Each step writes them, and its quarantined
rows, to tables of its own (lib.ingestion.check_tables); ``marts.data_quality`` and
``raw.quarantine`` are their unions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from scl_pipeline.lib.ingestion.check_tables import check_tables, write_quality, write_quarantine
from scl_pipeline.lib.ingestion.coerce import coerce_frame
from scl_pipeline.lib.contract import FileSpec
from scl_pipeline.lib.ingestion.gates import GateResult
from scl_pipeline.lib.ingestion.raw_tables import SLICE_COLUMN, ensure_raw_tables, replace_slice_rows
from scl_pipeline.lib.ingestion.validation import ValidationReport
from scl_pipeline.lib.ingestion.validation.records import gate_rows, quality_rows, quarantine_rows
from scl_pipeline.lib.ingestion.values import MatchOptions
from scl_pipeline.lib.warehouse.connection import transaction

Connect = Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]]
# Called with the typed frames of a slice whose files passed every ERROR expectation.
Gates = Callable[[Mapping[FileSpec, pd.DataFrame]], Sequence[GateResult]]


@dataclass
class LoadOutcome:
    accepted: bool
    written: dict[str, int] = field(default_factory=dict)
    quarantined: int = 0
    quality: pd.DataFrame = field(default_factory=pd.DataFrame)
    gates: list[GateResult] = field(default_factory=list)
    # Rows each check table (lib.ingestion.check_tables) holds for the scope after the load.
    checks_written: dict[str, int] = field(default_factory=dict)

    @property
    def failed_gates(self) -> list[GateResult]:
        return [g for g in self.gates if not g.passed]


def load_validated(
    connect: Connect,
    reports: Sequence[ValidationReport],
    clean: Mapping[FileSpec, pd.DataFrame],
    slice_value: str | None,
    scope: str,
    run_id: str,
    now: pd.Timestamp,
    options: MatchOptions | None = None,
    gates: Gates | None = None,
    typed: Mapping[FileSpec, pd.DataFrame] | None = None,
) -> LoadOutcome:
    """Write the ``clean`` frames as the slice ``slice_value`` if every report and gate passed.

    ``clean`` holds per file kind the validated rows (several files of a kind concatenated, with
    their slice column such as ``experiment_id``). ``scope`` names the slice in the quarantine
    and data-quality tables (a wave, ``program``, ``experiments``). ``gates`` (lib.ingestion.gates)
    runs on the typed frames once the reports passed; a failed gate rejects the slice. ``typed``
    holds file kinds already typed (a survey streamed in chunks, lib.ingestion.survey_stream).
    """
    quality = quality_rows(reports, run_id, scope, now)
    if not all(report.passed for report in reports):
        held = record_quality(connect, quality, scope, accepted=False)
        return LoadOutcome(accepted=False, quality=quality, checks_written={check_tables(scope).quality: held})
    typed = dict(typed or {})
    for spec, frame in clean.items():
        typed[spec] = coerce_frame(frame, spec, options)
        slice_column = SLICE_COLUMN[spec.grain]
        if slice_column in frame.columns:
            typed[spec][slice_column] = frame[slice_column].to_numpy()
    results = list(gates(typed)) if gates else []
    if results:
        files = {report.file_kind: report.file for report in reports}
        quality = pd.concat([quality, gate_rows(results, files, run_id, scope, now)], ignore_index=True)
    if not all(gate.passed for gate in results):
        held = record_quality(connect, quality, scope, accepted=False)
        return LoadOutcome(accepted=False, quality=quality, gates=results, checks_written={check_tables(scope).quality: held})
    quarantine = quarantine_rows(reports, run_id, now)
    tables = check_tables(scope)
    with connect() as con:
        ensure_raw_tables(con)
        with transaction(con):
            written = replace_slice_rows(con, typed, slice_value, now)
            checks = {tables.quarantine: write_quarantine(con, quarantine, scope)}
            checks[tables.quality] = write_quality(con, quality, scope, accepted=True)
    return LoadOutcome(
        accepted=True, written=written, quarantined=len(quarantine), quality=quality, gates=results, checks_written=checks
    )


def record_quality(connect: Connect, quality: pd.DataFrame, scope: str, accepted: bool = False) -> int:
    """Record data-quality rows alone (a rejected or unreadable slice); returns the rows the
    scope's step's data-quality table now holds for the scope."""
    with connect() as con:
        with transaction(con):
            return write_quality(con, quality, scope, accepted)
