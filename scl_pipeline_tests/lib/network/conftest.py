"""Small graph builders shared by the network tests."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from scl_pipeline.lib.network.snapshot import GraphSnapshot, build_snapshot
from scl_pipeline_tests.helpers.staging import stage_ties


def frames_from_digraph(graph: nx.DiGraph, country: dict, strength: dict | None = None):
    """(nodes, staged ties) for the network library from a networkx DiGraph (ids as strings)."""
    nodes = pd.DataFrame(
        {"employee_id": [str(v) for v in graph.nodes], "country": [country[v] for v in graph.nodes],
         "department": "d", "level": "l"}
    )
    arcs = list(graph.edges)
    ties = pd.DataFrame(
        {"respondent_id": [str(a) for a, _ in arcs], "nominee_id": [str(b) for _, b in arcs],
         "relation": "trust",
         "strength": pd.array([(strength or {}).get((a, b)) for a, b in arcs], dtype="Int64")}
    )
    return nodes, stage_ties(nodes, ties)


def random_digraph(seed: int, n: int, p: float, isolates: int = 0, blocks: int = 1) -> nx.DiGraph:
    """Random digraph; ``blocks`` disjoint blocks make several components, plus isolates."""
    rng = np.random.default_rng(seed)
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n + isolates))
    block = rng.integers(0, blocks, n)
    for i in range(n):
        for j in range(n):
            if i != j and block[i] == block[j] and rng.random() < p:
                graph.add_edge(i, j)
    return graph


def rated_random_snapshot(seed: int = 3) -> tuple[GraphSnapshot, nx.DiGraph, dict]:
    """(snapshot, digraph, country): 42 people in three countries, strengths 1..5 (some weak)."""
    graph = random_digraph(seed, 40, 0.1, isolates=2, blocks=2)
    country = {v: ["US", "FR", "BR"][v % 3] for v in graph.nodes}
    strength = {e: int(s) for e, s in zip(graph.edges, np.random.default_rng(seed).integers(1, 6, graph.number_of_edges()))}
    nodes, ties = frames_from_digraph(graph, country, strength)
    return build_snapshot(nodes, ties, wave="2021-Q1"), graph, country


@pytest.fixture
def random_graphs():
    return [
        random_digraph(1, 30, 0.08),
        random_digraph(2, 40, 0.1, isolates=3),
        random_digraph(3, 45, 0.15, isolates=2, blocks=3),
        random_digraph(4, 25, 0.3, blocks=2),
    ]
