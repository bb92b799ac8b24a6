"""Bridge criticality: hand-built graphs with the numbers written out, real datasets and random
graphs, each checked against a networkx removal-and-recount (reference.bridge_rows)."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from scl_pipeline.lib.network.snapshot import build_snapshot
from scl_pipeline.lib.resilience.bridges import BRIDGE_COLUMNS, bridge_criticality
from scl_pipeline.lib.resilience.scopes import organisation_scope, participants_scope
from scl_pipeline_tests.helpers.datasets import datasets_dir, kapferer, krackhardt, lazega, network_inputs
from scl_pipeline_tests.lib.resilience import reference as ref

FIGURES = ("component_size", "people_cut_off", "pieces", "countries_cut_off", "critical")


def _table(graph, country, critical_min_people=5):
    scope = ref.scope_of(graph, country)
    table = bridge_criticality(scope, critical_min_people)
    ref.assert_rows_match(table, ref.bridge_rows(ref.undirected(scope), critical_min_people), FIGURES)
    return table.set_index("employee_id")


def _figures(table, person):
    return tuple(table.loc[person, list(FIGURES)])


def test_barbell():
    graph = nx.barbell_graph(5, 0)  # K5 {0..4} - edge 4-5 - K5 {5..9}
    country = {v: "AR" if v < 5 else "BR" for v in graph}
    table = _table(graph, country)
    assert list(table.index) == ["4", "5"]  # equal figures: employee_id order
    assert _figures(table, "4") == (10, 4, 2, 1, True)  # AR's four people are cut off
    assert _figures(table, "5") == (10, 4, 2, 1, True)


def test_barbell_with_middle_person_splits_into_equal_halves():
    graph = nx.barbell_graph(5, 1)  # K5 {0..4} - 5 - K5 {6..10}
    table = _table(graph, {v: "AR" for v in graph})
    # removing 5 leaves two halves of 5: the one holding "0" stays the largest (tie rule)
    assert _figures(table, "5") == (11, 5, 2, 0, True)
    assert _figures(table, "4") == (11, 4, 2, 0, False)
    assert _figures(table, "6") == (11, 4, 2, 0, False)
    assert table.loc["5", "rank"] == 1


def test_star():
    graph = nx.star_graph(6)  # centre 0
    country = {v: "BR" if v == 0 else "AR" for v in graph}
    table = _table(graph, country)
    # six singletons remain; "1" holds the smallest id so it is "the largest"; BR's only person
    # was the centre: BR is gone with it, not cut off
    assert _figures(table, "0") == (7, 5, 6, 0, True)


def test_two_cliques_joined_through_one_person():
    graph = nx.Graph()
    graph.add_edges_from(nx.complete_graph(range(4)).edges)
    graph.add_edges_from(nx.complete_graph(range(5, 9)).edges)
    graph.add_edges_from((4, v) for v in (0, 1, 2, 3, 5, 6, 7, 8))
    country = {v: "AR" if v < 4 else "BR" if v > 4 else "CL" for v in graph}
    table = _table(graph, country)
    assert list(table.index) == ["4"]
    assert _figures(table, "4") == (9, 4, 2, 1, True)  # BR; the joiner's own CL leaves with them


def test_path_rank():
    graph = nx.path_graph(7)
    table = _table(graph, {v: "AR" for v in graph})
    assert {p: table.loc[p, "people_cut_off"] for p in table.index} == {"1": 1, "2": 2, "3": 3, "4": 2, "5": 1}
    assert list(table.sort_values("rank").index) == ["3", "2", "4", "1", "5"]
    assert not table["critical"].any()
    assert (table["pieces"] == 2).all()


def test_tree_with_a_heavy_subtree():
    heavy = nx.relabel_nodes(nx.balanced_tree(2, 3), lambda v: v + 100)  # 15 people, root 100
    graph = nx.Graph(heavy)
    graph.add_edges_from([(0, 100), (0, 1), (1, 2)])
    country = {v: "AR" for v in graph}
    country[114] = "BR"  # a leaf of the heavy subtree's second half
    table = _table(graph, country)
    assert _figures(table, "0") == (18, 2, 2, 0, False)
    # removing the heavy root leaves halves of 7 and 7 and the light part of 3: "101"'s half wins
    assert _figures(table, "100") == (18, 10, 3, 1, True)
    # removing the second half's root: 3 + 3 below it, 11 above; BR's leaf goes with it
    assert _figures(table, "102") == (18, 6, 3, 1, True)
    assert list(table.sort_values("rank").index[:2]) == ["100", "102"]


@pytest.mark.parametrize("other_size, cut, countries", [(6, 8, 2), (4, 4, 1)])
def test_largest_component_splits_below_the_runner_up(other_size, cut, countries):
    # component A: K4 {0..3} + joiner 4 + K4 {5..8} (9 people); component B: a clique of
    # other_size people with ids 90.. . Removing 4 splits A into 4 + 4.
    graph = nx.Graph()
    graph.add_edges_from(nx.complete_graph(range(4)).edges)
    graph.add_edges_from(nx.complete_graph(range(5, 9)).edges)
    graph.add_edges_from((4, v) for v in (0, 1, 2, 3, 5, 6, 7, 8))
    graph.add_edges_from(nx.complete_graph(range(90, 90 + other_size)).edges)
    country = {v: "AR" if v < 4 else "CL" if v == 4 else "BR" if v < 9 else "DE" for v in graph}
    table = _table(graph, country)
    # B of 6 > 4: B becomes the largest, all eight of A are cut off and with them AR and BR
    # (CL, the joiner's own country, is gone). B of 4 ties the halves: "0" < "90", so the AR
    # half stays the largest and only BR is cut off.
    assert _figures(table, "4")[:4] == (9, cut, 2, countries)


def test_no_articulation_point_gives_an_empty_table_with_the_columns():
    table = bridge_criticality(ref.scope_of(nx.cycle_graph(5), {v: "AR" for v in range(5)}))
    assert table.empty and tuple(table.columns) == BRIDGE_COLUMNS


def test_random_graphs_with_ties_and_several_components():
    rng = np.random.default_rng(5)
    for seed in range(60):
        n = int(rng.integers(3, 45))
        graph = nx.gnm_random_graph(n, int(rng.integers(0, 2 * n)), seed=seed)
        country = {v: ["AR", "BR", "CL", "DE"][int(rng.integers(0, 4))] for v in graph}
        _table(graph, country, critical_min_people=int(rng.integers(1, 6)))


def test_krackhardt_reports_to_cut_vertices_are_the_ceo_and_vps():
    snap = build_snapshot(*network_inputs(krackhardt("reports_to")))
    scope = organisation_scope(snap)
    table = bridge_criticality(scope)
    ref.assert_rows_match(table, ref.bridge_rows(ref.undirected(scope)), FIGURES)
    attr = pd.read_csv(datasets_dir() / "krackhardt" / "Attributes.csv", sep=";", decimal=",")
    bosses = set(attr.loc[attr["LEVEL"].isin([1, 2]), "ID"].astype(str))
    ceo = str(attr.loc[attr["LEVEL"] == 1, "ID"].iloc[0])
    assert set(table["employee_id"]) == bosses
    rows = table.set_index("employee_id")
    # without the CEO the four departments fall apart; the largest (D2, Canada) is what remains,
    # so the US (CEO's D1), Mexico and Brazil are cut off
    assert tuple(rows.loc[ceo, ["pieces", "countries_cut_off", "rank"]]) == (4, 3, 1)
    # the D1 vice president holds four US managers: below the threshold, no country lost
    assert tuple(rows.loc["21", ["people_cut_off", "countries_cut_off", "critical"]]) == (4, 0, False)


@pytest.mark.parametrize("relation", ["friendship", "work", "advice"])
def test_lazega_both_scopes(relation):
    data = lazega(relation)
    snap = build_snapshot(*network_inputs(data))
    partners = data.hr.loc[data.hr["level"] == "partner", "employee_id"]
    for scope in (organisation_scope(snap), participants_scope(snap, partners)):
        table = bridge_criticality(scope, 3)
        ref.assert_rows_match(table, ref.bridge_rows(ref.undirected(scope), 3), FIGURES)


@pytest.mark.parametrize("wave", [1, 2])
def test_kapferer(wave):
    snap = build_snapshot(*network_inputs(kapferer(wave)))
    scope = participants_scope(snap, [str(i) for i in range(1, 25)])
    for s in (organisation_scope(snap), scope):
        ref.assert_rows_match(bridge_criticality(s), ref.bridge_rows(ref.undirected(s)), FIGURES)
