import itertools

import networkx as nx
import pytest

from scl_pipeline.lib.network.snapshot import build_snapshot
from scl_pipeline.lib.network.wave_stats import country_mixing, country_wave_bonds, wave_summary
from scl_pipeline_tests.lib.network.conftest import frames_from_digraph


def _case(graph, n_countries=3):
    country = {v: ["US", "FR", "DE", "JP"][v % n_countries] for v in graph}
    return build_snapshot(*frames_from_digraph(graph, country)), country


def test_summary_matches_direct_formulas(random_graphs):
    for graph in random_graphs:
        snap, country = _case(graph)
        und = graph.to_undirected()
        nx.set_node_attributes(und, country, "country")
        s = wave_summary(snap)
        n = graph.number_of_nodes()
        assert s["arcs"] == graph.number_of_edges() and s["edges"] == und.number_of_edges()
        assert s["density"] == pytest.approx(nx.density(graph))
        assert s["reciprocity"] == pytest.approx(nx.reciprocity(graph))
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


def test_country_tables(random_graphs):
    graph = random_graphs[2]
    snap, country = _case(graph)
    und = graph.to_undirected()
    bonds = country_wave_bonds(snap).set_index("country")
    arts = set(nx.articulation_points(und))
    for g in ("US", "FR", "DE"):
        members = {v for v in graph if country[v] == g}
        internal = sum(country[a] == g and country[b] == g for a, b in und.edges)
        external = sum((country[a] == g) != (country[b] == g) for a, b in und.edges)
        row = bonds.loc[g]
        assert (row["people"], row["internal_edges"], row["external_edges"]) == (len(members), internal, external)
        assert row["people_with_cross_country_tie"] == sum(any(country[w] != g for w in und[v]) for v in members)
        assert row["single_bridge_people"] == len(arts & members)
        possible = [(a, b) for a, b in itertools.combinations(graph.nodes, 2) if g in (country[a], country[b])]
        p_ext = sum(country[a] != country[b] for a, b in possible) / len(possible)
        assert row["ei_expected"] == pytest.approx(2 * p_ext - 1)
    mixing = country_mixing(snap)
    for (cf, ct), arcs in mixing.set_index(["country", "other_country"])["arcs"].items():
        assert arcs == sum(country[a] == cf and country[b] == ct for a, b in graph.edges)
    assert mixing.groupby("country")["row_share"].sum().to_numpy() == pytest.approx(1.0)
    assert mixing["arcs"].sum() == graph.number_of_edges()
