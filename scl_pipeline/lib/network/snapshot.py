"""A wave's graph snapshot (SPEC §2): the strong-tie directed graph D and its undirected U.

Every engine (igraph, scipy, networkx) receives integer arrays built through ONE node index
(``employee_id`` <-> position in ``snapshot.nodes``); attributes are joined by ``employee_id``,
never by position in two different lists.

A snapshot is stored in the warehouse tables ``network.nodes`` / ``network.arcs`` /
``network.snapshots`` (``wave_graphs``), from which every reader reloads exactly that wave's graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp

from scl_pipeline.lib.contract import DEFAULT_RELATION, DEFAULT_STRONG_THRESHOLD

if TYPE_CHECKING:
    import igraph as ig

NODE_ID = "employee_id"
REQUIRED_NODE_COLUMNS: tuple[str, ...] = (NODE_ID, "country")
# Ties as ``staging.ties`` stages them: SPEC §2's rules (deduplication, strong ties) live there.
REQUIRED_TIE_COLUMNS: tuple[str, ...] = ("respondent_id", "nominee_id", "relation", "strength", "is_strong")
RESPONDED = "responded"  # node column: the person answered the survey for this relation


class NetworkInputError(ValueError):
    """Nodes or ties that cannot form a graph; the message names the table, column and rows."""


def _rows(mask: pd.Series | np.ndarray, frame: pd.DataFrame, limit: int = 10) -> str:
    labels = list(frame.index[np.asarray(mask)])
    shown = ", ".join(str(label) for label in labels[:limit])
    more = f" (+{len(labels) - limit} more)" if len(labels) > limit else ""
    return f"rows {shown}{more}"


def _check_columns(frame: pd.DataFrame, required: tuple[str, ...], table: str) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise NetworkInputError(
            f"{table}: missing column(s) {missing}; has {list(frame.columns)}"
        )


def validate_nodes(nodes: pd.DataFrame) -> None:
    """Raise :class:`NetworkInputError` unless ids are present, unique and countries are set."""
    _check_columns(nodes, REQUIRED_NODE_COLUMNS, "nodes")
    ids = nodes[NODE_ID]
    if ids.isna().any():
        raise NetworkInputError(f"nodes.employee_id: empty id at {_rows(ids.isna(), nodes)}")
    dup = ids.astype(str).duplicated(keep=False)
    if dup.any():
        raise NetworkInputError(
            f"nodes.employee_id: duplicated ids {sorted(set(ids[dup].astype(str)))[:10]} "
            f"at {_rows(dup, nodes)}; the population must have one row per person"
        )
    if nodes["country"].isna().any():
        raise NetworkInputError(
            f"nodes.country: empty country at {_rows(nodes['country'].isna(), nodes)}"
        )


def validate_ties(ties: pd.DataFrame, index: pd.Index) -> None:
    """Raise unless ties are staged: both ends in the population, no self ties, no duplicates."""
    _check_columns(ties, REQUIRED_TIE_COLUMNS, "ties")
    for col in ("respondent_id", "nominee_id"):
        unknown = ~ties[col].astype(str).isin(index)
        if unknown.any():
            raise NetworkInputError(
                f"ties.{col}: ids not in the population "
                f"{sorted(set(ties.loc[unknown, col].astype(str)))[:10]} at {_rows(unknown, ties)}"
            )
    unset = ties["is_strong"].isna()
    if unset.any():
        raise NetworkInputError(f"ties.is_strong: empty at {_rows(unset, ties)}; staging decides every tie")
    self_tie = ties["respondent_id"].astype(str) == ties["nominee_id"].astype(str)
    if self_tie.any():
        raise NetworkInputError(f"ties: self ties (respondent_id == nominee_id) at {_rows(self_tie, ties)}")
    dup = ties.duplicated(["respondent_id", "nominee_id", "relation"], keep=False)
    if dup.any():
        raise NetworkInputError(
            f"ties: duplicated (respondent_id, nominee_id, relation) at {_rows(dup, ties)}; "
            "staging keeps the highest strength per tie"
        )


@dataclass(frozen=True, eq=False)
class GraphSnapshot:
    """D and U of one wave and relation, over the whole population (isolates included).

    ``nodes`` is in index order (row k is node k) and ``arcs`` holds every tie of the relation
    with integer ``src``/``dst`` positions and a ``strong`` flag.
    """

    nodes: pd.DataFrame
    arcs: pd.DataFrame
    relation: str = DEFAULT_RELATION
    strong_threshold: int = DEFAULT_STRONG_THRESHOLD
    wave: str | None = None

    # --- node index -------------------------------------------------------------------------
    @property
    def n(self) -> int:
        return len(self.nodes)

    @cached_property
    def index(self) -> pd.Index:
        """employee_id -> integer position (``index.get_indexer(ids)``); position -> id."""
        return pd.Index(self.nodes[NODE_ID].to_numpy(dtype=object), name=NODE_ID)

    def positions(self, employee_ids) -> np.ndarray:
        """Integer positions of ``employee_ids``; raises naming any id outside the population."""
        ids = pd.Index(pd.Series(list(employee_ids), dtype=object).astype(str))
        pos = self.index.get_indexer(ids)
        if (pos < 0).any():
            raise NetworkInputError(f"ids not in the population: {list(ids[pos < 0])[:10]}")
        return pos

    @cached_property
    def country_codes(self) -> tuple[np.ndarray, np.ndarray]:
        """(code per node, sorted country labels): countries as small integers."""
        codes, labels = pd.factorize(self.nodes["country"].astype(str), sort=True)
        return codes.astype(np.int64), np.asarray(labels, dtype=object)

    # --- edges ------------------------------------------------------------------------------
    @cached_property
    def strong_arcs(self) -> tuple[np.ndarray, np.ndarray]:
        """(src, dst) integer arrays of D."""
        strong = self.arcs[self.arcs["strong"]]
        return strong["src"].to_numpy(np.int64), strong["dst"].to_numpy(np.int64)

    @cached_property
    def undirected_edges(self) -> tuple[np.ndarray, np.ndarray]:
        """(u, v) with u < v, one row per edge of U (an edge where i->j or j->i is in D)."""
        src, dst = self.strong_arcs
        lo, hi = np.minimum(src, dst), np.maximum(src, dst)
        key = np.unique(lo * self.n + hi)
        return key // self.n, key % self.n

    @cached_property
    def adjacency_u(self) -> sp.csr_matrix:
        """Sparse symmetric 0/1 adjacency of U."""
        u, v = self.undirected_edges
        rows = np.concatenate([u, v])
        cols = np.concatenate([v, u])
        data = np.ones(len(rows), dtype=np.float64)
        return sp.csr_matrix((data, (rows, cols)), shape=(self.n, self.n))

    @cached_property
    def graph_d(self) -> ig.Graph:
        import igraph as ig  # here, not at module level: igraph imports matplotlib.pyplot (seconds per process)

        src, dst = self.strong_arcs
        return ig.Graph(n=self.n, edges=np.column_stack([src, dst]).tolist(), directed=True)

    @cached_property
    def graph_u(self) -> ig.Graph:
        import igraph as ig

        u, v = self.undirected_edges
        return ig.Graph(n=self.n, edges=np.column_stack([u, v]).tolist(), directed=False)


def build_snapshot(
    nodes: pd.DataFrame,
    ties: pd.DataFrame,
    *,
    relation: str = DEFAULT_RELATION,
    strong_threshold: int = DEFAULT_STRONG_THRESHOLD,
    wave: str | None = None,
    respondent_ids=None,
) -> GraphSnapshot:
    """Build the snapshot of ``relation`` from staged ``ties`` over the population ``nodes``.

    A tie is strong when staging flagged it ``is_strong`` (``dbt_like_sql/staging/ties.sql`` owns
    the rule); ``strong_threshold`` records the threshold staging used. ``respondent_ids``
    (default: everyone who named someone in ``relation``) marks who answered; non-respondents have
    no out-ties by construction.
    """
    validate_nodes(nodes)
    node_table = nodes.reset_index(drop=True).copy()
    node_table[NODE_ID] = node_table[NODE_ID].astype(str)
    index = pd.Index(node_table[NODE_ID].to_numpy(dtype=object))

    validate_ties(ties, index)
    rel = ties[ties["relation"].astype(str) == relation]
    resp = rel["respondent_id"].astype(str)
    nom = rel["nominee_id"].astype(str)
    strength = pd.array(rel["strength"], dtype="Int64")
    strong = rel["is_strong"].to_numpy(dtype=bool)
    arcs = pd.DataFrame(
        {
            "respondent_id": resp.to_numpy(dtype=object),
            "nominee_id": nom.to_numpy(dtype=object),
            "src": index.get_indexer(resp).astype(np.int64),
            "dst": index.get_indexer(nom).astype(np.int64),
            "strength": strength,
            "strong": strong,
        }
    ).sort_values(["src", "dst"], kind="stable", ignore_index=True)

    if respondent_ids is None:
        responded_set = set(resp)
    else:
        responded_set = {str(x) for x in respondent_ids}
    node_table[RESPONDED] = node_table[NODE_ID].isin(responded_set)
    return GraphSnapshot(
        nodes=node_table, arcs=arcs, relation=relation, strong_threshold=strong_threshold, wave=wave
    )
