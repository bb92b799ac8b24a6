"""Betweenness split over chunks of sources and worker processes equals the single computation
(and networkx's), exact and sampled; progress is reported per chunk."""

import igraph as ig
import networkx as nx
import numpy as np
import pytest

from scl_pipeline.lib.network import source_betweenness as sb
from scl_pipeline.lib.network.person_metrics import MetricsConfig, graph_betweenness


def _graph(n: int, mean_degree: float, seed: int, isolates: int = 0) -> ig.Graph:
    """A random graph with several components: a giant one, small ones and isolates."""
    nxg = nx.gnp_random_graph(n, mean_degree / n, seed=seed)
    nxg.add_nodes_from(range(n, n + isolates))
    return ig.Graph(n=n + isolates, edges=list(nxg.edges), directed=False)


def _networkx(graph: ig.Graph) -> np.ndarray:
    nxg = nx.Graph(graph.get_edgelist())
    nxg.add_nodes_from(range(graph.vcount()))
    values = nx.betweenness_centrality(nxg, normalized=True)
    return np.array([values[v] for v in range(graph.vcount())])


def _recorder():
    calls: list[tuple[int, int]] = []
    return calls, lambda done, total: calls.append((done, total))


def test_chunks_in_process_sum_to_the_single_call_and_report_progress(monkeypatch):
    monkeypatch.setattr(sb, "MIN_PARALLEL_NODES", 0)
    graph = _graph(400, 3.0, seed=3, isolates=5)
    calls, progress = _recorder()
    split = sb.source_betweenness(graph, None, workers=1, progress=progress)
    np.testing.assert_allclose(split, graph.betweenness(directed=False), rtol=0, atol=1e-9)
    assert calls[-1] == (405, 405) and len(calls) == sb.CHUNKS
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_worker_processes_give_the_single_process_and_networkx_values(monkeypatch):
    # A small graph so networkx can check it; the size threshold is lowered to send it to workers.
    monkeypatch.setattr(sb, "MIN_PARALLEL_NODES", 0)
    graph = _graph(500, 4.0, seed=11, isolates=3)
    calls, progress = _recorder()
    single, _, _ = graph_betweenness(graph, MetricsConfig(betweenness_workers=1))
    split, approx, bound = graph_betweenness(graph, MetricsConfig(betweenness_workers=2), progress)
    assert not approx and bound == 0.0
    # Chunks are added in order: one process or two give the same bits.
    ignore = lambda done, total: None  # noqa: E731
    np.testing.assert_array_equal(sb.source_betweenness(graph, None, workers=3, progress=ignore),
                                  sb.source_betweenness(graph, None, workers=1, progress=ignore))
    np.testing.assert_allclose(split, single, rtol=0, atol=1e-9)
    np.testing.assert_allclose(split, _networkx(graph), rtol=0, atol=1e-9)
    assert calls[-1] == (503, 503)


def test_sampled_betweenness_on_workers_equals_the_single_process_estimate(monkeypatch):
    monkeypatch.setattr(sb, "MIN_PARALLEL_NODES", 0)
    graph = _graph(600, 5.0, seed=5)
    sampled = dict(exact_betweenness_max_nodes=100, betweenness_samples=150)
    single, approx_1, bound_1 = graph_betweenness(graph, MetricsConfig(**sampled, betweenness_workers=1))
    calls, progress = _recorder()
    split, approx_2, bound_2 = graph_betweenness(graph, MetricsConfig(**sampled, betweenness_workers=2), progress)
    assert approx_1 and approx_2 and bound_1 == bound_2 > 0
    np.testing.assert_allclose(split, single, rtol=0, atol=1e-9)
    assert calls[-1] == (150, 150)


def test_a_graph_above_the_threshold_goes_to_workers_with_the_same_result():
    graph = _graph(sb.MIN_PARALLEL_NODES + 100, 3.0, seed=1)
    split = sb.source_betweenness(graph, None, workers=2)
    np.testing.assert_allclose(split, graph.betweenness(directed=False), rtol=0, atol=1e-9)


def test_a_small_graph_is_one_call_without_progress():
    graph = _graph(300, 3.0, seed=2)
    calls, progress = _recorder()
    values = sb.source_betweenness(graph, None, workers=2, progress=progress)
    np.testing.assert_array_equal(values, graph.betweenness(directed=False))
    assert calls == []


def test_worker_count_setting():
    assert sb.worker_count(1) == 1 and sb.worker_count(3) == 3
    assert sb.worker_count(0) >= 1
    with pytest.raises(ValueError, match="betweenness_workers must be 0"):
        sb.worker_count(-1)


def test_chunk_results_arriving_out_of_order_are_added_in_order():
    parts = [np.array([0.1, 1e16]), np.array([0.2, 1.0]), np.array([0.3, -1e16])]
    in_order = (parts[0] + parts[1]) + parts[2]
    total = sb._OrderedSum(2)
    for index in (2, 0, 1):
        total.add(index, parts[index])
    np.testing.assert_array_equal(total.total(3), in_order)
    assert not np.array_equal(in_order, (parts[2] + parts[0]) + parts[1])  # the order matters
