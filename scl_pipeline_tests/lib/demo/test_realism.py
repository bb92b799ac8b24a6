"""The organisation-wide trust network looks like a real trust survey (docs/demo_organisation.md).

Ranges, not points: the published figures vary by organisation. Computed from the written files
with igraph (``realism``) and cross-checked against networkx on the same small organisation.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from scl_pipeline_tests.lib.demo.conftest import SMALL_PEOPLE, read_survey, realism, strong_arcs, strong_graph


def assert_realistic(figures: dict[str, float]) -> None:
    """The targets of docs/demo_organisation.md, shared by the small and the default size."""
    people = figures["people"]
    assert 8 <= figures["rows_per_person"] <= 12, figures
    assert 0.70 <= figures["response_rate"] <= 0.85, figures
    assert 0.45 <= figures["strong_share"] <= 0.70, figures
    assert 0.30 <= figures["reciprocity"] <= 0.65, figures
    assert 6 <= figures["mean_degree"] <= 12, figures
    assert 0.15 <= figures["clustering"] <= 0.40, figures
    assert figures["largest_component_share"] >= 0.95, figures
    assert 1 <= figures["isolates"] <= 0.03 * people, figures
    assert figures["pendants"] >= 0.005 * people, figures
    # Geography-driven: most strong ties stay in the country (E-I well below zero), far from
    # what random mixing over these country sizes would give.
    assert figures["ei"] <= -0.5, figures
    assert figures["expected_ei"] - figures["ei"] >= 0.5, figures
    assert figures["same_country_department"] >= 0.5, figures


@pytest.mark.parametrize("wave_index", [0, -1])
def test_small_organisation_is_realistic(small_org: Path, truth: dict, wave_index: int) -> None:
    figures = realism(small_org, truth["waves"][wave_index])
    assert figures["people"] >= SMALL_PEOPLE * 0.98
    assert_realistic(figures)


def test_igraph_figures_agree_with_networkx(small_org: Path, truth: dict) -> None:
    wave = truth["waves"][0]
    figures = realism(small_org, wave)
    arcs = strong_arcs(small_org, wave)
    d = nx.DiGraph()
    d.add_nodes_from(strong_graph(small_org, wave))
    d.add_edges_from(zip(arcs["respondent_id"], arcs["nominee_id"]))
    u = strong_graph(small_org, wave)
    assert figures["reciprocity"] == pytest.approx(nx.overall_reciprocity(d))
    assert figures["mean_degree"] == pytest.approx(2 * u.number_of_edges() / u.number_of_nodes())
    assert figures["clustering"] == pytest.approx(nx.average_clustering(u))
    assert figures["isolates"] == nx.number_of_isolates(u)
    assert figures["largest_component_share"] == pytest.approx(
        max(len(c) for c in nx.connected_components(u)) / u.number_of_nodes()
    )
    cross = sum(u.nodes[a]["country"] != u.nodes[b]["country"] for a, b in u.edges())
    assert figures["ei"] == pytest.approx((2 * cross - u.number_of_edges()) / u.number_of_edges())


def test_ratings_span_one_to_five_and_strong_ties_are_often_mutual(small_org: Path, truth: dict) -> None:
    trust = read_survey(small_org, truth["waves"][0])
    trust = trust[trust["relation"] == "trust"]
    shares = trust["strength"].value_counts(normalize=True).sort_index()
    assert list(shares.index) == [1, 2, 3, 4, 5]
    assert (shares > 0.02).all()
    # A strong tie named back is mostly named back as strong (both see the same relationship).
    rating = dict(zip(zip(trust["respondent_id"], trust["nominee_id"]), trust["strength"]))
    back = [rating[(j, i)] for (i, j), s in rating.items() if s >= 4 and (j, i) in rating]
    assert sum(s >= 4 for s in back) / len(back) >= 0.7
