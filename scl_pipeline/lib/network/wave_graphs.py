"""A wave's persisted graphs, reloadable exactly as the marts computed them.

Two copies of the same snapshot: the folder ``<lake>/warehouse/graphs/<wave>/`` (Parquet, GraphML;
a secondary relation such as the catalyst's energy ratings under ``relations/<relation>/``) and
the warehouse tables ``network.nodes`` / ``network.arcs`` / ``network.snapshots``
(:func:`snapshot_frames`, and back with :func:`snapshot_from_frames`). Frames omit ``wave``
where the warehouse writer adds it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from scl_pipeline.lib.lake import DataLake
from scl_pipeline.lib.network.snapshot import RESPONDED, GraphSnapshot, load_snapshot, save_snapshot

RELATIONS_FOLDER = "relations"
ARC_COLUMNS: tuple[str, ...] = ("relation", "respondent_id", "nominee_id", "src", "dst", "strength", "strong")
SNAPSHOT_COLUMNS: tuple[str, ...] = ("relation", "strong_threshold", "nodes", "ties", "strong_arcs", "folder")


class SnapshotMissingError(FileNotFoundError):
    """The wave's graph snapshot has not been built (its folder is missing or incomplete)."""


def snapshot_folder(lake: DataLake, wave: str) -> Path:
    """``<lake>/warehouse/graphs/<wave>/``: the primary relation's snapshot of the wave."""
    return lake.snapshots / wave


def relation_folder(lake: DataLake, wave: str, relation: str) -> Path:
    return snapshot_folder(lake, wave) / RELATIONS_FOLDER / relation


def save_wave_snapshots(lake: DataLake, wave: str, primary: GraphSnapshot, others: list[GraphSnapshot]) -> Path:
    """Replace the wave's folder by these snapshots: written beside it, then renamed into place,
    so a failure midway leaves the previous folder (and nothing half-written) behind."""
    final = snapshot_folder(lake, wave)
    writing = final.with_name(final.name + ".writing")
    shutil.rmtree(writing, ignore_errors=True)
    save_snapshot(primary, writing)
    for extra in others:
        save_snapshot(extra, writing / RELATIONS_FOLDER / extra.relation)
    shutil.rmtree(final, ignore_errors=True)
    writing.rename(final)
    return final


def load_wave_snapshot(lake: DataLake, wave: str) -> GraphSnapshot:
    """The saved snapshot of ``wave``; :class:`SnapshotMissingError` when it was never built."""
    folder = snapshot_folder(lake, wave)
    try:
        return load_snapshot(folder)
    except FileNotFoundError as exc:
        raise SnapshotMissingError(
            f"no graph snapshot for wave {wave}: materialize network/graph_snapshot first ({exc})"
        ) from None


def load_relation_snapshot(lake: DataLake, wave: str, relation: str) -> GraphSnapshot | None:
    """The saved snapshot of a secondary relation of ``wave``, or None when the survey had none."""
    folder = relation_folder(lake, wave, relation)
    return load_snapshot(folder) if folder.is_dir() else None


def snapshot_frames(snapshot: GraphSnapshot, folder: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(nodes, arcs, snapshot row) of ``snapshot`` for ``network.nodes/arcs/snapshots``.

    ``nodes`` carries ``node`` (the integer position used by ``src``/``dst``); ``arcs`` every tie
    of the relation with its ``relation``.
    """
    nodes = snapshot.nodes.copy()
    nodes.insert(0, "node", np.arange(snapshot.n, dtype=np.int64))
    arcs = snapshot.arcs.copy()
    arcs.insert(0, "relation", snapshot.relation)
    arcs["strength"] = arcs["strength"].astype("Int64")
    meta = pd.DataFrame(
        [{
            "relation": snapshot.relation,
            "strong_threshold": snapshot.strong_threshold,
            "nodes": snapshot.n,
            "ties": len(snapshot.arcs),
            "strong_arcs": int(snapshot.arcs["strong"].sum()),
            "folder": folder,
        }],
        columns=list(SNAPSHOT_COLUMNS),
    )
    return nodes, arcs[list(ARC_COLUMNS)], meta


def snapshot_from_frames(
    nodes: pd.DataFrame, arcs: pd.DataFrame, *, relation: str, strong_threshold: int, wave: str | None = None
) -> GraphSnapshot:
    """Rebuild a snapshot from ``network.nodes`` and ``network.arcs`` rows of one wave.

    ``arcs`` may hold several relations; only ``relation``'s are kept. Raises ``ValueError`` when
    the node positions are not 0..n-1 (rows of another wave mixed in, or rows missing).
    """
    table = nodes.drop(columns=["wave"], errors="ignore").sort_values("node", ignore_index=True)
    if not np.array_equal(table["node"].to_numpy(), np.arange(len(table))):
        raise ValueError("network.nodes: column node is not 0..n-1 for this wave")
    rel = arcs[arcs["relation"] == relation].drop(columns=["wave", "relation"], errors="ignore")
    rel = rel.sort_values(["src", "dst"], kind="stable", ignore_index=True)
    rel = rel.astype({"src": np.int64, "dst": np.int64, "strong": bool})
    rel["strength"] = pd.array(rel["strength"], dtype="Int64")
    return GraphSnapshot(
        nodes=table.drop(columns="node").astype({RESPONDED: bool}),
        arcs=rel,
        relation=relation,
        strong_threshold=int(strong_threshold),
        wave=wave,
    )
