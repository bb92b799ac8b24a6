"""Each ingestion step's own check tables as assets of that step (lib.ingestion.check_tables).

The wave, roster and experiments steps each declare ``raw/<grain>_quarantine`` and
``raw/<grain>_data_quality`` beside their raw tables and materialise them with row counts and a
preview: the quarantine's metadata counts rows by file and reason (its rows hold ids), the
data-quality table's shows its checks (it is published to BI). A rejected or unreadable slice
materialises its data-quality table before the run fails: those rows were written.
"""

from collections.abc import Iterator

import dagster as dg

from scl_pipeline.defs.resources import DataLakeResource
from scl_pipeline.lib.ingestion.check_tables import CHECK_TABLES, check_tables, quarantine_counts

Results = Iterator[dg.MaterializeResult | dg.AssetCheckResult]


def table_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(table.split("."))


def check_table_specs(grain: str, **spec_args) -> list[dg.AssetSpec]:
    """The step's own check tables, written by it alone; ``spec_args`` as its raw tables'."""
    tables = CHECK_TABLES[grain]
    return [
        dg.AssetSpec(
            table_key(tables.quarantine),
            description=f"The rows this {grain} step set aside, with their reasons and original values, for the "
            "loaded run of each scope (warehouse only). raw/quarantine unions the steps' tables.",
            **spec_args,
        ),
        dg.AssetSpec(
            table_key(tables.quality),
            description=f"Every check this {grain} step ran, per scope: the loaded run's and the latest rejected "
            "attempt's (load_status). marts/data_quality unions the steps' tables for BI.",
            **spec_args,
        ),
    ]


class Unreadable(Exception):
    """A landing file could not be read: its data-quality row is recorded (``recorded``), the run
    fails with ``failure`` (:func:`recording`)."""

    def __init__(self, recorded: dg.MaterializeResult, failure: dg.Failure):
        super().__init__(failure.description)
        self.recorded, self.failure = recorded, failure


def recording(body: Results) -> Results:
    """``body``'s results; an unreadable file ends them with its data-quality table's
    materialisation (the row was written), then the run's failure."""
    try:
        yield from body
    except Unreadable as exc:
        yield exc.recorded
        raise exc.failure from None


def quality_result(lake: DataLakeResource, scope: str, rows: int, accepted: bool) -> dg.MaterializeResult:
    """The step's data-quality table after a write: the scope's rows and a preview of them (the
    table is published to BI: it holds row numbers and counts, never values)."""
    table = check_tables(scope).quality
    with lake.warehouse() as con:
        preview = con.execute(
            f"SELECT load_status, file_kind, check_name, rows_checked, rows_failed, outcome FROM {table} "
            "WHERE scope = $scope ORDER BY load_status, file_kind, check_name LIMIT 60",
            {"scope": scope},
        ).df()
    return dg.MaterializeResult(
        asset_key=table_key(table),
        metadata={
            "scope": scope,
            "accepted": accepted,
            "dagster/row_count": dg.MetadataValue.int(rows),
            "preview": dg.MetadataValue.md(preview.to_markdown(index=False)),
        },
    )


def quarantine_result(lake: DataLakeResource, scope: str, rows: int) -> dg.MaterializeResult:
    """The step's quarantine table after a load: the scope's rows, counted by file and reason."""
    table = check_tables(scope).quarantine
    with lake.warehouse() as con:
        counts = quarantine_counts(con, table, scope)
    return dg.MaterializeResult(
        asset_key=table_key(table),
        metadata={
            "scope": scope,
            "dagster/row_count": dg.MetadataValue.int(rows),
            "rows_by_reason": dg.MetadataValue.md(counts.to_markdown(index=False) if len(counts) else "no row set aside"),
        },
    )
