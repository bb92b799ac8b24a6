"""How U changed between two waves (new, kept, lost strong bonds) and how far a group reaches.

Waves have different populations, so bonds are compared as pairs of ``employee_id`` (never by
node position) and only between people present in both waves: a bond cannot be "new" because
its second person joined, nor "lost" because they left (SPEC §3b, new strong bond).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse.csgraph import dijkstra

from scl_pipeline.lib.network.pairs import PAIR_COLUMNS, id_pairs
from scl_pipeline.lib.network.snapshot import NODE_ID, GraphSnapshot


@dataclass(frozen=True)
class BondChange:
    """Bonds between people present in both waves (and in the group compared, if any)."""

    people: pd.Index  # employee_ids present in both waves (within the group)
    new: pd.DataFrame  # edges of U now, absent at baseline
    kept: pd.DataFrame  # edges in both waves
    lost: pd.DataFrame  # edges at baseline, absent now

    def people_with_new_bond(self) -> pd.Index:
        return pd.Index(pd.unique(np.concatenate([self.new["a"].to_numpy(), self.new["b"].to_numpy()])))


def present_in_both(current: GraphSnapshot, baseline: GraphSnapshot, among=None) -> pd.Index:
    """employee_ids in both populations (and in ``among`` when given), sorted."""
    now = pd.Index(current.nodes[NODE_ID].astype(str))
    base = pd.Index(baseline.nodes[NODE_ID].astype(str))
    both = now.intersection(base)
    if among is not None:
        both = both.intersection(pd.Index(pd.Series(list(among), dtype=object).astype(str)))
    return both.sort_values()


def bond_changes(current: GraphSnapshot, baseline: GraphSnapshot, among=None) -> BondChange:
    """New, kept and lost edges of U between ``baseline`` and ``current``, both ends present in
    both waves; with ``among``, both ends also in that group (e.g. the participants)."""
    people = present_in_both(current, baseline, among)
    now = id_pairs(current, people)
    base = id_pairs(baseline, people)
    merged = now.merge(base, on=list(PAIR_COLUMNS), how="outer", indicator=True)
    pick = lambda side: merged.loc[merged["_merge"] == side, list(PAIR_COLUMNS)].reset_index(drop=True)  # noqa: E731
    return BondChange(people=people, new=pick("left_only"), kept=pick("both"), lost=pick("right_only"))


def distance_to_nearest(snapshot: GraphSnapshot, source_ids, max_steps: int) -> np.ndarray:
    """Steps in U from each person to the nearest of ``source_ids`` (0 for the sources
    themselves, ``inf`` beyond ``max_steps`` or out of reach), in node order.

    One multi-source breadth-first search (scipy's Dijkstra with unit weights and
    ``min_only``), not one search per source.
    """
    if max_steps < 0:
        raise ValueError(f"max_steps must be >= 0, got {max_steps}")
    ids = list(source_ids)
    if not ids:
        return np.full(snapshot.n, np.inf)
    dist = dijkstra(
        snapshot.adjacency_u, directed=False, indices=np.unique(snapshot.positions(ids)), unweighted=True,
        min_only=True, limit=float(max_steps),
    )
    return np.asarray(dist, dtype=np.float64)
