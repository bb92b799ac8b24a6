"""Removal scenarios: builders and before/after figures against a networkx removal-and-recount."""

import networkx as nx
import numpy as np
import pytest

from scl_pipeline.lib.network.snapshot import build_snapshot
from scl_pipeline.lib.resilience.scenario_file import ScenarioSpec
from scl_pipeline.lib.resilience.scenarios import (
    SCENARIO_COLUMNS, Removal, baseline_single_bridges, country_cross_country_holders,
    country_single_bridges, evaluate_removals, user_removals,
)
from scl_pipeline.lib.resilience.scopes import organisation_scope, participants_scope
from scl_pipeline_tests.helpers.datasets import krackhardt, lazega, network_inputs
from scl_pipeline_tests.lib.resilience import reference as ref

REFERENCE_COLUMNS = (
    "removed_people", "people_before", "components_before", "components_after",
    "largest_component_share_before", "largest_component_share_after", "fragmentation_before",
    "fragmentation_after", "country_pairs_disconnected",
)


def _check(scope, removals):
    table, missing = evaluate_removals(scope, removals)
    assert tuple(table.columns) == SCENARIO_COLUMNS
    graph = ref.undirected(scope)
    for removal, (_, row) in zip(removals, table.iterrows()):
        expected = ref.scenario(graph, removal.employee_ids)
        for col in REFERENCE_COLUMNS:
            assert row[col] == pytest.approx(expected[col], nan_ok=True), (removal.name, col)
        absent = [i for i in removal.employee_ids if i not in graph]
        assert row["missing_people"] == len(absent) and missing.get(removal.name, []) == absent
    return table.set_index("scenario")


def test_a_bridge_disconnects_a_country_pair():
    # US - US - FR - DE: removing FR's person cuts US from DE; FR itself is gone (not a pair)
    graph = nx.path_graph(4)
    scope = ref.scope_of(graph, {0: "US", 1: "US", 2: "FR", 3: "DE"})
    row = _check(scope, [Removal("x", "user", None, ("2",), 1)]).loc["x"]
    assert row["country_pairs_disconnected"] == 1
    assert row["fragmentation_before"] == 0.0
    assert row["fragmentation_after"] == pytest.approx(1 - 2 / 6)
    assert row["largest_component_share_after"] == pytest.approx(2 / 3)


def test_barbell_builders():
    graph = nx.barbell_graph(5, 0)
    scope = ref.scope_of(graph, {v: "AR" if v < 5 else "BR" for v in graph})
    holders = country_cross_country_holders(scope)
    bridges = country_single_bridges(scope)
    assert [(r.name, r.employee_ids) for r in holders] == [
        ("country_cross_country_holders:AR", ("4",)), ("country_cross_country_holders:BR", ("5",))]
    assert [r.employee_ids for r in bridges] == [("4",), ("5",)]
    row = _check(scope, holders + bridges).loc["country_single_bridges:AR"]
    # K5 + K4 remain: share 5/9, F = 1 - (5*4 + 4*3) / (9*8)
    assert (row["components_after"], row["removed_people"], row["country"]) == (2, 1, "AR")
    assert row["largest_component_share_after"] == pytest.approx(5 / 9)
    assert row["fragmentation_after"] == pytest.approx(1 - 32 / 72)
    assert row["country_pairs_disconnected"] == 1


def test_a_country_without_single_bridges_gets_a_row_that_changes_nothing():
    graph = nx.complete_graph(4)
    scope = ref.scope_of(graph, {0: "AR", 1: "AR", 2: "BR", 3: "BR"})
    row = _check(scope, country_single_bridges(scope)).loc["country_single_bridges:AR"]
    assert (row["requested_people"], row["removed_people"], row["components_after"]) == (0, 0, 1)
    assert row["fragmentation_after"] == row["fragmentation_before"] == 0.0


@pytest.mark.parametrize("relation", ["friendship", "work"])
def test_lazega_every_country_both_kinds_both_scopes(relation):
    data = lazega(relation)
    snap = build_snapshot(*network_inputs(data))
    partners = data.hr.loc[data.hr["level"] == "partner", "employee_id"]
    for scope in (organisation_scope(snap), participants_scope(snap, partners)):
        graph = ref.undirected(scope)
        holders = country_cross_country_holders(scope)
        for removal in holders:
            expected = {p for p in graph if graph.nodes[p]["country"] == removal.country
                        and any(graph.nodes[q]["country"] != removal.country for q in graph[p])}
            assert set(removal.employee_ids) == expected
        bridges = country_single_bridges(scope)
        arts = set(nx.articulation_points(graph))
        for removal in bridges:
            assert set(removal.employee_ids) == {p for p in arts if graph.nodes[p]["country"] == removal.country}
        assert sorted(r.country for r in bridges) == sorted(set(nx.get_node_attributes(graph, "country").values()))
        _check(scope, holders + bridges)


def test_krackhardt_baseline_bridges_removed_again_with_an_absent_id():
    snap = build_snapshot(*network_inputs(krackhardt("reports_to")))
    scope = organisation_scope(snap)
    removal = baseline_single_bridges(["7", "14", "2", "18", "21", "99", "7"])
    assert removal.requested_people == 6
    row = _check(scope, [removal]).loc["baseline_single_bridges"]
    assert (row["removed_people"], row["missing_people"], row["kind"]) == (5, 1, "baseline_single_bridges")
    assert row["components_after"] == 16  # every manager is alone once the CEO and VPs leave
    assert row["largest_component_share_after"] == pytest.approx(1 / 16)


def test_user_scenarios_top_k_by_betweenness_and_id_lists():
    data = lazega("friendship")
    snap = build_snapshot(*network_inputs(data))
    scope = organisation_scope(snap)
    graph = ref.undirected(scope)
    score = nx.betweenness_centrality(graph)
    specs = [ScenarioSpec("us_top_5", country="US", top_k=5),
             ScenarioSpec("mx_all", country="MX", top_k=1000),
             ScenarioSpec("nobody_here", country="JP", top_k=2),
             ScenarioSpec("ids", employee_ids=("1", "2", "nope")),
             ScenarioSpec("only_participants", employee_ids=("1",), scopes=("participants",))]
    removals = user_removals(scope, specs, np.array([score[p] for p in scope.employee_id]))
    by_name = {r.name: r for r in removals}
    assert "only_participants" not in by_name
    us = [p for p in ref.ranked(graph, score) if graph.nodes[p]["country"] == "US"]
    assert by_name["us_top_5"].employee_ids == tuple(us[:5])
    mx = sorted(p for p in graph if graph.nodes[p]["country"] == "MX")
    assert sorted(by_name["mx_all"].employee_ids) == mx
    table = _check(scope, removals)
    assert tuple(table.loc["mx_all", ["requested_people", "removed_people", "missing_people"]]) == (1000, len(mx), 0)
    assert tuple(table.loc["nobody_here", ["requested_people", "removed_people"]]) == (2, 0)
    assert tuple(table.loc["ids", ["requested_people", "removed_people", "missing_people"]]) == (3, 2, 1)


def test_duplicate_scenario_names_are_refused():
    scope = ref.scope_of(nx.path_graph(3), {v: "AR" for v in range(3)})
    twice = [Removal("a", "user", None, ("1",), 1)] * 2
    with pytest.raises(ValueError, match="scenario names must be unique"):
        evaluate_removals(scope, twice)


def test_random_graphs_random_removals():
    rng = np.random.default_rng(3)
    for seed in range(25):
        n = int(rng.integers(4, 40))
        graph = nx.gnm_random_graph(n, int(rng.integers(0, 2 * n)), seed=seed)
        scope = ref.scope_of(graph, {v: ["AR", "BR", "CL"][int(rng.integers(0, 3))] for v in graph})
        size = int(rng.integers(0, n + 1))
        ids = tuple(str(v) for v in rng.choice(n, size=size, replace=False))
        _check(scope, [Removal("r", "user", None, ids, size)] + country_cross_country_holders(scope))
