import itertools

import networkx as nx
import pytest

from scl_pipeline.lib.marts.country_tables import country_mixing, country_wave_bonds
from scl_pipeline.lib.network.snapshot import build_snapshot
from scl_pipeline_tests.lib.network.conftest import frames_from_digraph, random_digraph


def test_country_tables():
    graph = random_digraph(3, 45, 0.15, isolates=2, blocks=3)
    country = {v: ["US", "FR", "DE"][v % 3] for v in graph}
    snap = build_snapshot(*frames_from_digraph(graph, country))
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
