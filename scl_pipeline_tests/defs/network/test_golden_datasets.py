"""Golden tests through the pipeline: landing files of real datasets -> materialized wave -> marts,
against reference values computed here with networkx."""

import networkx as nx
import pandas as pd
import pytest

from scl_pipeline_tests.helpers.dagster import materialize_wave, query
from scl_pipeline_tests.helpers.datasets import kapferer, krackhardt, lazega
from scl_pipeline_tests.helpers.landing import write_wave


def _graphs(dataset, relation="trust"):
    ties = dataset.survey[dataset.survey["relation"] == relation]
    ties = ties[ties["respondent_id"] != ties["nominee_id"]]
    d = nx.DiGraph()
    d.add_nodes_from(dataset.hr["employee_id"])
    d.add_edges_from(zip(ties["respondent_id"], ties["nominee_id"]))
    return d, d.to_undirected()


def _load(lake, dataset, wave):
    write_wave(lake, wave, dataset.hr, dataset.survey)
    materialize_wave(lake, wave)


def test_lazega_advice_density_reciprocity_betweenness_and_country_stats(lake):
    data = lazega("advice")
    d, u = _graphs(data)
    nx.set_node_attributes(u, dict(zip(data.hr["employee_id"], data.hr["country"])), "country")
    _load(lake, data, "2021-Q1")
    summary = query(lake, "select * from marts.wave_summary where wave = '2021-Q1'").iloc[0]
    assert summary["density"] == pytest.approx(nx.density(d))
    assert summary["reciprocity"] == pytest.approx(nx.reciprocity(d))
    assert summary["components"] == nx.number_connected_components(u)
    assert summary["isolates"] == nx.number_of_isolates(u)
    assert summary["articulation_points"] == len(list(nx.articulation_points(u)))
    assert summary["bridges"] == len(list(nx.bridges(u)))
    assert summary["assortativity"] == pytest.approx(nx.attribute_assortativity_coefficient(u, "country"))
    country = nx.get_node_attributes(u, "country")
    external = sum(country[a] != country[b] for a, b in u.edges)
    assert summary["cross_country_edge_share"] == pytest.approx(external / u.number_of_edges())
    assert summary["ei_index"] == pytest.approx((2 * external - u.number_of_edges()) / u.number_of_edges())

    people = query(lake, "select * from marts.person_wave_metrics where wave = '2021-Q1'").set_index("employee_id")
    assert len(people) == 71
    expected = nx.betweenness_centrality(u, normalized=True)
    for lawyer, value in expected.items():
        assert people.loc[lawyer, "betweenness"] == pytest.approx(value, abs=1e-12), lawyer
    assert not people["betweenness_approx"].any()
    pr = nx.pagerank(d, alpha=0.85, tol=1e-13, max_iter=10_000)
    assert people["pagerank"].to_dict() == pytest.approx(pr, abs=1e-6)
    assert people["strong_in_degree"].to_dict() == dict(d.in_degree())

    bonds = query(lake, "select * from marts.country_wave_bonds where wave = '2021-Q1'").set_index("country")
    assert bonds["people"].to_dict() == data.hr["country"].value_counts().to_dict()
    mixing = query(lake, "select * from marts.country_mixing where wave = '2021-Q1'")
    expected_mix = pd.Series([(country[a], country[b]) for a, b in d.edges]).value_counts()
    assert mixing.set_index(["country", "other_country"])["arcs"].to_dict() == expected_mix.to_dict()


def test_krackhardt_reports_to_single_bridges_are_the_ceo_and_vice_presidents(lake):
    data = krackhardt("reports_to")
    _, u = _graphs(data)
    _load(lake, data, "2021-Q1")
    people = query(lake, "select employee_id, single_bridge from marts.person_wave_metrics where wave = '2021-Q1'")
    bridges = set(people.loc[people["single_bridge"], "employee_id"])
    ceo_and_vps = set(data.hr.loc[data.hr["level"].isin(["1", "2"]), "employee_id"])
    assert bridges == ceo_and_vps == set(nx.articulation_points(u))
    assert len(ceo_and_vps) == 5


def test_krackhardt_advice_has_the_published_density(lake):
    data = krackhardt("advice")
    # The landing contract knows no "reports_to" relation; only advice (as trust) is measured here.
    survey = data.survey[data.survey["relation"] != "reports_to"]
    write_wave(lake, "2021-Q1", data.hr, survey)
    materialize_wave(lake, "2021-Q1")
    summary = query(lake, "select arcs, density from marts.wave_summary where wave = '2021-Q1'").iloc[0]
    assert summary["arcs"] == 190
    assert summary["density"] == pytest.approx(0.452, abs=5e-4)


def test_kapferer_two_waves_load_as_two_waves_with_the_published_tie_counts(lake):
    for number, wave in ((1, "2021-Q1"), (2, "2021-Q2")):
        _load(lake, kapferer(number), wave)
    summary = query(lake, "select wave, arcs, edges, population, reciprocity from marts.wave_summary order by wave")
    assert summary["wave"].tolist() == ["2021-Q1", "2021-Q2"]
    assert summary["edges"].tolist() == [158, 223]  # sociational ties are undirected: U's edges
    assert summary["arcs"].tolist() == [316, 446]  # written in both directions
    assert summary["reciprocity"].tolist() == [1.0, 1.0]
    assert summary["population"].tolist() == [39, 39]
    counts = query(lake, "select wave, count(*) as people from marts.person_wave_metrics group by wave order by wave")
    assert counts["people"].tolist() == [39, 39]
    snapshots = query(lake, "select wave, strong_arcs from network.snapshots where relation = 'trust' order by wave")
    assert snapshots["strong_arcs"].tolist() == [316, 446]
