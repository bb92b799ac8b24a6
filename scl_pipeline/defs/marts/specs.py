"""The asset spec shared by the marts computed in Python from a wave's graph snapshot."""

import dagster as dg

from scl_pipeline.defs.network.snapshot_io import SNAPSHOT_KEY
from scl_pipeline.defs.partitions import WAVE_GRAIN

MARTS_GROUP = "marts"


def mart_key(table: str) -> dg.AssetKey:
    """The asset key of ``marts.<table>``."""
    return dg.AssetKey([MARTS_GROUP, table])


def wave_mart_spec(
    key: dg.AssetKey, description: str, *, deps: tuple[dg.AssetKey, ...] = (SNAPSHOT_KEY,), kinds: tuple[str, ...] = ("duckdb",)
) -> dg.AssetSpec:
    """A wave-partitioned mart computed from the wave's graph snapshot (a module-level AssetSpec
    would be loaded as an asset of its own: build specs inside the decorator)."""
    return dg.AssetSpec(
        key, deps=list(deps), description=description, group_name=MARTS_GROUP, kinds=set(kinds), tags=WAVE_GRAIN
    )
