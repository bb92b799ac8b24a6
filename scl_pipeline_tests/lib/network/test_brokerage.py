import networkx as nx
import numpy as np

from scl_pipeline.lib.network.brokerage import ROLES, brokerage, brokerage_counts_arrays
from scl_pipeline.lib.network.snapshot import build_snapshot
from scl_pipeline_tests.lib.network.conftest import frames_from_digraph


def _brute_force(graph: nx.DiGraph, group: dict) -> dict:
    counts = {role: {v: 0 for v in graph} for role in ROLES}
    for a in graph:
        for b in graph.successors(a):
            for c in graph.successors(b):
                if c == a or graph.has_edge(a, c):
                    continue
                ga, gb, gc = group[a], group[b], group[c]
                if ga == gb == gc:
                    role = "coordinator"
                elif ga == gc:
                    role = "itinerant"
                elif ga == gb:
                    role = "representative"
                elif gb == gc:
                    role = "gatekeeper"
                else:
                    role = "liaison"
                counts[role][b] += 1
    return counts


def test_matches_brute_force_on_random_graphs():
    rng = np.random.default_rng(11)
    for trial in range(25):
        n = int(rng.integers(3, 35))
        graph = nx.gnp_random_graph(n, float(rng.uniform(0.05, 0.5)), seed=trial, directed=True)
        group = {v: int(g) for v, g in zip(graph, rng.integers(0, int(rng.integers(1, 5)), n))}
        src, dst = (np.array(x, dtype=int) for x in zip(*graph.edges)) if graph.number_of_edges() else (np.zeros(0, int),) * 2
        got = brokerage_counts_arrays(n, src, dst, np.array([group[v] for v in range(n)]))
        ref = _brute_force(graph, group)
        for role in ROLES:
            assert got[role].tolist() == [ref[role][v] for v in range(n)], (trial, role)


def test_named_roles_on_a_hand_made_graph():
    # 0(US) -> 1(US) -> 2(US): coordinator; 3(FR) -> 1 -> 4(DE): liaison; 3 -> 1 -> 0? 1 has no arc to 0.
    graph = nx.DiGraph([(0, 1), (1, 2), (3, 1), (1, 4), (4, 5), (5, 6)])
    country = {0: "US", 1: "US", 2: "US", 3: "FR", 4: "DE", 5: "FR", 6: "DE"}
    frame = brokerage(build_snapshot(*frames_from_digraph(graph, country))).set_index("employee_id")
    assert frame.loc["1", "brokerage_coordinator"] == 1  # 0 -> 1 -> 2
    assert frame.loc["1", "brokerage_representative"] == 1  # 0 -> 1 -> 4
    assert frame.loc["1", "brokerage_gatekeeper"] == 1  # 3 -> 1 -> 2
    assert frame.loc["1", "brokerage_liaison"] == 1  # 3 -> 1 -> 4
    assert frame.loc["4", "brokerage_liaison"] == 1  # 1(US) -> 4(DE) -> 5(FR)
    assert frame.loc["5", "brokerage_itinerant"] == 1  # 4(DE) -> 5(FR) -> 6(DE)
    assert frame.loc["1", "brokerage_total"] == 4
