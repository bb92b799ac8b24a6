"""PageRank by power iteration in a fixed summation order: the same graph gives the same bits.

igraph's PageRank (PRPACK) runs on OpenMP threads (python-igraph ships libgomp), and the order in
which the threads add their partial sums changes from call to call: the values then differ in
their last bits between two runs of the same wave (issue 22). Here every step is a sparse
matrix-vector product (scipy's, one thread, each row summed in column order) and numpy sums over
whole arrays, so the result depends on the graph and the node order only.

Definition as networkx's ``pagerank``: uniform teleport, the rank of a node without out-arcs
(dangling) spread uniformly; iterated until the L1 change is below ``tol``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

MAX_ITERATIONS = 10_000


def pagerank_arcs(
    n: int, src: np.ndarray, dst: np.ndarray, damping: float = 0.85, tol: float = 1e-14
) -> np.ndarray:
    """PageRank of the directed graph on nodes ``0..n-1`` with arcs ``src[i] -> dst[i]`` (each arc
    at most once), summing to 1. Raises ``RuntimeError`` if it has not converged after
    :data:`MAX_ITERATIONS` steps (with damping < 1 it converges geometrically)."""
    if n == 0:
        return np.zeros(0)
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    out_degree = np.bincount(src, minlength=n).astype(np.float64)
    # Column-stochastic transition matrix, transposed: row j sums the rank flowing into j.
    weights = 1.0 / out_degree[src] if len(src) else np.zeros(0)
    flow = sp.csr_matrix((weights, (dst, src)), shape=(n, n))
    flow.sum_duplicates()
    flow.sort_indices()
    dangling = out_degree == 0
    rank = np.full(n, 1.0 / n)
    for _ in range(MAX_ITERATIONS):
        spread = (damping * rank[dangling].sum() + (1.0 - damping)) / n
        nxt = damping * (flow @ rank) + spread
        change = np.abs(nxt - rank).sum()
        rank = nxt
        if change < tol:
            return rank / rank.sum()
    raise RuntimeError(f"PageRank did not converge in {MAX_ITERATIONS} iterations (last L1 change {change:.3g})")
