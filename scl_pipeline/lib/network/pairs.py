"""The strong ties of U as pairs of ``employee_id``, the form in which ties of two waves (with
different populations, hence different node positions) or of a group can be compared."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scl_pipeline.lib.network.snapshot import NODE_ID, GraphSnapshot

PAIR_COLUMNS: tuple[str, str] = ("a", "b")


def id_pairs(snapshot: GraphSnapshot, among=None) -> pd.DataFrame:
    """Edges of U as ``employee_id`` pairs (columns a < b), optionally only those with both ends
    in ``among`` (an iterable of ids)."""
    u, v = snapshot.undirected_edges
    ids = snapshot.nodes[NODE_ID].astype(str).to_numpy(dtype=object)
    a, b = ids[u], ids[v]
    keep = np.ones(len(a), dtype=bool)
    if among is not None:
        members = pd.Index(pd.Series(list(among), dtype=object).astype(str))
        keep = pd.Index(a).isin(members) & pd.Index(b).isin(members)
    a, b = a[keep], b[keep]
    swap = a > b
    return pd.DataFrame(
        {"a": np.where(swap, b, a).astype(object), "b": np.where(swap, a, b).astype(object)}
    ).sort_values(list(PAIR_COLUMNS), ignore_index=True)
