import networkx as nx
import numpy as np
import pytest

from scl_pipeline.lib.network.person_metrics import (
    MetricsConfig, betweenness, betweenness_error_bound, person_metrics,
)
from scl_pipeline.lib.network.snapshot import build_snapshot
from scl_pipeline_tests.lib.network.conftest import frames_from_digraph


def _snapshot(graph, countries=3):
    return build_snapshot(*frames_from_digraph(graph, {v: "ABC"[v % countries] + "X" for v in graph}))


def _by_node(values: dict, graph) -> np.ndarray:
    return np.array([values[v] for v in graph.nodes], dtype=float)


def test_metrics_match_networkx(random_graphs):
    for graph in random_graphs:
        snap = _snapshot(graph)
        metrics = person_metrics(snap)
        assert metrics["employee_id"].tolist() == [str(v) for v in graph.nodes]
        und = graph.to_undirected()
        np.testing.assert_allclose(metrics["betweenness"], _by_node(nx.betweenness_centrality(und), graph), atol=1e-12)
        np.testing.assert_allclose(metrics["pagerank"], _by_node(nx.pagerank(graph, alpha=0.85, tol=1e-13, max_iter=1000), graph), atol=1e-8)
        np.testing.assert_allclose(metrics["clustering"], _by_node(nx.clustering(und), graph), atol=1e-12)
        np.testing.assert_allclose(metrics["constraint"], _by_node(nx.constraint(und), graph), atol=1e-12, equal_nan=True)
        np.testing.assert_array_equal(metrics["strong_in_degree"], _by_node(dict(graph.in_degree()), graph))
        np.testing.assert_array_equal(metrics["degree_u"], _by_node(dict(und.degree()), graph))
        assert set(metrics.loc[metrics["articulation_point"], "employee_id"]) == {
            str(v) for v in nx.articulation_points(und)}
        assert not metrics["betweenness_approx"].any()


def test_cross_country_and_neighbour_communities():
    graph = nx.DiGraph([(0, 1), (0, 2), (3, 0), (1, 2)])
    graph.add_node(4)
    country = {0: "US", 1: "US", 2: "FR", 3: "DE", 4: "US"}
    metrics = person_metrics(build_snapshot(*frames_from_digraph(graph, country)))
    und = graph.to_undirected()
    expected = [sum(country[w] != country[v] for w in und[v]) for v in graph]
    reached = [len({country[w] for w in und[v]} - {country[v]}) for v in graph]
    assert metrics["cross_country_ties"].tolist() == expected == [2, 1, 2, 1, 0]
    assert metrics["countries_reached"].tolist() == reached
    comm = dict(zip(range(5), metrics["community"]))
    assert metrics["neighbour_communities"].tolist() == [len({comm[w] for w in und[v]}) for v in graph]


def test_weak_ties_count_in_all_degrees_only():
    graph = nx.DiGraph([(0, 1), (1, 2)])
    nodes, ties = frames_from_digraph(graph, {0: "US", 1: "US", 2: "US"}, strength={(0, 1): 2, (1, 2): 5})
    metrics = person_metrics(build_snapshot(nodes, ties))
    assert metrics["in_degree"].tolist() == [0, 1, 1]
    assert metrics["strong_in_degree"].tolist() == [0, 0, 1]
    assert metrics["degree_u"].tolist() == [0, 1, 1]


def test_communities_are_seeded_and_find_two_cliques():
    graph = nx.DiGraph()
    for block in (range(0, 6), range(6, 12)):
        graph.add_edges_from((i, j) for i in block for j in block if i != j)
    graph.add_edge(0, 6)
    snap = _snapshot(graph)
    first = person_metrics(snap)["community"].to_numpy()
    again = person_metrics(_snapshot(graph))["community"].to_numpy()
    np.testing.assert_array_equal(first, again)
    assert len(set(first[:6])) == 1 and len(set(first[6:])) == 1 and first[0] != first[6]


def test_sampled_betweenness_is_flagged_and_within_bound():
    graph = nx.gnp_random_graph(300, 0.03, seed=7, directed=True)
    snap = _snapshot(nx.DiGraph(graph))
    config = MetricsConfig(exact_betweenness_max_nodes=100, betweenness_samples=150)
    approx = betweenness(snap, config)
    exact = betweenness(snap)
    assert approx["betweenness_approx"].all() and not exact["betweenness_approx"].any()
    bound = approx["betweenness_error_bound"].iloc[0]
    assert bound == pytest.approx(betweenness_error_bound(300, 150, 0.95))
    assert np.abs(approx["betweenness"] - exact["betweenness"]).max() <= bound
    # the estimate is useful, not just within a loose bound
    assert np.corrcoef(approx["betweenness"], exact["betweenness"])[0, 1] > 0.9
