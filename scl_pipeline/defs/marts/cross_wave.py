"""What the cross-wave marts share: their asset decorator (grain ``all_waves``, group ``marts``,
the warehouse pool, re-run by the cross-wave automation when any wave changes), reading the
program's waves, writing a whole table, and the metadata every one of them shows."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import dagster as dg
import pandas as pd

from scl_pipeline.defs.ingestion.checks import ROSTER_KEY
from scl_pipeline.defs.marts.person_wave_metrics import PERSON_KEY
from scl_pipeline.defs.marts.specs import MARTS_GROUP, mart_key
from scl_pipeline.defs.network.snapshot_io import SNAPSHOT_KEY, every_wave_in
from scl_pipeline.defs.partitions import ALL_WAVES_GRAIN, WAREHOUSE_POOL
from scl_pipeline.defs.resources import DataLakeResource
from scl_pipeline.lib.impact.config import ImpactConfig
from scl_pipeline.lib.impact.cross_wave import MartRows, ProgramWaves
from scl_pipeline.lib.warehouse.nothing_to_measure import METADATA_KEY, no_wave_reason
from scl_pipeline.lib.warehouse.reads import person_metric_waves, person_metrics_of, program_roster
from scl_pipeline.lib.warehouse.tables import replace_table


def cross_wave_mart(
    table: str, *, deps: tuple[dg.AssetKey, ...] = (), kinds: tuple[str, ...] = ("duckdb",), reads_graphs: bool = False
) -> Callable:
    """``@dg.asset`` of ``marts.<table>``, read from every wave's person metrics and graph
    snapshot and the program roster (plus ``deps``); its docstring is its description.
    ``reads_graphs``: the asset takes ``snapshots``, every wave's graph snapshot
    (:class:`~scl_pipeline.lib.network.wave_graphs.WaveSnapshots`, one wave loaded at a time)."""
    return dg.asset(
        key=mart_key(table),
        deps=[PERSON_KEY, *(() if reads_graphs else (SNAPSHOT_KEY,)), ROSTER_KEY, *deps],
        ins={"snapshots": every_wave_in()} if reads_graphs else None,
        group_name=MARTS_GROUP,
        tags=ALL_WAVES_GRAIN,
        kinds=set(kinds),
        pool=WAREHOUSE_POOL,
    )


@contextmanager
def failing_clearly() -> Iterator[None]:
    """A configuration error (a baseline override that is not a loaded wave, a bad
    ``roi_assumptions.toml``) ends the step with its message, which names the file and key."""
    try:
        yield
    except ValueError as exc:
        raise dg.Failure(description=str(exc)) from None


def impact_config(impact) -> ImpactConfig:
    """The ``impact`` resource's settings; a bad value fails the step naming the setting."""
    with failing_clearly():
        return impact.config()


def read_program(
    lake: DataLakeResource, config: ImpactConfig, metric_columns: tuple[str, ...] = (), every_wave: bool = False
) -> tuple[ProgramWaves, dict[str, pd.DataFrame]]:
    """The program's waves and baseline, and (with ``metric_columns``) those person-metric
    columns of the baseline and every later wave (``every_wave``: of every wave, for the event
    study): nothing else is read."""
    with lake.warehouse() as con:
        with failing_clearly():
            program = ProgramWaves.of(person_metric_waves(con), program_roster(con), config)
        compared = list(program.event_waves if every_wave else program.compared_waves)
        metrics = person_metrics_of(con, compared, metric_columns) if metric_columns and compared else {}
    return program, metrics


def no_wave(lake: DataLakeResource) -> str | None:
    """Why this cross-wave asset has nothing to measure (no wave is loaded), else None."""
    with lake.warehouse() as con:
        return no_wave_reason(con)


def measured(lake: DataLakeResource, result: MartRows) -> MartRows:
    """``result``, or no rows with the nothing-to-measure reason when no wave is loaded."""
    reason = no_wave(lake)
    return result if reason is None else result.emptied(reason)


def nothing_metadata(reason: str) -> dict:
    """The metadata of an asset with nothing to measure: no rows, and why."""
    return {"dagster/row_count": dg.MetadataValue.int(0), METADATA_KEY: dg.MetadataValue.text(reason)}


def write_mart(lake: DataLakeResource, table: str, result: MartRows) -> int:
    with lake.warehouse() as con:
        return replace_table(con, f"marts.{table}", result.rows)


def mart_metadata(result: MartRows, written: int, program: ProgramWaves | None = None, **extra) -> dict:
    """Row count, why it is empty (if it is), the baseline and why it was chosen, and ``extra``."""
    metadata: dict = {"dagster/row_count": dg.MetadataValue.int(written)}
    if result.note:
        metadata["note"] = dg.MetadataValue.text(result.note)
    if result.nothing_to_measure:
        metadata[METADATA_KEY] = dg.MetadataValue.text(result.note or "")
    if program is not None:
        metadata["baseline_wave"] = dg.MetadataValue.text(program.baseline.wave or "none")
        metadata["baseline_reason"] = dg.MetadataValue.text(program.baseline.reason)
        metadata["waves"] = dg.MetadataValue.json(list(program.waves))
    return {**metadata, **extra}
