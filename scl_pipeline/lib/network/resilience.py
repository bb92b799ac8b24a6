"""What removing people does to U: fragmentation (Borgatti KPP-Neg) and removal curves.

F(S) = 1 - sum_k s_k (s_k - 1) / (m (m - 1)) over the components k of U - S, m = n - |S|:
the share of pairs of remaining people that can no longer reach each other. NaN when m < 2
(no pair is left to be connected or not).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from scl_pipeline.lib.network.snapshot import GraphSnapshot


def fragmentation_from_sizes(sizes: np.ndarray) -> float:
    sizes = np.asarray(sizes, dtype=np.float64)
    m = sizes.sum()
    if m < 2:
        return float("nan")
    return float(1.0 - (sizes * (sizes - 1)).sum() / (m * (m - 1)))


def _components_without(snapshot: GraphSnapshot, removed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keep = np.ones(snapshot.n, dtype=bool)
    keep[removed] = False
    sub = snapshot.adjacency_u[keep][:, keep]
    _, labels = connected_components(sub, directed=False)
    return np.flatnonzero(keep), labels


def _country_pairs_connected(country: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """k x k boolean: some component holds people of both countries."""
    if len(labels) == 0:
        return np.zeros((k, k), dtype=bool)
    inc = sp.csr_matrix((np.ones(len(labels)), (labels, country)), shape=(labels.max() + 1, k))
    inc.data[:] = 1.0
    return np.asarray((inc.T @ inc).todense()) > 0


def removal_impact(snapshot: GraphSnapshot, removed_ids) -> dict:
    """Components, largest-component share and fragmentation of U before and after removing
    ``removed_ids``, and the number of country pairs (both still present) connected before and
    not after. Shares are of the people remaining."""
    removed = np.unique(snapshot.positions(removed_ids))
    country, labels = snapshot.country_codes
    k = len(labels)
    out: dict = {"removed_people": int(len(removed))}
    connected = {}
    for when, gone in (("before", np.zeros(0, dtype=np.int64)), ("after", removed)):
        kept, comp = _components_without(snapshot, gone)
        sizes = np.bincount(comp) if len(comp) else np.zeros(0, dtype=np.int64)
        out[f"components_{when}"] = int(len(sizes))
        out[f"largest_component_share_{when}"] = (
            float(sizes.max() / len(kept)) if len(kept) else float("nan")
        )
        out[f"fragmentation_{when}"] = fragmentation_from_sizes(sizes)
        connected[when] = _country_pairs_connected(country[kept], comp, k)
    present = np.bincount(np.delete(country, removed), minlength=k) > 0
    lost = connected["before"] & ~connected["after"] & np.outer(present, present)
    out["country_pairs_disconnected"] = int(np.triu(lost, 1).sum())
    return out


def removal_curve(snapshot: GraphSnapshot, order_ids) -> pd.DataFrame:
    """Largest-component share and fragmentation after removing the first k people of
    ``order_ids``, for k = 0..len(order); one reverse union-find pass (Newman–Ziff)."""
    order = snapshot.positions(order_ids)
    if len(np.unique(order)) != len(order):
        raise ValueError("removal order names someone twice")
    n = snapshot.n
    adj = snapshot.adjacency_u
    indptr, indices = adj.indptr, adj.indices
    present = np.ones(n, dtype=bool)
    present[order] = False
    parent = list(range(n))
    size = [1] * n

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    pair_sum = 0  # sum over components of s (s - 1)
    largest = 0

    def union_all(node: int) -> None:
        nonlocal pair_sum, largest
        for nb in indices[indptr[node]:indptr[node + 1]].tolist():
            if not present[nb]:
                continue
            a, b = find(node), find(nb)
            if a == b:
                continue
            if size[a] < size[b]:
                a, b = b, a
            pair_sum += (size[a] + size[b]) * (size[a] + size[b] - 1) - size[a] * (size[a] - 1) - size[b] * (size[b] - 1)
            parent[b] = a
            size[a] += size[b]
            largest = max(largest, size[a])

    remaining = [i for i in range(n) if present[i]]
    if remaining:
        largest = 1
    for node in remaining:
        union_all(node)
    rows = []
    m = len(remaining)
    for k in range(len(order), -1, -1):
        frag = 1.0 - pair_sum / (m * (m - 1)) if m >= 2 else float("nan")
        rows.append((k, m, largest / m if m else float("nan"), frag))
        if k == 0:
            break
        node = int(order[k - 1])
        present[node] = True
        m += 1
        largest = max(largest, 1)
        union_all(node)
    rows.reverse()
    return pd.DataFrame(rows, columns=["k", "remaining", "largest_component_share", "fragmentation"])
