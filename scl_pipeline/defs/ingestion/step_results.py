"""What an ingestion step yields (defs/ingestion/assets.py): its load through lib.ingestion.loading,
then its materializations and check results, or, for a rejected slice, its recorded checks and a
clear Failure."""

from collections.abc import Callable, Iterator
from typing import TypeVar

import dagster as dg
import pandas as pd

from scl_pipeline.defs.ingestion.check_assets import quality_result, quarantine_result
from scl_pipeline.defs.ingestion.checks import column_profile, file_check_results, gate_check_result, raw_key
from scl_pipeline.defs.resources import DataLakeResource
from scl_pipeline.lib.contract import FileSpec
from scl_pipeline.lib.ingestion.check_tables import check_tables
from scl_pipeline.lib.ingestion.coerce import CoercionError
from scl_pipeline.lib.ingestion.loading import Gates, LoadOutcome, load_validated
from scl_pipeline.lib.ingestion.readers import LandedFile, StreamedFile
from scl_pipeline.lib.ingestion.survey_read import FrameSource
from scl_pipeline.lib.ingestion.validation import ValidationReport
from scl_pipeline.lib.ingestion.values import MatchOptions

T = TypeVar("T")


def now() -> pd.Timestamp:
    return pd.Timestamp.now(tz="UTC").tz_localize(None)


def load(
    context: dg.AssetExecutionContext,
    lake: DataLakeResource,
    reports: list[tuple[FileSpec, ValidationReport]],
    clean: dict[FileSpec, pd.DataFrame],
    slice_value: str | None,
    scope: str,
    options: MatchOptions,
    gates: Gates | None = None,
    typed: dict[FileSpec, pd.DataFrame] | None = None,
) -> LoadOutcome:
    return typing(
        lambda: load_validated(
            lake.warehouse, [r for _, r in reports], clean, slice_value, scope, context.run_id, now(), options, gates,
            typed,
        )
    )


def typing(call: Callable[[], T]) -> T:
    """``call()``, a value validation let through but typing refused failing the run clearly."""
    try:
        return call()
    except CoercionError as exc:
        raise dg.Failure(description=str(exc), metadata={"file": exc.file, "column": exc.column}) from None


def step_results(
    lake: DataLakeResource,
    scope: str,
    reports: list[tuple[FileSpec, ValidationReport]],
    outcome: LoadOutcome,
    landed: dict[FileSpec, list[LandedFile | StreamedFile | FrameSource]],
    profiled: dict[FileSpec, pd.DataFrame] | None = None,
    extra: dict[FileSpec, dict[str, object]] | None = None,
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    """Materializations (when accepted) and check results; a rejection ends in a clear Failure.
    The column profile is of each kind's first landed frame, or of ``profiled``'s frame (a
    streamed survey: its loaded rows)."""
    checks = [result for spec, report in reports for result in file_check_results(spec, report)]
    if outcome.gates:
        checks.append(gate_check_result(outcome.gates))
    tables = check_tables(scope)
    quality = quality_result(lake, scope, outcome.checks_written[tables.quality], outcome.accepted)
    if not outcome.accepted:
        yield quality  # the rejected attempt's checks were recorded
        yield from checks
        problems = [f.message for _, report in reports for f in report.errors]
        gates = [g.message for g in outcome.failed_gates]
        files = ", ".join(report.file for _, report in reports)
        what = f"{len(problems)} failed expectation(s)" if problems else f"{len(gates)} failed sanity gate(s) of {files}"
        raise dg.Failure(
            description=f"{scope} rejected, warehouse unchanged: {what}\n- " + "\n- ".join((problems + gates)[:10]),
            metadata={
                "failed_expectations": [f.expectation for _, r in reports for f in r.errors],
                "failed_gates": [g.name for g in outcome.failed_gates],
            },
        )
    for spec, files in landed.items():
        profiled_frame = (profiled or {}).get(spec)
        frames = [profiled_frame] if profiled_frame is not None else [f.frame for f in files if isinstance(f, LandedFile)]
        # A header found below a title (readers.find_header): which row was used, per file.
        below_title = {str(f.path): f.header_row for f in files if f.header_row > 1}
        yield dg.MaterializeResult(
            asset_key=raw_key(spec),
            metadata={
                "scope": scope,
                "dagster/row_count": dg.MetadataValue.int(outcome.written.get(spec.table, 0)),
                "quarantined_rows": int(sum(len(r.quarantine) for s, r in reports if s == spec)),
                "source_files": dg.MetadataValue.json([str(f.path) for f in files]),
                "dropped_pii_columns": dg.MetadataValue.json(sorted({c for f in files for c in f.dropped_pii})),
                "ignored_columns": dg.MetadataValue.json(sorted({c for f in files for c in f.ignored_columns})),
                # Counts per column, never rows: event metadata is no place for ids or names.
                "columns": dg.MetadataValue.md(column_profile(frames[0]) if frames else "no rows"),
                **({"header_row": dg.MetadataValue.json(below_title)} if below_title else {}),
                **(extra or {}).get(spec, {}),
            },
        )
    yield quality
    yield quarantine_result(lake, scope, outcome.checks_written[tables.quarantine])
    yield from checks
