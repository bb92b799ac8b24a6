"""A wave's graphs as the warehouse keeps them, reloadable exactly as the marts computed them.

The warehouse tables ``network.nodes`` / ``network.arcs`` / ``network.snapshots`` are the one
stored form of a wave's snapshots (:func:`write_wave_graphs`, and back with
:func:`load_wave_snapshot`): the primary relation's and any other surveyed relation's (the
catalyst's energy ratings), one row per relation in ``network.snapshots``, ``is_primary`` on the
primary one. Frames omit ``wave`` where the warehouse writer adds it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from scl_pipeline.lib.network.snapshot import RESPONDED, GraphSnapshot
from scl_pipeline.lib.warehouse.tables import table_exists, write_partitions

NODES_TABLE, ARCS_TABLE, SNAPSHOTS_TABLE = "network.nodes", "network.arcs", "network.snapshots"
ARC_COLUMNS: tuple[str, ...] = ("relation", "respondent_id", "nominee_id", "src", "dst", "strength", "strong")
SNAPSHOT_COLUMNS: tuple[str, ...] = ("relation", "strong_threshold", "nodes", "ties", "strong_arcs", "is_primary")


class SnapshotMissingError(KeyError):
    """The wave's graph snapshot has not been built (no rows in ``network.snapshots``)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class WaveGraphs:
    """A wave's snapshots: ``primary`` (the metrics' relation) and the other surveyed relations,
    given (``others``, as the snapshot step builds them) or loaded when asked (``load_relation``)."""

    primary: GraphSnapshot
    others: tuple[GraphSnapshot, ...] = ()
    load_relation: Callable[[str], GraphSnapshot | None] | None = field(default=None, repr=False)

    @property
    def snapshots(self) -> tuple[GraphSnapshot, ...]:
        return (self.primary, *self.others)

    def other(self, name: str) -> GraphSnapshot | None:
        """The snapshot of relation ``name`` beside the primary one; None when the wave's survey
        had none (or ``name`` is the primary relation)."""
        if name == self.primary.relation:
            return None
        for snapshot in self.others:
            if snapshot.relation == name:
                return snapshot
        return self.load_relation(name) if self.load_relation is not None else None


class WaveSnapshots(Mapping):
    """wave -> primary snapshot of the waves that have one, loaded on each access and not kept:
    one wave in memory at a time."""

    def __init__(self, waves: tuple[str, ...], load: Callable[[str], GraphSnapshot]) -> None:
        self.waves, self._load = waves, load

    def load(self, wave: str) -> GraphSnapshot:
        """The wave's snapshot; :class:`SnapshotMissingError` names a wave without one."""
        return self._load(wave)

    def __getitem__(self, wave: str) -> GraphSnapshot:
        if wave not in self.waves:
            raise KeyError(wave)
        return self._load(wave)

    def __contains__(self, wave: object) -> bool:
        return wave in self.waves  # Mapping's default would load the snapshot to answer

    def __iter__(self) -> Iterator[str]:
        return iter(self.waves)

    def __len__(self) -> int:
        return len(self.waves)


def snapshot_frames(snapshot: GraphSnapshot, primary: bool = True) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
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
            "is_primary": bool(primary),
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


def write_wave_graphs(con: duckdb.DuckDBPyConnection, wave: str, graphs: WaveGraphs) -> dict[str, int]:
    """Replace the wave's rows of the three ``network`` tables by ``graphs``, in one transaction
    (a failure leaves the previous graph whole). Returns the rows written per table."""
    _upgrade_snapshots_table(con)
    frames = [snapshot_frames(s, primary=i == 0) for i, s in enumerate(graphs.snapshots)]
    return write_partitions(con, "wave", wave, {
        NODES_TABLE: frames[0][0],
        ARCS_TABLE: pd.concat([f[1] for f in frames], ignore_index=True),
        SNAPSHOTS_TABLE: pd.concat([f[2] for f in frames], ignore_index=True),
    })


def load_wave_snapshot(con: duckdb.DuckDBPyConnection, wave: str, relation: str | None = None) -> GraphSnapshot | None:
    """The stored snapshot of ``wave`` (of ``relation``; default the primary one). The primary
    one missing raises :class:`SnapshotMissingError`; another relation missing gives None."""
    meta = None
    if table_exists(con, SNAPSHOTS_TABLE):
        which = _primary_column(con) if relation is None else "relation = $relation"
        rows = con.execute(
            f"SELECT relation, strong_threshold FROM {SNAPSHOTS_TABLE} WHERE wave = $wave AND {which}",
            {"wave": wave, **({} if relation is None else {"relation": relation})},
        ).fetchall()
        meta = rows[0] if rows else None
    if meta is None:
        if relation is not None:
            return None
        raise SnapshotMissingError(f"no graph snapshot for wave {wave}: materialize network/graph_snapshot first "
                                   f"({SNAPSHOTS_TABLE} has no row for it)")
    nodes = con.execute(f"SELECT * FROM {NODES_TABLE} WHERE wave = $wave ORDER BY node", {"wave": wave}).df()
    arcs = con.execute(
        f"SELECT * FROM {ARCS_TABLE} WHERE wave = $wave AND relation = $relation", {"wave": wave, "relation": meta[0]}
    ).df()
    return snapshot_from_frames(nodes, arcs, relation=meta[0], strong_threshold=meta[1], wave=wave)


# Before the graphs lived only in the warehouse, ``network.snapshots`` named each relation's
# folder instead of flagging the primary one (a secondary relation's folder was under ``relations/``).
_PRIMARY_BY_FOLDER = "coalesce(folder NOT LIKE '%/relations/%', true)"


def _primary_column(con: duckdb.DuckDBPyConnection) -> str:
    columns = [d[0] for d in con.execute(f"SELECT * FROM {SNAPSHOTS_TABLE} LIMIT 0").description]
    return _PRIMARY_BY_FOLDER if "folder" in columns else "is_primary"


def _upgrade_snapshots_table(con: duckdb.DuckDBPyConnection) -> None:
    """An older ``network.snapshots`` (with ``folder``) gets ``is_primary`` instead, in place."""
    if not table_exists(con, SNAPSHOTS_TABLE) or _primary_column(con) == "is_primary":
        return
    con.execute(f"ALTER TABLE {SNAPSHOTS_TABLE} ADD COLUMN is_primary BOOLEAN")
    con.execute(f"UPDATE {SNAPSHOTS_TABLE} SET is_primary = {_PRIMARY_BY_FOLDER}")
    con.execute(f"ALTER TABLE {SNAPSHOTS_TABLE} DROP COLUMN folder")
