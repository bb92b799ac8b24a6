"""Person metrics of one wave (SPEC §2), one row per person of the population.

Each metric is its own function over a :class:`GraphSnapshot` so callers (and the benchmark)
can time or reuse them; :func:`person_metrics` assembles the table. Engines get integer arrays
through the snapshot's node index; the result is keyed by ``employee_id``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from scl_pipeline.lib.network.constraint import burt_constraint
from scl_pipeline.lib.network.igraph_random import seeded_igraph_random
from scl_pipeline.lib.network.pagerank import pagerank_arcs
from scl_pipeline.lib.network.snapshot import NODE_ID, GraphSnapshot
from scl_pipeline.lib.network.source_betweenness import source_betweenness, worker_count
from scl_pipeline.lib.runs.progress import Progress

if TYPE_CHECKING:
    import igraph as ig

PAGERANK_DAMPING = 0.85


@dataclass(frozen=True)
class MetricsConfig:
    """Knobs of the person metrics.

    exact_betweenness_max_nodes: up to this population size betweenness is exact (igraph, about
        11 s at 13k people on 2 worker processes, 23 s in one); above it, it is estimated from ``betweenness_samples`` random
        source nodes and every row carries ``betweenness_approx = True`` and an error bound.
    betweenness_confidence: probability that ALL estimates lie within the reported bound.
    betweenness_workers: worker processes the betweenness sources are split over (python-igraph
        holds the GIL, so threads would not help); 0: one per CPU; 1: in this process. Graphs
        under ``source_betweenness.MIN_PARALLEL_NODES`` (5,000) people are computed in process:
        starting the workers would cost more than they save.
    seed: seeds both the betweenness sample and Leiden (a private ``random.Random``, lib/network/igraph_random.py).
    """

    exact_betweenness_max_nodes: int = 20_000
    betweenness_samples: int = 1_000
    betweenness_confidence: float = 0.95
    betweenness_workers: int = 0
    seed: int = 20_210_701
    leiden_iterations: int = -1  # -1: iterate until the partition no longer changes


def degrees(snapshot: GraphSnapshot) -> pd.DataFrame:
    """In/out degree over every tie of the relation and over strong ties, and degree in U."""
    n = snapshot.n
    arcs = snapshot.arcs
    src, dst = arcs["src"].to_numpy(), arcs["dst"].to_numpy()
    strong = arcs["strong"].to_numpy(bool)
    u, v = snapshot.undirected_edges
    return pd.DataFrame(
        {
            "in_degree": np.bincount(dst, minlength=n),
            "out_degree": np.bincount(src, minlength=n),
            "strong_in_degree": np.bincount(dst[strong], minlength=n),
            "strong_out_degree": np.bincount(src[strong], minlength=n),
            "degree_u": np.bincount(u, minlength=n) + np.bincount(v, minlength=n),
        }
    )


def betweenness_error_bound(n: int, samples: int, confidence: float) -> float:
    """Hoeffding bound on the normalised betweenness estimate, simultaneous over all n nodes.

    The estimate is the mean of ``samples`` per-source terms X_s in [0, n/(n-1)] whose mean over
    all sources is the exact normalised value, so
    P(any |estimate - exact| > eps) <= n * 2 exp(-2 k eps^2 / (n/(n-1))^2); solving for
    eps at 1 - confidence gives the bound.
    """
    if samples <= 0 or n < 3:
        return float("nan")
    spread = n / (n - 1)
    return spread * math.sqrt(math.log(2 * n / (1 - confidence)) / (2 * samples))


def betweenness(
    snapshot: GraphSnapshot, config: MetricsConfig = MetricsConfig(), progress: Progress | None = None
) -> pd.DataFrame:
    """Shortest-path betweenness on U, unweighted, normalised by (n-1)(n-2)/2 as networkx does.

    Exact up to ``config.exact_betweenness_max_nodes``; above, a source-sampled estimate
    (Brandes–Pich) scaled by n/k, with ``betweenness_approx`` and ``betweenness_error_bound``.
    ``progress(sources done, sources)`` is called as the computation advances.
    """
    n = snapshot.n
    values, approx, bound = graph_betweenness(snapshot.graph_u, config, progress)
    return pd.DataFrame(
        {
            "betweenness": values,
            "betweenness_approx": np.full(n, approx),
            "betweenness_error_bound": np.full(n, bound),
        }
    )


def graph_betweenness(
    graph: ig.Graph, config: MetricsConfig = MetricsConfig(), progress: Progress | None = None
) -> tuple[np.ndarray, bool, float]:
    """:func:`betweenness` of any undirected igraph graph: (normalised values, sampled?, bound).
    The sources are split over ``config.betweenness_workers`` processes (source_betweenness)."""
    n = graph.vcount()
    workers = worker_count(config.betweenness_workers)
    approx = n > config.exact_betweenness_max_nodes and config.betweenness_samples < n
    if approx:
        rng = np.random.default_rng(config.seed)
        sources = np.sort(rng.choice(n, size=config.betweenness_samples, replace=False))
        raw = source_betweenness(graph, sources, workers, progress)
        raw = raw * n / len(sources)
        bound = betweenness_error_bound(n, len(sources), config.betweenness_confidence)
    else:
        raw = source_betweenness(graph, None, workers, progress)
        bound = 0.0
    if n > 2:
        raw = raw / ((n - 1) * (n - 2) / 2)
    return raw, approx, bound


def pagerank(snapshot: GraphSnapshot) -> np.ndarray:
    """PageRank on D, damping 0.85 (dangling nodes spread uniformly, as networkx does), computed
    in a fixed order so that a re-run gives the same bits (lib/network/pagerank.py)."""
    src, dst = snapshot.strong_arcs
    return pagerank_arcs(snapshot.n, src, dst, damping=PAGERANK_DAMPING)


def clustering(snapshot: GraphSnapshot) -> np.ndarray:
    """Local clustering coefficient on U (0 for degree < 2, as networkx)."""
    return np.asarray(snapshot.graph_u.transitivity_local_undirected(mode="zero"))


def constraint(snapshot: GraphSnapshot) -> np.ndarray:
    """Burt's constraint on U (NaN for isolates, as networkx)."""
    return burt_constraint(snapshot.adjacency_u)


def communities(snapshot: GraphSnapshot, config: MetricsConfig = MetricsConfig()) -> np.ndarray:
    """Modularity communities of U by Leiden (igraph), seeded; labels 0.. by decreasing size."""
    if snapshot.n == 0:
        return np.zeros(0, dtype=np.int64)
    with seeded_igraph_random(config.seed):
        partition = snapshot.graph_u.community_leiden(
            objective_function="modularity", n_iterations=config.leiden_iterations
        )
    membership = np.asarray(partition.membership, dtype=np.int64)
    # Stable labels: largest community first, ties broken by smallest member position.
    sizes = np.bincount(membership)
    first = np.full(len(sizes), snapshot.n)
    np.minimum.at(first, membership, np.arange(snapshot.n))
    order = np.lexsort((first, -sizes))
    relabel = np.empty_like(order)
    relabel[order] = np.arange(len(order))
    return relabel[membership]


def _distinct_per_node(n: int, nodes: np.ndarray, labels: np.ndarray, n_labels: int) -> np.ndarray:
    keys = np.unique(nodes.astype(np.int64) * max(n_labels, 1) + labels)
    return np.bincount(keys // max(n_labels, 1), minlength=n)


def neighbour_counts(snapshot: GraphSnapshot, community: np.ndarray) -> pd.DataFrame:
    """cross_country_ties, countries_reached and neighbour_communities from the edges of U."""
    n = snapshot.n
    country, labels = snapshot.country_codes
    u, v = snapshot.undirected_edges
    ends = np.concatenate([u, v])
    others = np.concatenate([v, u])
    cross = country[ends] != country[others]
    return pd.DataFrame(
        {
            "cross_country_ties": np.bincount(ends[cross], minlength=n),
            "countries_reached": _distinct_per_node(
                n, ends[cross], country[others[cross]], len(labels)
            ),
            "neighbour_communities": _distinct_per_node(
                n, ends, community[others], int(community.max(initial=0)) + 1
            ),
        }
    )


def articulation_points(snapshot: GraphSnapshot) -> np.ndarray:
    """Boolean per node: articulation point (cut vertex) of U."""
    flags = np.zeros(snapshot.n, dtype=bool)
    flags[snapshot.graph_u.articulation_points()] = True
    return flags


def person_metrics(
    snapshot: GraphSnapshot, config: MetricsConfig = MetricsConfig(), progress: Progress | None = None
) -> pd.DataFrame:
    """One row per person: employee_id, country, degrees, betweenness (+ approximation flag and
    bound), pagerank, clustering, constraint, community, neighbour_communities,
    cross_country_ties, countries_reached, articulation_point. ``progress`` follows the
    betweenness sources, the long part (see :func:`betweenness`)."""
    community = communities(snapshot, config)
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    NODE_ID: snapshot.nodes[NODE_ID].to_numpy(dtype=object),
                    "country": snapshot.nodes["country"].to_numpy(dtype=object),
                }
            ),
            degrees(snapshot),
            betweenness(snapshot, config, progress),
        ],
        axis=1,
    )
    frame["pagerank"] = pagerank(snapshot)
    frame["clustering"] = clustering(snapshot)
    frame["constraint"] = constraint(snapshot)
    frame["community"] = community
    counts = neighbour_counts(snapshot, community)
    for col in counts.columns:
        frame[col] = counts[col].to_numpy()
    frame["articulation_point"] = articulation_points(snapshot)
    return frame
