"""Wave-level network statistics (SPEC §2/§3): ``wave_summary``, ``country_wave_bonds`` and
``country_mixing`` rows of one wave.

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

SUMMARY_COLUMNS: tuple[str, ...] = (
    "wave", "relation", "strong_threshold", "population", "respondents",
    "ties", "arcs", "edges", "density", "reciprocity", "components", "largest_component_share",
    "isolates", "articulation_points", "bridges", "ei_index", "ei_expected", "assortativity",
    "cross_country_edge_share",
)
BOND_COLUMNS: tuple[str, ...] = (
    "wave", "country", "people", "internal_edges", "external_edges", "ei_index", "ei_expected",
    "people_with_cross_country_tie", "single_bridge_people",
)
MIXING_COLUMNS: tuple[str, ...] = ("wave", "country", "other_country", "arcs", "row_share", "smaller_country_people")


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


def wave_summary(snapshot: GraphSnapshot) -> dict:
    """Network statistics of the snapshot's wave (keys: SUMMARY_COLUMNS).

    ``marts.wave_summary`` is the SQL model: it counts population, respondents and the response
    rate itself and takes the graph columns from ``network.wave_graph_stats`` (built from this).
    """
    n = snapshot.n
    src, dst = snapshot.strong_arcs
    arcs = len(src)
    u, v = snapshot.undirected_edges
    country, labels = snapshot.country_codes
    sizes = component_sizes(snapshot) if n else np.zeros(0, dtype=np.int64)
    arc_keys = src * n + dst
    reciprocated = np.isin(dst * n + src, arc_keys).sum() if arcs else 0
    cross = country[u] != country[v]
    edges = len(u)
    graph = snapshot.graph_u
    respondents = snapshot.n_respondents
    return {
        "wave": snapshot.wave,
        "relation": snapshot.relation,
        "strong_threshold": snapshot.strong_threshold,
        "population": n,
        "respondents": respondents,
        "ties": len(snapshot.arcs),
        "arcs": arcs,
        "edges": edges,
        "density": arcs / (n * (n - 1)) if n > 1 else float("nan"),
        "reciprocity": float(reciprocated / arcs) if arcs else float("nan"),
        "components": len(sizes),
        "largest_component_share": float(sizes.max() / n) if n else float("nan"),
        "isolates": int((sizes == 1).sum()),
        "articulation_points": len(graph.articulation_points()),
        "bridges": len(graph.bridges()),
        "ei_index": ei_index(int(cross.sum()), int((~cross).sum())),
        "ei_expected": expected_ei(np.bincount(country, minlength=len(labels))),
        "assortativity": assortativity_by_country(snapshot),
        "cross_country_edge_share": float(cross.sum() / edges) if edges else float("nan"),
    }


def country_wave_bonds(
    snapshot: GraphSnapshot, articulation_point: np.ndarray | None = None
) -> pd.DataFrame:
    """``marts.country_wave_bonds`` rows: one per country of the population."""
    country, labels = snapshot.country_codes
    k = len(labels)
    u, v = snapshot.undirected_edges
    cross = country[u] != country[v]
    people = np.bincount(country, minlength=k)
    internal = np.bincount(country[u[~cross]], minlength=k)
    external = np.bincount(country[u[cross]], minlength=k) + np.bincount(country[v[cross]], minlength=k)
    has_cross = np.zeros(snapshot.n, dtype=bool)
    has_cross[u[cross]] = True
    has_cross[v[cross]] = True
    if articulation_point is None:
        articulation_point = np.zeros(snapshot.n, dtype=bool)
        articulation_point[snapshot.graph_u.articulation_points()] = True
    with np.errstate(invalid="ignore", divide="ignore"):
        ei = np.where(internal + external > 0, (external - internal) / (internal + external), np.nan)
    return pd.DataFrame(
        {
            "wave": snapshot.wave,
            "country": labels,
            "people": people,
            "internal_edges": internal,
            "external_edges": external,
            "ei_index": ei,
            "ei_expected": expected_ei_by_country(people),
            "people_with_cross_country_tie": np.bincount(country[has_cross], minlength=k),
            "single_bridge_people": np.bincount(country[articulation_point], minlength=k),
        },
        columns=list(BOND_COLUMNS),
    )


def country_mixing(snapshot: GraphSnapshot) -> pd.DataFrame:
    """``marts.country_mixing``: arcs of D by (country of i, country of j) as (``country``,
    ``other_country``), non-zero pairs only; row_share = arcs / all arcs sent from ``country``;
    smaller_country_people = people in the smaller of the two countries."""
    country, labels = snapshot.country_codes
    src, dst = snapshot.strong_arcs
    k = len(labels)
    keys, counts = np.unique(country[src] * k + country[dst], return_counts=True)
    frm, to = keys // max(k, 1), keys % max(k, 1)
    row_total = np.bincount(frm, weights=counts, minlength=k)
    people = np.bincount(country, minlength=k)
    return pd.DataFrame(
        {
            "wave": snapshot.wave,
            "country": labels[frm] if len(keys) else np.array([], dtype=object),
            "other_country": labels[to] if len(keys) else np.array([], dtype=object),
            "arcs": counts.astype(np.int64),
            "row_share": counts / row_total[frm] if len(keys) else np.array([]),
            # For small-group suppression in the BI copy: a pair is as identifying as its smaller side.
            "smaller_country_people": np.minimum(people[frm], people[to]).astype(np.int64),
        },
        columns=list(MIXING_COLUMNS),
    )
