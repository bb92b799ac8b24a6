"""Run the project's real asset definitions against a temporary data lake."""

from __future__ import annotations

import dagster as dg
import duckdb
import pandas as pd

from scl_pipeline.defs.partitions import GRAIN_TAG
from scl_pipeline.defs.resources import project_resources
from scl_pipeline.definitions import defs
from scl_pipeline.lib.lake import DataLake
from scl_pipeline.lib.waves import wave_to_partition_key

# Built at import, outside any test instance: Dagster caches a definitions-load context that
# would otherwise keep a weak reference to whichever test instance happened to be current.
_DEFS = defs()
_DEFS.get_repository_def()
# Results hold only a weak reference to their instance: keep one alive for the whole session.
_INSTANCE = dg.DagsterInstance.ephemeral()


def project_defs() -> dg.Definitions:
    return _DEFS


def resources_for(
    lake: DataLake, roles: dict | None = None, metrics: dict | None = None, resilience: dict | None = None,
    gates: dict | None = None, ingestion: dict | None = None, **network,
) -> dict:
    return project_resources(
        lake.root, network=network, roles=roles or {}, metrics=metrics or {}, resilience=resilience or {},
        gates=gates or {}, ingestion=ingestion or {},
    )


def wave_asset_keys() -> list[dg.AssetKey]:
    """The wave step's assets (grain ``wave``: what ``wave_job`` runs), in dependency order."""
    graph = project_defs().resolve_asset_graph()
    return [k for k in graph.toposorted_asset_keys
            if graph.get(k).is_materializable and graph.get(k).tags.get(GRAIN_TAG) == "wave"]


def whole_steps(selection) -> dg.AssetSelection:
    """``selection`` (asset keys or key strings) with the other assets their steps write: an
    ingestion step writes its raw tables and its check tables together and is never subset."""
    keys = [dg.AssetKey.from_user_string(k) if isinstance(k, str) else k for k in selection]
    return dg.AssetSelection.keys(*keys).required_multi_asset_neighbors()


def materialize_wave(
    lake: DataLake, wave: str, selection=None, raise_on_error: bool = True,
    roles: dict | None = None, metrics: dict | None = None, resilience: dict | None = None,
    gates: dict | None = None, ingestion: dict | None = None, **network,
):
    d = project_defs()
    return dg.materialize(
        list(d.assets) + list(d.asset_checks or []),
        selection=whole_steps(selection) if selection else wave_asset_keys(),
        partition_key=wave_to_partition_key(wave),
        resources=resources_for(lake, roles, metrics, resilience, gates, ingestion, **network),
        instance=_INSTANCE,
        raise_on_error=raise_on_error,
    )


def query(lake: DataLake, sql: str, params: dict | None = None) -> pd.DataFrame:
    with duckdb.connect(str(lake.warehouse_path), read_only=True) as con:
        return con.execute(sql, params or {}).df()


def materialize_unpartitioned(lake: DataLake, selection, **settings):
    """Materialize unpartitioned assets (e.g. the program roster ``raw/participants``)."""
    d = project_defs()
    return dg.materialize(
        list(d.assets), selection=whole_steps(selection), resources=resources_for(lake, **settings), instance=_INSTANCE
    )


def materialization_metadata(result: dg.ExecuteInProcessResult) -> dict[dg.AssetKey, dict]:
    """The metadata of each asset the run materialised, by asset key."""
    return {
        e.event_specific_data.materialization.asset_key: e.event_specific_data.materialization.metadata
        for e in result.get_asset_materialization_events()
    }
