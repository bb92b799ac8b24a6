"""Robustness curves (SPEC §3b): the network after removing the first k people of an order.

One reverse union-find pass per order (Newman–Ziff): components of the scope minus the first
max_k people are labelled once (C level), then those people are added back last-removed
first, merging components as they return; sum s(s - 1) and the largest size are kept up to date
so every k costs only the returning person's ties. Targeted orders (betweenness, degree) are
the ranking of the intact scope graph, not recomputed after each removal.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from scl_pipeline.lib.resilience.components import component_labels
from scl_pipeline.lib.resilience.scopes import ScopeGraph

BETWEENNESS = "betweenness"
DEGREE = "degree"
RANDOM = "random"
STRATEGIES: tuple[str, ...] = (BETWEENNESS, DEGREE, RANDOM)
CRITICAL_SHARE = 0.5
CURVE_COLUMNS: tuple[str, ...] = (
    "strategy", "k", "people", "largest_component_share", "fragmentation",
    "largest_component_share_p05", "largest_component_share_p95", "fragmentation_p05",
    "fragmentation_p95", "draws",
)
SUMMARY_COLUMNS: tuple[str, ...] = ("strategy", "people", "max_k", "critical_k")


def max_k_for(people: int, share: float, max_k: int | None = None) -> int:
    """The curve's last k: ``max_k`` when given, else ceil(share x people); never above people."""
    k = max_k if max_k is not None else math.ceil(share * people)
    return int(min(max(k, 0), people))


def removal_curve(scope: ScopeGraph, order: np.ndarray, max_k: int) -> tuple[np.ndarray, np.ndarray]:
    """(largest-component share, fragmentation) after removing ``order[:k]``, k = 0..max_k.

    Shares are of the people remaining (m = n - k); fragmentation is NaN when m < 2.
    """
    order = np.asarray(order, dtype=np.int64)[:max_k]
    if len(order) != max_k or len(np.unique(order)) != max_k:
        raise ValueError(f"scope {scope.name}: a removal order needs {max_k} distinct people, got {len(order)}")
    labels, sizes = component_labels(scope, order)
    first_new = len(sizes)
    item = labels.copy()
    item[order] = first_new + np.arange(max_k)  # each returning person starts as a singleton
    parent = list(range(first_new + max_k))
    size = sizes.tolist() + [1] * max_k
    pair_sum = int((sizes * (sizes - 1)).sum())
    largest = int(sizes.max()) if len(sizes) else 0
    present = (labels >= 0).tolist()
    item_of = item.tolist()
    indptr, indices = scope.adjacency.indptr, scope.adjacency.indices

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    share = np.empty(max_k + 1)
    frag = np.empty(max_k + 1)
    m = scope.n - max_k
    for k in range(max_k, -1, -1):
        share[k] = largest / m if m else math.nan
        frag[k] = 1.0 - pair_sum / (m * (m - 1)) if m >= 2 else math.nan
        if k == 0:
            break
        person = int(order[k - 1])
        present[person] = True
        m += 1
        largest = max(largest, 1)
        for nb in indices[indptr[person]:indptr[person + 1]].tolist():
            if not present[nb]:
                continue
            a, b = find(item_of[person]), find(item_of[nb])
            if a == b:
                continue
            if size[a] < size[b]:
                a, b = b, a
            sa, sb = size[a], size[b]
            pair_sum += (sa + sb) * (sa + sb - 1) - sa * (sa - 1) - sb * (sb - 1)
            parent[b] = a
            size[a] = sa + sb
            largest = max(largest, sa + sb)
    return share, frag


def critical_k(share: np.ndarray) -> int | None:
    """Smallest k with largest-component share below 0.5, or None when no k reaches it."""
    below = np.flatnonzero(np.asarray(share) < CRITICAL_SHARE)
    return int(below[0]) if len(below) else None


def robustness_curves(
    scope: ScopeGraph, betweenness: np.ndarray, max_k: int, draws: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(curve, summary) for the three strategies on ``scope``; columns CURVE_COLUMNS and
    SUMMARY_COLUMNS. ``betweenness`` is positional in the scope; random is ``draws`` seeded
    orders (mean, 5th and 95th percentile per k; critical_k from the mean)."""
    n = scope.n
    ks = np.arange(max_k + 1)
    frames, summary = [], []

    def add(strategy: str, share, frag, spread=None, n_draws: int = 1) -> None:
        nan = np.full(len(ks), np.nan)
        s05, s95, f05, f95 = spread if spread is not None else (nan, nan, nan, nan)
        frames.append(pd.DataFrame({
            "strategy": strategy, "k": ks, "people": n, "largest_component_share": share,
            "fragmentation": frag, "largest_component_share_p05": s05, "largest_component_share_p95": s95,
            "fragmentation_p05": f05, "fragmentation_p95": f95, "draws": n_draws,
        }))
        summary.append((strategy, n, max_k, critical_k(share)))

    add(BETWEENNESS, *removal_curve(scope, scope.order_by(betweenness), max_k))
    add(DEGREE, *removal_curve(scope, scope.order_by(scope.degree), max_k))
    rng = np.random.default_rng(seed)
    runs = [removal_curve(scope, rng.permutation(n)[:max_k], max_k) for _ in range(draws)]
    shares = np.array([r[0] for r in runs])
    frags = np.array([r[1] for r in runs])
    spread = (np.percentile(shares, 5, axis=0), np.percentile(shares, 95, axis=0),
              np.percentile(frags, 5, axis=0), np.percentile(frags, 95, axis=0))
    add(RANDOM, shares.mean(axis=0), frags.mean(axis=0), spread, draws)
    curve = pd.concat(frames, ignore_index=True)[list(CURVE_COLUMNS)]
    table = pd.DataFrame(summary, columns=list(SUMMARY_COLUMNS)).astype({"critical_k": "Int64"})
    return curve, table
