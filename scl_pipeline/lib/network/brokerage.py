"""Gould–Fernandez brokerage counts by country on D.

For every open two-path a -> b -> c of D (a != c, arc a -> c absent) the broker b is counted in
one role by the groups (countries) of a, b, c:

=================  ===================
coordinator        g(a) = g(b) = g(c)
itinerant          g(a) = g(c) != g(b)   (a.k.a. consultant)
representative     g(a) = g(b) != g(c)
gatekeeper         g(a) != g(b) = g(c)
liaison            all three differ
=================  ===================

Counted without enumerating two-paths: all (in, out) pairs by group from per-node group
counts, minus a = c (mutual neighbours) and minus closed paths (a -> c present), the latter
from sparse products restricted to the arcs of D. Linear in arcs plus sum of out-degree².
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from scl_pipeline.lib.network.snapshot import NODE_ID, GraphSnapshot

ROLES: tuple[str, ...] = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")


def brokerage_counts_arrays(
    n: int, src: np.ndarray, dst: np.ndarray, group: np.ndarray
) -> dict[str, np.ndarray]:
    """Brokerage counts per node for the digraph (src, dst) on n nodes with integer ``group``.

    Arcs must be unique and without self loops.
    """
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    group = np.asarray(group, dtype=np.int64)
    n_groups = int(group.max(initial=-1)) + 1
    a = sp.csr_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
    onehot = sp.csr_matrix((np.ones(n), (np.arange(n), group)), shape=(n, max(n_groups, 1)))

    in_by_group = np.asarray((a.T @ onehot).todense())  # in-neighbours of b per group
    out_by_group = np.asarray((a @ onehot).todense())
    own = group
    rows = np.arange(n)
    in_same = in_by_group[rows, own] if n else np.zeros(0)
    out_same = out_by_group[rows, own] if n else np.zeros(0)
    in_other = in_by_group.sum(axis=1) - in_same
    out_other = out_by_group.sum(axis=1) - out_same
    same_other_groups = (in_by_group * out_by_group).sum(axis=1) - in_same * out_same

    # a = c: b's mutual neighbours
    mutual = a.multiply(a.T).tocsr()
    mut_rows, mut_cols = mutual.nonzero()
    same_mut = group[mut_rows] == group[mut_cols]
    mutual_same = np.bincount(mut_rows[same_mut], minlength=n)
    mutual_other = np.bincount(mut_rows[~same_mut], minlength=n)

    counts = {
        "coordinator": in_same * out_same - mutual_same,
        "itinerant": same_other_groups - mutual_other,
        "representative": in_same * out_other,
        "gatekeeper": in_other * out_same,
        "liaison": in_other * out_other - same_other_groups,
    }

    # closed paths a -> b -> c with a -> c: at each arc (b, c), count common in-neighbours a,
    # split by whether g(a) equals g(b) and g(c).
    same_arc = group[src] == group[dst]
    a_same = sp.csr_matrix(
        (np.ones(int(same_arc.sum())), (src[same_arc], dst[same_arc])), shape=(n, n)
    )
    total = (a.T @ a).multiply(a).tocsr()  # [b, c] = #a with a->b, a->c
    a_eq_b = (a_same.T @ a).multiply(a).tocsr()  # ... and g(a) = g(b)
    a_eq_c = (a.T @ a_same).multiply(a).tocsr()  # ... and g(a) = g(c)

    def at_arcs(m: sp.csr_matrix) -> np.ndarray:
        return np.asarray(m[src, dst]).ravel() if len(src) else np.zeros(0)

    t, x_b, x_c = at_arcs(total), at_arcs(a_eq_b), at_arcs(a_eq_c)
    # arc (b, c) inside one group: g(a)=g(b) -> coordinator, else gatekeeper
    counts["coordinator"] = counts["coordinator"] - np.bincount(src[same_arc], x_b[same_arc], n)
    counts["gatekeeper"] = counts["gatekeeper"] - np.bincount(
        src[same_arc], (t - x_b)[same_arc], n
    )
    # arc (b, c) across groups: g(a)=g(b) -> representative, g(a)=g(c) -> itinerant, else liaison
    cross = ~same_arc
    counts["representative"] = counts["representative"] - np.bincount(src[cross], x_b[cross], n)
    counts["itinerant"] = counts["itinerant"] - np.bincount(src[cross], x_c[cross], n)
    counts["liaison"] = counts["liaison"] - np.bincount(
        src[cross], (t - x_b - x_c)[cross], n
    )
    return {role: np.rint(values).astype(np.int64) for role, values in counts.items()}


def brokerage(snapshot: GraphSnapshot) -> pd.DataFrame:
    """Gould–Fernandez counts by country on D: employee_id + one column per role
    (``brokerage_<role>``) + ``brokerage_total``."""
    src, dst = snapshot.strong_arcs
    country, _ = snapshot.country_codes
    counts = brokerage_counts_arrays(snapshot.n, src, dst, country)
    frame = pd.DataFrame({NODE_ID: snapshot.nodes[NODE_ID].to_numpy(dtype=object)})
    for role in ROLES:
        frame[f"brokerage_{role}"] = counts[role]
    frame["brokerage_total"] = sum(counts[role] for role in ROLES)
    return frame
