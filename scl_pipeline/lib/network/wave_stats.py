"""Graph statistics of one wave (SPEC §2/§3): the ``network.wave_graph_stats`` row that
``marts.wave_summary`` joins, and the E-I and assortativity formulas the country marts share.

E-I index (Krackhardt–Stern) on the edges of U: (E - I) / (E + I). Its expected value under
random mixing for the same country sizes n_g (population n) places the same number of edges
uniformly on the n(n-1)/2 possible pairs, so an edge is external with probability
p_E = 1 - sum_g n_g(n_g - 1) / (n(n - 1)) and E[EI] = 2 p_E - 1. Per country g, over the
edges with at least one end in g: p_E(g) = n_g(n - n_g) / (n_g(n - n_g) + n_g(n_g - 1)/2).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scl_pipeline.lib.network.snapshot import GraphSnapshot

# The wave_summary columns measured on the graph. Counts (population, respondents, arcs, density,
# reciprocity) are SQL's, over the same staged ties; a pipeline test checks the two agree.
GRAPH_STATS_COLUMNS: tuple[str, ...] = (
    "relation", "strong_threshold", "edges", "components", "largest_component_share", "isolates",
    "articulation_points", "bridges", "ei_index", "ei_expected", "assortativity",
    "cross_country_edge_share",
)


def ei_index(external: float, internal: float) -> float:
    """(E - I) / (E + I); NaN without edges."""
    total = external + internal
    return (external - internal) / total if total else float("nan")


def expected_ei(country_sizes: np.ndarray) -> float:
    """E-I expected when edges fall uniformly on all pairs of the population."""
    sizes = np.asarray(country_sizes, dtype=np.float64)
    n = sizes.sum()
    if n < 2:
        return float("nan")
    p_external = 1.0 - (sizes * (sizes - 1)).sum() / (n * (n - 1))
    return float(2.0 * p_external - 1.0)


def expected_ei_by_country(country_sizes: np.ndarray) -> np.ndarray:
    """Per country, E-I expected over the possible pairs with at least one end in it."""
    sizes = np.asarray(country_sizes, dtype=np.float64)
    n = sizes.sum()
    external = sizes * (n - sizes)
    internal = sizes * (sizes - 1) / 2
    total = external + internal
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, 2.0 * external / total - 1.0, np.nan)


def assortativity_by_country(snapshot: GraphSnapshot) -> float:
    """networkx ``attribute_assortativity_coefficient(U, "country")``, from the mixing matrix
    directly: each edge counted in both directions, r = (tr e - sum a_i^2) / (1 - sum a_i^2)."""
    country, labels = snapshot.country_codes
    u, v = snapshot.undirected_edges
    if len(u) == 0:
        return float("nan")
    k = len(labels)
    mix = np.zeros((k, k))
    np.add.at(mix, (country[u], country[v]), 1.0)
    mix = mix + mix.T
    e = mix / mix.sum()
    a = e.sum(axis=1)
    denom = 1.0 - (a * a).sum()
    return float((np.trace(e) - (a * a).sum()) / denom) if denom > 0 else float("nan")


def component_sizes(snapshot: GraphSnapshot) -> np.ndarray:
    return np.asarray(snapshot.graph_u.connected_components().sizes(), dtype=np.int64)


def graph_stats(snapshot: GraphSnapshot) -> pd.DataFrame:
    """One-row ``network.wave_graph_stats`` frame (GRAPH_STATS_COLUMNS) of the snapshot's wave."""
    n = snapshot.n
    u, v = snapshot.undirected_edges
    country, labels = snapshot.country_codes
    sizes = component_sizes(snapshot) if n else np.zeros(0, dtype=np.int64)
    cross = country[u] != country[v]
    edges = len(u)
    row = {
        "relation": snapshot.relation,
        "strong_threshold": snapshot.strong_threshold,
        "edges": edges,
        "components": len(sizes),
        "largest_component_share": float(sizes.max() / n) if n else float("nan"),
        "isolates": int((sizes == 1).sum()),
        "articulation_points": len(snapshot.graph_u.articulation_points()),
        "bridges": len(snapshot.graph_u.bridges()),
        "ei_index": ei_index(int(cross.sum()), int((~cross).sum())),
        "ei_expected": expected_ei(np.bincount(country, minlength=len(labels))),
        "assortativity": assortativity_by_country(snapshot),
        "cross_country_edge_share": float(cross.sum() / edges) if edges else float("nan"),
    }
    return pd.DataFrame([row], columns=list(GRAPH_STATS_COLUMNS))
