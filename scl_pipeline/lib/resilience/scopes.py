"""The two graphs every resilience output is computed on (SPEC §3b).

``organisation``: U over the whole population. ``participants``: U induced on the program
participants present in the wave. A :class:`ScopeGraph` carries one node index: node k has
``employee_id[k]`` and ``country[k]``, and every array, edge and engine graph is positional in
that index (never two lists matched by position).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Iterable

import numpy as np
import pandas as pd
import scipy.sparse as sp

from scl_pipeline.lib.network.snapshot import GraphSnapshot

if TYPE_CHECKING:
    import igraph as ig

ORGANISATION = "organisation"
PARTICIPANTS = "participants"
SCOPES: tuple[str, ...] = (ORGANISATION, PARTICIPANTS)
SCORE_DECIMALS = 12  # rankings compare normalised scores (betweenness is in [0, 1]) to this


@dataclass(frozen=True, eq=False)
class ScopeGraph:
    """An undirected scope graph with its node attributes.

    ``edges`` is (u, v) with u < v, one row per edge; ``country`` holds codes into
    ``country_labels`` (the wave's sorted countries, shared by both scopes so codes compare).
    """

    name: str
    employee_id: np.ndarray
    country: np.ndarray
    country_labels: np.ndarray
    edges: tuple[np.ndarray, np.ndarray]
    prebuilt_graph: ig.Graph | None = field(default=None, repr=False)

    @property
    def n(self) -> int:
        return len(self.employee_id)

    @property
    def n_countries(self) -> int:
        return len(self.country_labels)

    @cached_property
    def index(self) -> pd.Index:
        return pd.Index(self.employee_id, dtype=object)

    @cached_property
    def graph(self) -> ig.Graph:
        if self.prebuilt_graph is not None:
            return self.prebuilt_graph
        import igraph as ig  # here: importing igraph pulls matplotlib.pyplot (seconds per process)

        u, v = self.edges
        return ig.Graph(n=self.n, edges=np.column_stack([u, v]).tolist(), directed=False)

    @cached_property
    def edges_by_source(self) -> tuple[np.ndarray, np.ndarray]:
        """``edges`` sorted by (u, v): CSR row order, for matrices of a subset of the edges."""
        u, v = self.edges
        order = np.lexsort((v, u))
        return np.asarray(u, dtype=np.int64)[order], np.asarray(v, dtype=np.int64)[order]

    @cached_property
    def adjacency(self) -> sp.csr_matrix:
        """Symmetric 0/1 adjacency (neighbour lists for the union-find passes)."""
        u, v = self.edges
        rows, cols = np.concatenate([u, v]), np.concatenate([v, u])
        return sp.csr_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(self.n, self.n))

    @cached_property
    def degree(self) -> np.ndarray:
        u, v = self.edges
        return np.bincount(u, minlength=self.n) + np.bincount(v, minlength=self.n)

    @cached_property
    def id_rank(self) -> np.ndarray:
        """Position of each node's employee_id in string order: the deterministic tie-breaker."""
        rank = np.empty(self.n, dtype=np.int64)
        rank[np.argsort(self.employee_id.astype(str), kind="stable")] = np.arange(self.n)
        return rank

    def present(self, employee_ids: Iterable) -> tuple[np.ndarray, list[str]]:
        """(sorted unique positions of the ids in this scope, ids not in it in given order)."""
        ids = list(dict.fromkeys(str(i) for i in employee_ids))
        pos = self.index.get_indexer(ids) if ids else np.zeros(0, dtype=np.int64)
        missing = [i for i, p in zip(ids, pos) if p < 0]
        return np.unique(pos[pos >= 0]).astype(np.int64), missing

    def order_by(self, score: np.ndarray) -> np.ndarray:
        """Node positions by decreasing ``score``, equal scores in employee_id order.

        Scores equal to 12 decimals are equal: floating-point noise between engines (e.g. two
        symmetric brokers) must not decide who is removed first.
        """
        rounded = np.round(np.asarray(score, dtype=np.float64), SCORE_DECIMALS)
        return np.lexsort((self.id_rank, -rounded))


def organisation_scope(snapshot: GraphSnapshot) -> ScopeGraph:
    """U over the whole population, in the snapshot's node index."""
    country, labels = snapshot.country_codes
    return ScopeGraph(
        name=ORGANISATION,
        employee_id=snapshot.index.to_numpy(dtype=object),
        country=country,
        country_labels=labels,
        edges=snapshot.undirected_edges,
        prebuilt_graph=snapshot.graph_u,  # the snapshot's own U (cached there), not a rebuild
    )


def participants_scope(snapshot: GraphSnapshot, participant_ids: Iterable) -> ScopeGraph:
    """U induced on the participants present in the wave (roster ids absent from the wave's
    population are not part of this wave's scope; the roster spans waves)."""
    wanted = pd.Index(list(dict.fromkeys(str(i) for i in participant_ids)), dtype=object)
    pos = snapshot.index.get_indexer(wanted)
    keep = np.sort(pos[pos >= 0]).astype(np.int64)
    new_of_old = np.full(snapshot.n, -1, dtype=np.int64)
    new_of_old[keep] = np.arange(len(keep))
    u, v = snapshot.undirected_edges
    inside = (new_of_old[u] >= 0) & (new_of_old[v] >= 0)
    country, labels = snapshot.country_codes
    return ScopeGraph(
        name=PARTICIPANTS,
        employee_id=snapshot.index.to_numpy(dtype=object)[keep],
        country=country[keep],
        country_labels=labels,
        edges=(new_of_old[u[inside]], new_of_old[v[inside]]),
    )


def wave_scopes(snapshot: GraphSnapshot, participant_ids: Iterable) -> dict[str, ScopeGraph]:
    """Both scopes of one wave, keyed by scope name."""
    return {
        ORGANISATION: organisation_scope(snapshot),
        PARTICIPANTS: participants_scope(snapshot, participant_ids),
    }
