import itertools

import networkx as nx
import pytest

from scl_pipeline.lib.network.snapshot import build_snapshot
from scl_pipeline.lib.network.wave_stats import GRAPH_STATS_COLUMNS, graph_stats
from scl_pipeline_tests.lib.network.conftest import frames_from_digraph


def _case(graph, n_countries=3):
    country = {v: ["US", "FR", "DE", "JP"][v % n_countries] for v in graph}
    return build_snapshot(*frames_from_digraph(graph, country)), country


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
