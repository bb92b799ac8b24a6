import networkx as nx
import numpy as np
import pandas as pd
import pytest

from scl_pipeline.lib.network.person_metrics import person_metrics
from scl_pipeline.lib.network.roles import RoleConfig, assign_roles, energy_in_degree
from scl_pipeline.lib.network.snapshot import build_snapshot
from scl_pipeline_tests.helpers.staging import stage_ties
from scl_pipeline_tests.lib.network.conftest import frames_from_digraph


def _star_world():
    """Two country stars joined through their hubs, plus a pendant and an isolate.

    US hub 0 is named by 1..5; FR hub 10 by 11..14; 0 <-> 10 mutual; 20 (DE) -> 10; 30 isolate.
    """
    graph = nx.DiGraph()
    graph.add_edges_from((i, 0) for i in range(1, 6))
    graph.add_edges_from((i, 10) for i in range(11, 15))
    graph.add_edges_from([(0, 10), (10, 0), (20, 10)])
    graph.add_node(30)
    country = {v: "US" for v in range(6)} | {v: "FR" for v in range(10, 15)} | {20: "DE", 30: "DE"}
    nodes, ties = frames_from_digraph(graph, country)
    return nodes, ties


def test_roles_follow_the_rules():
    nodes, ties = _star_world()
    metrics = person_metrics(build_snapshot(nodes, ties))
    flags, thresholds = assign_roles(metrics, wave="2021-Q3")
    flags = flags.set_index("employee_id")
    hubs = {"0", "10"}
    assert set(flags.index[flags["central_connector"]]) == hubs
    # 0 has 1 cross-country neighbour (10); 10 has 2 (0 and 20); P90 over 13 people = 1.0
    assert set(flags.index[flags["boundary_spanner"]]) == {"0", "10", "20"}
    assert set(flags.index[flags["single_bridge"]]) == hubs
    assert set(flags.index[flags["peripheral"]]) == set(flags.index) - hubs
    assert set(flags.index[flags["information_broker"]]) == hubs
    # no energy relation: strong in >= max(2, P75) and >= 2 x strong out
    assert set(flags.index[flags["catalyst"]]) == hubs
    row = thresholds.set_index("role").loc["central_connector"]
    strong_in = metrics["strong_in_degree"].to_numpy()
    assert row["percentile_value"] == pytest.approx(np.percentile(strong_in, 90))
    assert row["threshold"] == max(3, np.percentile(strong_in, 90))
    assert (thresholds["wave"] == "2021-Q3").all()
    assert list(thresholds["role"]) == list(flags.columns)


def test_thresholds_are_configurable():
    nodes, ties = _star_world()
    metrics = person_metrics(build_snapshot(nodes, ties))
    flags, _ = assign_roles(metrics, RoleConfig(min_in_degree=7, peripheral_max_degree=0))
    assert not flags["central_connector"].any()  # both hubs have strong in-degree 6
    assert flags.loc[flags["peripheral"], "employee_id"].tolist() == ["30"]


def test_broker_needs_two_neighbour_communities():
    # a path inside one dense block: high betweenness but one neighbour community only
    graph = nx.DiGraph([(0, 1), (1, 2)])
    nodes, ties = frames_from_digraph(graph, {0: "US", 1: "US", 2: "US"})
    metrics = person_metrics(build_snapshot(nodes, ties))
    metrics["neighbour_communities"] = 1
    flags, _ = assign_roles(metrics)
    assert not flags["information_broker"].any()
    metrics["neighbour_communities"] = 2
    flags, _ = assign_roles(metrics)
    assert flags["information_broker"].tolist() == [False, True, False]


def test_catalyst_with_energy_relation():
    nodes, ties = _star_world()
    energy = pd.DataFrame({
        "respondent_id": ["1", "2", "3", "4", "1", "2"],
        "nominee_id": ["11", "11", "11", "11", "12", "12"],
        "relation": "energy",
        "strength": pd.array([5, 4, 4, 3, 5, 5], dtype="Int64"),
    })
    all_ties = stage_ties(nodes, pd.concat([ties.drop(columns="is_strong"), energy], ignore_index=True))
    snap = build_snapshot(nodes, all_ties)
    energy_in = energy_in_degree(nodes, all_ties)
    assert energy_in["11"] == 3 and energy_in["12"] == 2 and energy_in["0"] == 0
    flags, thresholds = assign_roles(person_metrics(snap), energy_in=energy_in)
    assert flags.loc[flags["catalyst"], "employee_id"].tolist() == ["11"]
    assert thresholds.set_index("role").loc["catalyst", "threshold"] == 3
    assert energy_in_degree(nodes, ties) is None
