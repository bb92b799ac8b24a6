"""Bridge criticality of every articulation point in one pass over the block-cut tree (SPEC §3b).

Removing an articulation point v splits its component into one piece per biconnected block
that holds v. In the block-cut tree (blocks and articulation points as nodes, an edge where a
block holds an articulation point) rooted once per component, those pieces are the subtrees of
v's child blocks plus "the rest of the component" above v. Every person is attached to exactly
one tree node (an articulation point to its own node, anyone else to their only block), so
after one depth-first numbering a subtree is a contiguous run of people: sizes, country counts
(prefix sums of an n x countries matrix) and the smallest id of any piece are O(1) look-ups,
with no per-person removal and recount.

Largest component, tie rule: the component with the most people; among equal sizes, the one
holding the smallest employee_id in string order. The same rule picks the largest component
of U and of U - {v}, which may be another component of U when v's own splits into pieces
smaller than the runner-up.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from scl_pipeline.lib.resilience.scopes import ScopeGraph

DEFAULT_CRITICAL_MIN_PEOPLE = 5
BRIDGE_COLUMNS: tuple[str, ...] = (
    "employee_id", "country", "component_size", "people_cut_off", "pieces",
    "countries_cut_off", "critical", "rank",
)


def _range_min(values: np.ndarray, lo: np.ndarray, hi: np.ndarray, empty: int) -> np.ndarray:
    """min(values[lo:hi]) for each query (``empty`` where lo >= hi), by a sparse table."""
    levels = [values]
    step = 1
    while 2 * step <= len(values):
        prev = levels[-1]
        levels.append(np.minimum(prev[:-step], prev[step:]))
        step *= 2
    out = np.full(len(lo), empty, dtype=np.int64)
    length = hi - lo
    ok = np.flatnonzero(length > 0)
    level = np.floor(np.log2(length[ok])).astype(np.int64)
    for k in np.unique(level):
        q = ok[level == k]
        table = levels[k]
        out[q] = np.minimum(table[lo[q]], table[hi[q] - (1 << int(k))])
    return out


def _depth_first(indptr: np.ndarray, indices: np.ndarray, root: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(preorder position, end of subtree in preorder, parent) of every node of a tree.

    Iterative with a neighbour cursor per node, so a node with thousands of children (a hub
    holding many one-colleague threads) costs linear, not quadratic, time.
    """
    size = len(indptr) - 1
    ptr, stops, nbrs = indptr[:-1].tolist(), indptr[1:].tolist(), indices.tolist()
    parent = [-1] * size
    pre = [0] * size
    end = [0] * size
    stack = [root]
    count = 1
    while stack:
        x = stack[-1]
        p = ptr[x]
        if p < stops[x]:
            ptr[x] = p + 1
            y = nbrs[p]
            if y != parent[x]:
                parent[y] = x
                pre[y] = count
                count += 1
                stack.append(y)
        else:
            end[x] = count
            stack.pop()
    return np.asarray(pre), np.asarray(end), np.asarray(parent)


@dataclass(frozen=True)
class _BlockCutTree:
    """The block-cut forest under one virtual root, numbered depth first.

    Tree nodes: 0..B-1 blocks, B..B+A-1 articulation points, B+A the root (joined to one block
    of every component that has an edge). ``edge_block``/``edge_ap``: one row per (block,
    articulation point in it), ``edge_ap`` indexing the sorted articulation points.
    People are sorted by the preorder number of the tree node they are counted at (an
    articulation point at its own node, anyone else at their only block, isolates last), so
    a subtree's people are one run [lo, hi) of that order; ``country_counts`` holds prefix
    sums (n + 1 x countries) and ``sorted_rank`` the id ranks in that order.
    """

    pre: np.ndarray
    end: np.ndarray
    parent: np.ndarray
    ap_node: np.ndarray
    anchor_of: np.ndarray
    edge_block: np.ndarray
    edge_ap: np.ndarray
    sorted_key: np.ndarray
    sorted_rank: np.ndarray
    country_counts: np.ndarray

    def run(self, node: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """[lo, hi) of the people in the subtree of each tree ``node``."""
        return np.searchsorted(self.sorted_key, self.pre[node]), np.searchsorted(self.sorted_key, self.end[node])


def _block_cut_tree(scope: ScopeGraph, blocks, aps: np.ndarray, membership: np.ndarray) -> _BlockCutTree:
    n = scope.n
    block_sizes = np.fromiter((len(b) for b in blocks), dtype=np.int64, count=len(blocks))
    n_blocks = len(block_sizes)
    members = np.fromiter(itertools.chain.from_iterable(blocks), dtype=np.int64, count=int(block_sizes.sum()))
    block_of = np.repeat(np.arange(n_blocks), block_sizes)
    ap_node = np.full(n, -1, dtype=np.int64)
    ap_node[aps] = n_blocks + np.arange(len(aps))
    holds_ap = ap_node[members] >= 0
    edge_block, edge_ap_node = block_of[holds_ap], ap_node[members[holds_ap]]
    home = ap_node.copy()  # the tree node each person is counted at (-1: isolate, no block)
    home[members[~holds_ap]] = block_of[~holds_ap]
    block_comp = membership[members[np.cumsum(block_sizes) - block_sizes]]
    anchor_comps, anchors = np.unique(block_comp, return_index=True)
    root = n_blocks + len(aps)
    rows = np.concatenate([edge_block, np.full(len(anchors), root)])
    cols = np.concatenate([edge_ap_node, anchors])
    adjacency = sp.csr_matrix(
        (np.ones(2 * len(rows), dtype=np.int8), (np.concatenate([rows, cols]), np.concatenate([cols, rows]))),
        shape=(root + 1, root + 1),
    )
    pre, end, parent = _depth_first(adjacency.indptr, adjacency.indices, root)
    anchor_of = np.full(int(membership.max()) + 1, -1, dtype=np.int64)
    anchor_of[anchor_comps] = anchors
    key = np.where(home >= 0, pre[np.maximum(home, 0)], root + 1)
    people = np.argsort(key, kind="stable")
    counts = np.zeros((n + 1, scope.n_countries), dtype=np.int32)
    counts[np.arange(1, n + 1), scope.country[people]] = 1
    return _BlockCutTree(
        pre=pre, end=end, parent=parent, ap_node=ap_node, anchor_of=anchor_of, edge_block=edge_block,
        edge_ap=edge_ap_node - n_blocks, sorted_key=key[people], sorted_rank=scope.id_rank[people],
        country_counts=np.cumsum(counts, axis=0, dtype=np.int32),
    )


def _empty_table() -> pd.DataFrame:
    return pd.DataFrame({
        "employee_id": pd.Series(dtype=object), "country": pd.Series(dtype=object),
        **{c: pd.Series(dtype=np.int64) for c in ("component_size", "people_cut_off", "pieces", "countries_cut_off")},
        "critical": pd.Series(dtype=bool), "rank": pd.Series(dtype=np.int64),
    })[list(BRIDGE_COLUMNS)]


def bridge_criticality(scope: ScopeGraph, critical_min_people: int = DEFAULT_CRITICAL_MIN_PEOPLE) -> pd.DataFrame:
    """One row per articulation point of ``scope``, best rank (1) first; columns BRIDGE_COLUMNS.

    people_cut_off: people of the largest component of U, other than v, outside the largest
    component of U - {v}. pieces: components of U - {v} inside v's component.
    countries_cut_off: countries with people in the largest component of U that still have
    people in U - {v} but none in its largest component (a country whose only person was v is
    gone, not cut off; the same "still present" rule as a scenario's country pairs).
    critical: people_cut_off >= ``critical_min_people`` or countries_cut_off >= 1.
    rank: critical first, then people_cut_off, countries_cut_off, pieces (all descending),
    then employee_id.
    """
    if critical_min_people < 1:
        raise ValueError(f"critical_min_people must be a positive integer, got {critical_min_people!r}")
    n = scope.n
    blocks, aps = scope.graph.biconnected_components(return_articulation_points=True)
    if not aps:
        return _empty_table()
    aps = np.sort(np.asarray(aps, dtype=np.int64))
    membership = np.asarray(scope.graph.connected_components().membership, dtype=np.int64)
    comp_size = np.bincount(membership)
    rank = scope.id_rank
    comp_min = np.full(len(comp_size), n, dtype=np.int64)
    np.minimum.at(comp_min, membership, rank)
    by_rule = np.lexsort((comp_min, -comp_size))
    lcc = by_rule[0]
    runner = by_rule[1] if len(by_rule) > 1 else -1

    tree = _block_cut_tree(scope, blocks, aps, membership)
    a = tree.edge_ap
    sub_lo, sub_hi = tree.run(tree.ap_node[aps])  # v and everything below v
    comp_lo, comp_hi = tree.run(tree.anchor_of[membership[aps]])
    blk_lo, blk_hi = tree.run(tree.edge_block)
    child = tree.parent[tree.edge_block] == tree.ap_node[aps][a]
    # Each (block, v) pair is one piece of U - {v}: the block's subtree when the block hangs
    # below v, else the rest of v's component above v.
    piece_size = np.where(child, blk_hi - blk_lo, (comp_hi[a] - comp_lo[a]) - (sub_hi[a] - sub_lo[a]))
    above_min = np.minimum(_range_min(tree.sorted_rank, comp_lo[a], sub_lo[a], n),
                           _range_min(tree.sorted_rank, sub_hi[a], comp_hi[a], n))
    piece_min = np.where(child, _range_min(tree.sorted_rank, blk_lo, blk_hi, n), above_min)
    pieces = np.bincount(a, minlength=len(aps))
    by_piece = np.lexsort((piece_min, -piece_size, a))
    first = by_piece[np.r_[True, a[by_piece][1:] != a[by_piece][:-1]]]
    best = np.empty(len(aps), dtype=np.int64)
    best[a[first]] = first  # the largest piece of each articulation point (tie rule)

    in_lcc = membership[aps] == lcc
    p_size, p_min = piece_size[best], piece_min[best]
    if runner >= 0:
        piece_wins = (p_size > comp_size[runner]) | ((p_size == comp_size[runner]) & (p_min < comp_min[runner]))
    else:
        piece_wins = np.ones(len(aps), dtype=bool)
    lcc_size = comp_size[lcc]
    people_cut_off = np.where(in_lcc, np.where(piece_wins, lcc_size - 1 - p_size, lcc_size - 1), 0)

    countries_cut_off = np.zeros(len(aps), dtype=np.int64)
    q = np.flatnonzero(in_lcc)
    if len(q):
        k = scope.n_countries
        in_lcc_country = np.bincount(scope.country[membership == lcc], minlength=k) > 0
        b = best[q]
        counts = tree.country_counts
        below = counts[blk_hi[b]] - counts[blk_lo[b]]
        above = (counts[comp_hi[q]] - counts[comp_lo[q]]) - (counts[sub_hi[q]] - counts[sub_lo[q]])
        piece_counts = np.where(child[b][:, None], below, above)
        runner_counts = (np.bincount(scope.country[membership == runner], minlength=k)
                         if runner >= 0 else np.zeros(k, dtype=np.int64))
        new_lcc = np.where(piece_wins[q][:, None], piece_counts, runner_counts[None, :])
        # A country whose only person was v left with v: it is gone, not cut off.
        left = np.bincount(scope.country, minlength=k)[None, :] - (scope.country[aps[q]][:, None] == np.arange(k))
        countries_cut_off[q] = (in_lcc_country[None, :] & (left > 0) & (new_lcc == 0)).sum(axis=1)

    critical = (people_cut_off >= critical_min_people) | (countries_cut_off >= 1)
    table = pd.DataFrame({
        "employee_id": scope.employee_id[aps],
        "country": scope.country_labels[scope.country[aps]],
        "component_size": comp_size[membership[aps]].astype(np.int64),
        "people_cut_off": people_cut_off.astype(np.int64),
        "pieces": pieces.astype(np.int64),
        "countries_cut_off": countries_cut_off,
        "critical": critical,
    })
    order = np.lexsort((rank[aps], -pieces, -countries_cut_off, -people_cut_off, ~critical))
    table = table.iloc[order].reset_index(drop=True)
    table["rank"] = np.arange(1, len(table) + 1, dtype=np.int64)
    return table[list(BRIDGE_COLUMNS)]
