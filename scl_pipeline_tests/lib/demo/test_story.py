"""The planted story, re-found independently from the written files with networkx."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from scl_pipeline.lib.demo.scale import scale_for
from scl_pipeline_tests.lib.demo.conftest import (
    SMALL_PEOPLE,
    fragmentation,
    participant_edges,
    read_hr,
    read_survey,
    strong_graph,
)


@pytest.fixture(scope="module")
def baseline(small_org: Path, truth: dict) -> nx.Graph:
    return strong_graph(small_org, truth["waves"][0])


@pytest.fixture(scope="module")
def last(small_org: Path, truth: dict) -> nx.Graph:
    return strong_graph(small_org, truth["waves"][-1])


def test_countries_are_uneven_and_real(small_org: Path, truth: dict) -> None:
    import pycountry

    hr = read_hr(small_org, truth["waves"][0])
    sizes = hr["country"].value_counts()
    assert len(sizes) == scale_for(SMALL_PEOPLE).countries
    assert all(pycountry.countries.get(alpha_2=c) is not None for c in sizes.index)
    assert (sizes < 5).sum() >= 2  # a tail of tiny countries
    assert sizes.iloc[0] > 10 * sizes.median() / 2
    assert truth["hub_country"] in set(sizes.index[1:6])  # mid-to-large


def test_planted_bridges_are_hub_articulation_points(baseline: nx.Graph, truth: dict) -> None:
    bridges = set(truth["planted_bridges"])
    assert len(bridges) == 8
    assert {baseline.nodes[b]["country"] for b in bridges} == {truth["hub_country"]}
    assert bridges <= set(nx.articulation_points(baseline))


def test_baseline_cross_country_strong_ties_only_through_bridges(baseline: nx.Graph, truth: dict) -> None:
    bridges = set(truth["planted_bridges"])
    cross = [(a, b) for a, b in baseline.edges() if baseline.nodes[a]["country"] != baseline.nodes[b]["country"]]
    assert cross, "the bridges must carry some cross-country ties"
    assert all(a in bridges or b in bridges for a, b in cross)


def test_each_bridge_alone_links_its_group_to_the_hub(baseline: nx.Graph, truth: dict) -> None:
    hub = truth["hub_country"]
    for bridge, group in truth["bridge_groups"].items():
        rest = baseline.subgraph(set(baseline) - {bridge})
        other_bridge = next(b for b in truth["planted_bridges"] if b != bridge)
        hub_side = nx.node_connected_component(rest, other_bridge)
        group_people = [n for n in rest if rest.nodes[n]["country"] in group]
        assert group_people and not (set(group_people) & hub_side)
        countries_reached = {baseline.nodes[n]["country"] for n in baseline[bridge]}
        assert set(group) <= countries_reached and hub in countries_reached


def test_removing_the_bridges_fragments_the_baseline(baseline: nx.Graph, truth: dict) -> None:
    before = fragmentation(baseline, set())
    after = fragmentation(baseline, set(truth["planted_bridges"]))
    assert after - before > 0.4
    assert after > 3 * before


def test_later_bonds_make_the_bridges_redundant(baseline: nx.Graph, last: nx.Graph, truth: dict) -> None:
    bridges = set(truth["planted_bridges"])
    rise_then = fragmentation(baseline, bridges) - fragmentation(baseline, set())
    rise_now = fragmentation(last, bridges) - fragmentation(last, set())
    assert rise_now < 0.1 < rise_then


def _key_collaborators(graph: nx.Graph, survey) -> set[str]:
    """SPEC §2 central connectors or boundary spanners, computed directly."""
    strong = survey[(survey["relation"] == "trust") & (survey["strength"] >= 4)]
    arcs = strong[["respondent_id", "nominee_id"]].drop_duplicates()
    indeg = arcs["nominee_id"].value_counts().reindex(list(graph), fill_value=0)
    cross = {n: sum(graph.nodes[m]["country"] != graph.nodes[n]["country"] for m in graph[n]) for n in graph}
    cct = np.array([cross[n] for n in graph])
    connector = indeg.to_numpy() >= max(3, np.percentile(indeg.to_numpy(), 90))
    spanner = cct >= max(1, np.percentile(cct, 90))
    return {n for n, c, s in zip(graph, connector, spanner) if c or s}


def test_participants_are_baseline_key_collaborators(small_org: Path, baseline: nx.Graph, truth: dict) -> None:
    key = _key_collaborators(baseline, read_survey(small_org, truth["waves"][0]))
    assert key == set(truth["baseline_key_collaborators"])
    participants = set(truth["participants"])
    assert len(participants) == scale_for(SMALL_PEOPLE).participants
    assert participants <= key
    assert len({baseline.nodes[p]["country"] for p in participants}) >= 8


def test_participants_without_participant_tie_at_baseline(baseline: nx.Graph, truth: dict) -> None:
    participants = set(truth["participants"])
    sub = baseline.subgraph(participants)
    untied = {p for p in participants if sub.degree(p) == 0}
    assert len(untied) == scale_for(SMALL_PEOPLE).untied_participants
    assert untied == set(truth["participants_without_participant_tie_at_baseline"])


def test_participants_form_new_bonds(baseline: nx.Graph, last: nx.Graph, truth: dict) -> None:
    participants = set(truth["participants"])
    new = participant_edges(last, participants) - participant_edges(baseline, participants)
    bonded = set().union(*new) if new else set()
    assert len(bonded) / len(participants) >= 0.9


def test_cross_country_participant_ties_grow_several_fold(baseline: nx.Graph, last: nx.Graph, truth: dict) -> None:
    participants = set(truth["participants"])

    def cross(graph: nx.Graph) -> int:
        return sum(
            1
            for edge in participant_edges(graph, participants)
            if len({graph.nodes[p]["country"] for p in edge}) == 2
        )

    assert 0 < cross(baseline) == truth["baseline_cross_country_participant_ties"]
    assert cross(last) >= 5 * cross(baseline)


def test_bonds_grow_progressively(small_org: Path, truth: dict) -> None:
    participants = set(truth["participants"])
    base = participant_edges(strong_graph(small_org, truth["waves"][0]), participants)
    shares = []
    for wave in truth["waves"][1:]:
        new = participant_edges(strong_graph(small_org, wave), participants) - base
        shares.append(len(set().union(*new) if new else set()) / len(participants))
    assert shares == sorted(shares)
    assert shares[0] < shares[-1]


def test_non_participant_key_collaborators_change_little(baseline: nx.Graph, last: nx.Graph, truth: dict) -> None:
    control = set(truth["baseline_key_collaborators"]) - set(truth["participants"])
    participants = set(truth["participants"])

    def mean_cross(graph: nx.Graph, people: set[str]) -> float:
        return float(
            np.mean([sum(graph.nodes[m]["country"] != graph.nodes[p]["country"] for m in graph[p]) for p in people])
        )

    control_change = mean_cross(last, control) - mean_cross(baseline, control)
    program_change = mean_cross(last, participants) - mean_cross(baseline, participants)
    assert abs(control_change) < 0.1
    assert program_change > 1.0


@pytest.mark.parametrize("people, seed", [(300, 2), (350, 0), (500, 11), (800, 4)])
def test_small_organisations_keep_the_story(tmp_path: Path, people: int, seed: int) -> None:
    from scl_pipeline.lib.demo import generate_demo_org

    truth = generate_demo_org(tmp_path, people=people, seed=seed)
    baseline = strong_graph(tmp_path, truth.waves[0])
    participants = set(truth.participants)
    untied = {p for p in participants if baseline.subgraph(participants).degree(p) == 0}
    assert len(untied) == scale_for(people).untied_participants
    assert set(truth.planted_bridges) <= set(nx.articulation_points(baseline))
