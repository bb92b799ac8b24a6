"""Participant network and bond changes: a hand-built two-wave example and Kapferer's two waves
(new/kept/lost bonds and reach checked against networkx set and path computations)."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from scl_pipeline.lib.impact.bonds import bond_changes, distance_to_nearest
from scl_pipeline.lib.impact.participant_network import (
    PARTICIPANT_NETWORK_COLUMNS, participant_network, participant_network_row,
)
from scl_pipeline.lib.network.snapshot import build_snapshot
from scl_pipeline_tests.helpers.datasets import KAPFERER_SIZE, datasets_dir, kapferer, network_inputs
from scl_pipeline_tests.lib.impact.graphs import snapshot_of

BASE_COUNTRY = {"P1": "US", "P2": "US", "P3": "FR", "P4": "FR", "P5": "BR", "P6": "US",
                "N1": "US", "N2": "FR", "N3": "BR", "N4": "DE"}
NOW_COUNTRY = {k: v for k, v in BASE_COUNTRY.items() if k != "P6"} | {"P7": "DE"}
BASE_EDGES = [("P1", "P2"), ("P1", "P3"), ("P3", "P6"), ("P4", "N2"), ("N1", "N2"), ("N2", "N3")]
NOW_EDGES = [("P1", "P2"), ("P2", "P5"), ("P5", "P4"), ("P5", "P7"), ("P4", "N2"), ("N1", "N2"),
             ("N2", "N3"), ("N3", "N4")]
ROSTER = pd.DataFrame({"employee_id": ["P1", "P2", "P3", "P4", "P5", "P6", "P7"], "cohort": "2021-C1"})


@pytest.fixture
def waves():
    return {"2020-Q4": snapshot_of(BASE_COUNTRY, BASE_EDGES, "2020-Q4"),
            "2021-Q4": snapshot_of(NOW_COUNTRY, NOW_EDGES, "2021-Q4")}


def test_hand_example(waves):
    table = participant_network(waves, ROSTER, "2020-Q4")
    assert list(table.columns) == list(PARTICIPANT_NETWORK_COLUMNS)
    base, now = table.iloc[0], table.iloc[1]
    # Baseline: P1-P2, P1-P3 (US-FR), P3-P6 (FR-US) among the six participants; P4, P5 untied.
    assert (base["participants"], base["ties"], base["cross_country_ties"]) == (6, 3, 2)
    assert base["participants_without_participant_tie"] == 2
    assert (base["new_bonds"], base["bonds_kept"], base["bonds_lost"], base["new_bond_share"]) == (0, 3, 0, 0.0)
    # Now: P6 left, P7 joined. Ties P1-P2, P2-P5, P4-P5, P5-P7; P3 untied; three cross-country.
    assert (now["participants"], now["ties"], now["participants_without_participant_tie"]) == (6, 4, 1)
    assert (now["cross_country_ties"], now["cross_country_ties_baseline"]) == (3, 2)
    assert now["cross_country_ratio_to_baseline"] == pytest.approx(1.5)
    # Both waves: P1..P5. New P2-P5 and P4-P5 (P5-P7 is not new: P7 was not there); kept P1-P2;
    # lost P1-P3 (P3-P6 is not lost: P6 left). P2, P4, P5 formed a new bond: 3 of 5.
    assert now["participants_in_both_waves"] == 5
    assert (now["new_bonds"], now["bonds_kept"], now["bonds_lost"]) == (2, 1, 1)
    assert now["new_bond_share"] == pytest.approx(0.6)
    # Reach of {P1..P5, P7} in the 10 people of now: + N2 at 1 step, + N1, N3 at 2, + N4 at 3.
    assert [now[f"reach_{k}_people"] for k in (1, 2, 3)] == [7, 9, 10]
    assert [now[f"reach_{k}_share"] for k in (1, 2, 3)] == pytest.approx([0.7, 0.9, 1.0])


def test_without_baseline_or_before_it_the_comparison_is_null(waves):
    alone = participant_network(waves, ROSTER, None)
    assert alone["new_bonds"].isna().all() and alone["cross_country_ratio_to_baseline"].isna().all()
    assert alone["ties"].tolist() == [3, 4]
    early = participant_network_row(waves["2020-Q4"], ROSTER["employee_id"], waves["2021-Q4"])
    assert early["baseline_wave"].iloc[0] == "2021-Q4" and pd.isna(early["new_bond_share"].iloc[0])


def test_empty_inputs_give_empty_frames_with_the_columns(waves):
    for table in (
        participant_network(waves, None, "2020-Q4"),
        participant_network(waves, ROSTER.iloc[:0], "2020-Q4"),
        participant_network({}, ROSTER, None),
        participant_network(waves, pd.DataFrame({"employee_id": ["nobody"], "cohort": ["C"]}), "2020-Q4"),
    ):
        assert table.empty and list(table.columns) == list(PARTICIPANT_NETWORK_COLUMNS)
    with pytest.raises(ValueError, match="baseline wave '2019-Q1' has no snapshot"):
        participant_network(waves, ROSTER, "2019-Q1")


def test_integer_ids_are_compared_as_text():
    country = {"1": "US", "2": "FR", "3": "FR"}
    now = snapshot_of(country, [("1", "2")], "2021-Q1")
    assert participant_network_row(now, [1, 2]).iloc[0]["ties"] == 1


def test_no_cross_country_tie_at_baseline_gives_no_ratio():
    country = {"A": "US", "B": "FR"}
    base, now = snapshot_of(country, [], "2020-Q4"), snapshot_of(country, [("A", "B")], "2021-Q1")
    row = participant_network_row(now, ["A", "B"], base).iloc[0]
    assert row["cross_country_ties"] == 1 and row["cross_country_ties_baseline"] == 0
    assert np.isnan(row["cross_country_ratio_to_baseline"])


def _kapferer_undirected(wave: int) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(range(1, KAPFERER_SIZE + 1))
    path = datasets_dir() / "kapferer" / f"kapf-sociational-interactions-{wave}.edgelist"
    for line in path.read_text().split("\n"):
        if line.strip():
            a, b = map(int, line.split())
            if a != b:
                graph.add_edge(a + 1, b + 1)
    return graph


@pytest.mark.parametrize("members", [None, [str(i) for i in range(1, 40, 2)]])
def test_kapferer_new_kept_lost_against_networkx_sets(members):
    first, second = (build_snapshot(*network_inputs(kapferer(w)), wave=f"2021-Q{2 * w - 1}") for w in (1, 2))
    change = bond_changes(second, first, among=members)
    g1, g2 = _kapferer_undirected(1), _kapferer_undirected(2)
    keep = set(range(1, KAPFERER_SIZE + 1)) if members is None else {int(m) for m in members}
    e1 = {frozenset(e) for e in g1.subgraph(keep).edges()}
    e2 = {frozenset(e) for e in g2.subgraph(keep).edges()}
    as_set = lambda frame: {frozenset((int(a), int(b))) for a, b in zip(frame["a"], frame["b"])}  # noqa: E731
    assert as_set(change.new) == e2 - e1
    assert as_set(change.kept) == e1 & e2
    assert as_set(change.lost) == e1 - e2
    assert len(e2 - e1) > 0 and len(e1 - e2) > 0  # the test exercises all three sets


def test_kapferer_participant_row_and_reach_against_networkx():
    first, second = (build_snapshot(*network_inputs(kapferer(w)), wave=f"2021-Q{2 * w - 1}") for w in (1, 2))
    participants = ["3", "8", "21", "30"]
    row = participant_network_row(second, participants, first).iloc[0]
    g1, g2 = _kapferer_undirected(1), _kapferer_undirected(2)
    p = [int(x) for x in participants]
    sub = g2.subgraph(p)
    assert row["ties"] == sub.number_of_edges()
    assert row["participants_without_participant_tie"] == sum(1 for v in p if sub.degree(v) == 0)
    formed = {v for e in set(map(frozenset, sub.edges())) - set(map(frozenset, g1.subgraph(p).edges())) for v in e}
    assert row["new_bond_share"] == pytest.approx(len(formed) / len(p))
    dist = nx.multi_source_dijkstra_path_length(g2, set(p))
    for k in (1, 2, 3):
        assert row[f"reach_{k}_people"] == sum(1 for d in dist.values() if d <= k)
    steps = distance_to_nearest(second, participants, 3)
    ids = second.nodes["employee_id"].astype(int)
    assert all(steps[i] == dist[v] if dist.get(v, 99) <= 3 else np.isinf(steps[i]) for i, v in enumerate(ids))
