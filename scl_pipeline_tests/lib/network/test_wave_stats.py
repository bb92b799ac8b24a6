import itertools

import networkx as nx
import pytest

from scl_pipeline.lib.network.resilience import removal_curve, removal_impact
from scl_pipeline.lib.network.snapshot import build_snapshot
from scl_pipeline.lib.network.wave_stats import GRAPH_STATS_COLUMNS, graph_stats
from scl_pipeline_tests.lib.network.conftest import frames_from_digraph


def _case(graph, n_countries=3):
    country = {v: ["US", "FR", "DE", "JP"][v % n_countries] for v in graph}
    return build_snapshot(*frames_from_digraph(graph, country)), country


def _fragmentation(und: nx.Graph) -> float:
    m = und.number_of_nodes()
    return 1 - sum(len(c) * (len(c) - 1) for c in nx.connected_components(und)) / (m * (m - 1))


def test_graph_stats_match_direct_formulas(random_graphs):
    # Counts of D (arcs, density, reciprocity) are the SQL mart's: defs/marts/test_wave_summary.py.
    for graph in random_graphs:
        snap, country = _case(graph)
        und = graph.to_undirected()
        nx.set_node_attributes(und, country, "country")
        stats = graph_stats(snap)
        assert list(stats.columns) == list(GRAPH_STATS_COLUMNS)
        s = stats.iloc[0]
        n = graph.number_of_nodes()
        assert len(snap.strong_arcs[0]) == graph.number_of_edges() and s["edges"] == und.number_of_edges()
        comps = list(nx.connected_components(und))
        assert s["components"] == len(comps)
        assert s["largest_component_share"] == pytest.approx(max(map(len, comps)) / n)
        assert s["isolates"] == nx.number_of_isolates(und)
        assert s["articulation_points"] == len(list(nx.articulation_points(und)))
        assert s["bridges"] == len(list(nx.bridges(und)))
        assert s["assortativity"] == pytest.approx(nx.attribute_assortativity_coefficient(und, "country"))
        ext = sum(country[a] != country[b] for a, b in und.edges)
        assert s["ei_index"] == pytest.approx((ext - (und.number_of_edges() - ext)) / und.number_of_edges())
        pairs = list(itertools.combinations(graph.nodes, 2))
        p_ext = sum(country[a] != country[b] for a, b in pairs) / len(pairs)
        assert s["ei_expected"] == pytest.approx(2 * p_ext - 1)
        assert s["cross_country_edge_share"] == pytest.approx(ext / und.number_of_edges())


def test_removal_impact_and_curve(random_graphs):
    for graph in random_graphs:
        snap, country = _case(graph)
        und = graph.to_undirected()
        by_degree = sorted(und, key=lambda v: (-und.degree(v), v))[:6]
        impact = removal_impact(snap, [str(v) for v in by_degree])
        rest = und.copy()
        rest.remove_nodes_from(by_degree)
        assert impact["fragmentation_before"] == pytest.approx(_fragmentation(und))
        assert impact["fragmentation_after"] == pytest.approx(_fragmentation(rest))
        assert impact["components_after"] == nx.number_connected_components(rest)
        curve = removal_curve(snap, [str(v) for v in by_degree])
        assert len(curve) == 7
        for k in range(7):
            step = und.copy()
            step.remove_nodes_from(by_degree[:k])
            assert curve.loc[k, "fragmentation"] == pytest.approx(_fragmentation(step))
            assert curve.loc[k, "largest_component_share"] == pytest.approx(
                max(map(len, nx.connected_components(step))) / step.number_of_nodes())


def test_country_pairs_disconnected_by_a_bridge():
    # US - (0, 1) --- 2 (FR) --- 3 (DE): removing 2 cuts US-DE and FR is gone; DE stays alone
    graph = nx.DiGraph([(0, 1), (1, 2), (2, 3)])
    country = {0: "US", 1: "US", 2: "FR", 3: "DE"}
    snap = build_snapshot(*frames_from_digraph(graph, country))
    impact = removal_impact(snap, ["2"])
    assert impact["country_pairs_disconnected"] == 1
    assert impact["fragmentation_before"] == 0.0
    assert impact["fragmentation_after"] == pytest.approx(1 - 2 / 6)
