"""Ingestion: landing files -> raw warehouse tables, one wave (or roster, or experiment) at a time."""


from collections.abc import Iterator

import dagster as dg
import pandas as pd

from scl_pipeline.defs.partitions import PROGRAM_GRAIN, WAREHOUSE_POOL, WAVE_GRAIN, wave_partitions
from scl_pipeline.defs.resources import DataLakeResource
from scl_pipeline.lib.landing.coerce import CoercionError, coerce_frame
from scl_pipeline.lib.landing.contract import (
    ASSIGNMENT,
    HR_EXPORT,
    INTERACTIONS,
    ONA_SURVEY,
    PARTICIPANTS,
    FileSpec,
)
from scl_pipeline.lib.landing.discovery import read_experiments, read_program, read_wave
from scl_pipeline.lib.landing.readers import LandedFile, LandingFileError
from scl_pipeline.lib.warehouse.raw_tables import replace_slice
from scl_pipeline.lib.waves import partition_key_to_wave

GROUP = "ingestion"


def raw_key(spec: FileSpec) -> dg.AssetKey:
    return dg.AssetKey(spec.table.split("."))


def _spec(spec: FileSpec, description: str) -> dg.AssetSpec:
    grain = WAVE_GRAIN if spec.grain == "wave" else PROGRAM_GRAIN
    return dg.AssetSpec(raw_key(spec), description=description, group_name=GROUP, kinds={"duckdb"}, tags=grain)


def _file_metadata(landed: LandedFile, written: int) -> dict[str, dg.MetadataValue]:
    return {
        "dagster/row_count": dg.MetadataValue.int(written),
        "source_file": dg.MetadataValue.path(str(landed.path)),
        "dropped_pii_columns": dg.MetadataValue.json(landed.dropped_pii),
        "ignored_columns": dg.MetadataValue.json(landed.ignored_columns),
        "preview": dg.MetadataValue.md(landed.frame.head(5).to_markdown(index=False)),
    }


def _typed(landed: LandedFile) -> pd.DataFrame:
    try:
        return coerce_frame(landed.frame, landed.spec)
    except CoercionError as exc:
        raise dg.Failure(description=str(exc), metadata={"file": exc.file, "column": exc.column}) from None


def _landing_failure(exc: LandingFileError) -> dg.Failure:
    return dg.Failure(description=str(exc), metadata={"file": exc.path, "problem": exc.problem})


@dg.multi_asset(
    specs=[
        _spec(HR_EXPORT, "The wave's HR export: the population of the wave (one row per employee)."),
        _spec(ONA_SURVEY, "The wave's ONA survey answers: one row per nomination as landed."),
    ],
    partitions_def=wave_partitions,
    pool=WAREHOUSE_POOL,
    can_subset=False,
)
def wave_exports(context: dg.AssetExecutionContext, lake: DataLakeResource) -> Iterator[dg.MaterializeResult]:
    """Load one wave's HR export and survey; replaces exactly that wave's rows in one transaction."""
    wave = partition_key_to_wave(context.partition_key)
    try:
        files = read_wave(lake.lake, wave)
    except LandingFileError as exc:
        raise _landing_failure(exc) from None
    typed = {files[spec.name].spec: _typed(files[spec.name]) for spec in (HR_EXPORT, ONA_SURVEY)}
    with lake.warehouse() as con:
        written = replace_slice(con, typed, wave, pd.Timestamp.now(tz="UTC").tz_localize(None))
    for spec in (HR_EXPORT, ONA_SURVEY):
        yield dg.MaterializeResult(
            asset_key=raw_key(spec),
            metadata={"wave": wave, **_file_metadata(files[spec.name], written[spec.table])},
        )


@dg.asset(
    key=raw_key(PARTICIPANTS),
    group_name=GROUP,
    tags=PROGRAM_GRAIN,
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
)
def participants(lake: DataLakeResource) -> dg.MaterializeResult:
    """The SCL program roster across waves (who took part, in which cohort)."""
    try:
        landed = read_program(lake.lake)
    except LandingFileError as exc:
        raise _landing_failure(exc) from None
    if landed is None:
        return dg.MaterializeResult(metadata={"dagster/row_count": 0, "note": "no program roster has landed"})
    with lake.warehouse() as con:
        written = replace_slice(con, {PARTICIPANTS: _typed(landed)}, None, pd.Timestamp.now())
    return dg.MaterializeResult(metadata=_file_metadata(landed, written[PARTICIPANTS.table]))


@dg.multi_asset(
    specs=[
        _spec(ASSIGNMENT, "Experiment group assignment (program or control), all experiments."),
        _spec(INTERACTIONS, "Experiment question/answer logs, all experiments."),
    ],
    pool=WAREHOUSE_POOL,
    can_subset=False,
)
def experiments(lake: DataLakeResource) -> Iterator[dg.MaterializeResult]:
    """Load every experiment folder; replaces both tables whole, so a removed experiment disappears."""
    try:
        landed = read_experiments(lake.lake)
    except LandingFileError as exc:
        raise _landing_failure(exc) from None
    frames: dict[FileSpec, pd.DataFrame] = {}
    for spec in (ASSIGNMENT, INTERACTIONS):
        parts = [_typed(files[spec.name]).assign(experiment_id=exp_id) for exp_id, files in landed.items()]
        frames[spec] = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
            columns=["experiment_id", "source_file", "source_row", *spec.columns]
        )
    with lake.warehouse() as con:
        written = replace_slice(con, frames, None, pd.Timestamp.now())
    for spec in (ASSIGNMENT, INTERACTIONS):
        yield dg.MaterializeResult(
            asset_key=raw_key(spec),
            metadata={
                "dagster/row_count": dg.MetadataValue.int(written[spec.table]),
                "experiments": dg.MetadataValue.json(sorted(landed)),
            },
        )
