"""Where a wave's graph snapshot lives and how the downstream assets reload it."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from scl_pipeline.defs.partitions import WAVE_GRAIN
from scl_pipeline.lib.lake import DataLake
from scl_pipeline.lib.network.snapshot import GraphSnapshot, load_snapshot

NETWORK_GROUP = "network"
MARTS_GROUP = "marts"
SNAPSHOT_KEY = dg.AssetKey(["network", "graph_snapshot"])
# Secondary relations (today: the catalyst's energy ratings) are saved beside the primary graph.
RELATIONS_FOLDER = "relations"


def wave_mart_spec(
    key: dg.AssetKey, description: str, *, deps: tuple[dg.AssetKey, ...] = (SNAPSHOT_KEY,), kinds: tuple[str, ...] = ("duckdb",)
) -> dg.AssetSpec:
    """A wave-partitioned mart computed from the wave's graph snapshot."""
    return dg.AssetSpec(
        key, deps=list(deps), description=description, group_name=MARTS_GROUP, kinds=set(kinds), tags=WAVE_GRAIN
    )


def snapshot_folder(lake: DataLake, wave: str) -> Path:
    """``<lake>/warehouse/graphs/<wave>/``: the primary relation's snapshot of the wave."""
    return lake.snapshots / wave


def relation_folder(lake: DataLake, wave: str, relation: str) -> Path:
    return snapshot_folder(lake, wave) / RELATIONS_FOLDER / relation


def load_wave_snapshot(lake: DataLake, wave: str) -> GraphSnapshot:
    """The saved snapshot of ``wave``; a clear failure when the snapshot asset has not run."""
    folder = snapshot_folder(lake, wave)
    try:
        return load_snapshot(folder)
    except FileNotFoundError as exc:
        raise dg.Failure(
            description=f"no graph snapshot for wave {wave}: materialize network/graph_snapshot first ({exc})"
        ) from None


def load_relation_snapshot(lake: DataLake, wave: str, relation: str) -> "GraphSnapshot | None":
    """The saved snapshot of a secondary relation of ``wave``, or None when the survey had none."""
    folder = relation_folder(lake, wave, relation)
    return load_snapshot(folder) if folder.is_dir() else None
