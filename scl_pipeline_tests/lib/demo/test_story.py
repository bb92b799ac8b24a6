"""The planted story, re-found independently from the written files with networkx.

The case study's story lives in the participants' network (SPEC §3b scope ``participants``: U
induced on the program participants present in the wave); the organisation-wide network around
it is realistic (``test_realism``).
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from scl_pipeline.lib.demo import generate_demo_org
from scl_pipeline.lib.demo.scale import scale_for
from scl_pipeline_tests.lib.demo.conftest import (
    SMALL_PEOPLE,
    cut_off,
    fragmentation,
    largest_share,
    participant_edges,
    read_hr,
    strong_arcs,
    strong_graph,
)


@pytest.fixture(scope="module")
def baseline(small_org: Path, truth: dict) -> nx.Graph:
    return strong_graph(small_org, truth["waves"][0])


@pytest.fixture(scope="module")
def last(small_org: Path, truth: dict) -> nx.Graph:
    return strong_graph(small_org, truth["waves"][-1])


def _participants_graph(graph: nx.Graph, truth: dict) -> nx.Graph:
    return graph.subgraph(set(truth["participants"]) & set(graph)).copy()


def key_collaborators(graph: nx.Graph, arcs: pd.DataFrame) -> set[str]:
    """SPEC §2 central connectors or boundary spanners, computed directly."""
    pairs = arcs[["respondent_id", "nominee_id"]].drop_duplicates()
    indeg = pairs["nominee_id"].value_counts().reindex(list(graph), fill_value=0).to_numpy()
    cct = np.array([sum(graph.nodes[m]["country"] != graph.nodes[n]["country"] for m in graph[n]) for n in graph])
    connector = indeg >= max(3, np.percentile(indeg, 90))
    spanner = cct >= max(1, np.percentile(cct, 90))
    return {n for n, c, s in zip(graph, connector, spanner) if c or s}


def test_countries_are_uneven_and_real(small_org: Path, truth: dict) -> None:
    import pycountry

    sizes = read_hr(small_org, truth["waves"][0])["country"].value_counts()
    assert len(sizes) == scale_for(SMALL_PEOPLE).countries
    assert all(pycountry.countries.get(alpha_2=c) is not None for c in sizes.index)
    assert (sizes < 5).sum() >= 2  # a tail of tiny countries
    assert sizes.iloc[0] > 10 * sizes.median() / 2
    assert truth["hub_country"] in set(sizes.index[1:6])  # mid-to-large


def test_participants_are_baseline_key_collaborators(small_org: Path, baseline: nx.Graph, truth: dict) -> None:
    key = key_collaborators(baseline, strong_arcs(small_org, truth["waves"][0]))
    assert key == set(truth["baseline_key_collaborators"])
    participants = set(truth["participants"])
    assert len(participants) == scale_for(SMALL_PEOPLE).participants
    assert participants <= key
    assert len({baseline.nodes[p]["country"] for p in participants}) >= 9


def test_participants_without_participant_tie_at_baseline(baseline: nx.Graph, truth: dict) -> None:
    network = _participants_graph(baseline, truth)
    untied = {p for p in network if network.degree(p) == 0}
    assert len(untied) == scale_for(SMALL_PEOPLE).untied_participants
    assert untied == set(truth["participants_without_participant_tie_at_baseline"])


def test_the_hub_bridges_are_the_single_bridges_of_the_participants(baseline: nx.Graph, truth: dict) -> None:
    bridges = set(truth["planted_bridges"])
    assert len(bridges) == 8 and bridges <= set(truth["participants"])
    assert {baseline.nodes[b]["country"] for b in bridges} == {truth["hub_country"]}
    hub_participants = {p for p in truth["participants"] if baseline.nodes[p]["country"] == truth["hub_country"]}
    assert hub_participants == set(truth["hub_participants"])
    assert set(nx.articulation_points(_participants_graph(baseline, truth))) == bridges


def test_each_bridge_is_critical_and_they_rank_first(baseline: nx.Graph, truth: dict) -> None:
    network = _participants_graph(baseline, truth)
    found = {p: cut_off(network, p) for p in network}
    for bridge in truth["planted_bridges"]:
        people, countries = found[bridge]
        assert people >= 5 or len(countries) >= 1, bridge  # SPEC §3b critical bridge
        assert people == truth["bridge_criticality"][bridge]["people_cut_off"]
        assert countries == set(truth["bridge_criticality"][bridge]["countries_cut_off"])
        assert countries == set(truth["bridge_groups"][bridge])
    # Nobody else cuts anyone off (a lone participant of a country removed only takes their own
    # country out of the largest component, which is no bridge).
    ranking = sorted(found, key=lambda p: (-found[p][0], -len(found[p][1]), p))
    assert set(ranking[:8]) == set(truth["planted_bridges"])
    assert all(found[p][0] == 0 and found[p][1] <= {network.nodes[p]["country"]} for p in ranking[8:])


def test_baseline_participant_ties_are_geographic(baseline: nx.Graph, truth: dict) -> None:
    bridges = set(truth["planted_bridges"])
    country = nx.get_node_attributes(baseline, "country")
    cross = [(a, b) for a, b in _participants_graph(baseline, truth).edges() if country[a] != country[b]]
    assert cross and all((a in bridges) != (b in bridges) for a, b in cross)
    for bridge, group in truth["bridge_groups"].items():
        reached = {country[b if a == bridge else a] for a, b in cross if bridge in (a, b)}
        assert reached == set(group), bridge
        assert {p for e in cross if bridge in e for p in e} - {bridge} == set(truth["bridge_partners"][bridge])


def test_removing_the_bridges_fragments_the_baseline_but_not_the_last_wave(
    baseline: nx.Graph, last: nx.Graph, truth: dict
) -> None:
    bridges = set(truth["planted_bridges"])
    then, now = _participants_graph(baseline, truth), _participants_graph(last, truth)
    assert largest_share(then, bridges) < 0.3 < 0.5 < largest_share(then)
    assert fragmentation(then, bridges) - fragmentation(then, set()) > 0.2
    assert largest_share(now) == 1.0
    assert largest_share(now, bridges) >= 0.95
    recorded = truth["bridge_removal"]
    assert recorded[truth["waves"][0]]["largest_component_share_after"] == pytest.approx(largest_share(then, bridges))
    assert recorded[truth["waves"][-1]]["fragmentation_after"] == pytest.approx(fragmentation(now, bridges))


def test_last_wave_survives_losing_hub_people(last: nx.Graph, truth: dict) -> None:
    """The case study removed 12 people of the hub country: the network stayed whole."""
    now = _participants_graph(last, truth)
    hub = set(truth["hub_participants"])
    betweenness = nx.betweenness_centrality(now)
    k = min(truth["scale"]["resilience_removal"], len(hub) - 1)
    top = set(sorted(hub, key=lambda p: (-betweenness[p], p))[:k])
    assert largest_share(now, top) >= 0.95
    assert largest_share(now, hub) >= 0.95
    assert truth["hub_removal"][truth["waves"][-1]]["largest_component_share_after"] == largest_share(now, hub)


def test_participants_form_new_bonds_progressively(small_org: Path, baseline: nx.Graph, truth: dict) -> None:
    participants = set(truth["participants"])
    base = participant_edges(baseline, participants)
    shares = []
    for wave in truth["waves"][1:]:
        new = participant_edges(strong_graph(small_org, wave), participants) - base
        shares.append(len(set().union(*new)) / len(participants) if new else 0.0)
    assert shares == sorted(shares) and shares[0] < shares[-1]
    assert shares[-1] >= 0.93
    assert shares[-1] == pytest.approx(truth["participant_network"][truth["waves"][-1]]["new_bond_share"])


def test_cross_country_participant_ties_grow_tenfold(baseline: nx.Graph, last: nx.Graph, truth: dict) -> None:
    def cross(graph: nx.Graph) -> int:
        network = _participants_graph(graph, truth)
        return sum(graph.nodes[a]["country"] != graph.nodes[b]["country"] for a, b in network.edges())

    assert 0 < cross(baseline) == truth["baseline_cross_country_participant_ties"]
    assert 8 <= cross(last) / cross(baseline) <= 12


def _person_metrics(graph: nx.Graph, arcs: pd.DataFrame) -> pd.DataFrame:
    """strong_in_degree (D), cross_country_ties and countries_reached (U) per person."""
    indeg = arcs[["respondent_id", "nominee_id"]].drop_duplicates()["nominee_id"].value_counts()
    rows = {}
    country = nx.get_node_attributes(graph, "country")
    for person in graph:
        abroad = [country[m] for m in graph[person] if country[m] != country[person]]
        rows[person] = (indeg.get(person, 0), len(abroad), len(set(abroad)))
    return pd.DataFrame.from_dict(
        rows, orient="index", columns=["strong_in_degree", "cross_country_ties", "countries_reached"]
    )


def test_participants_gain_against_the_default_control(
    small_org: Path, baseline: nx.Graph, last: nx.Graph, truth: dict
) -> None:
    """SPEC §3b difference-in-differences with a seeded bootstrap over people."""
    before = _person_metrics(baseline, strong_arcs(small_org, truth["waves"][0]))
    after = _person_metrics(last, strong_arcs(small_org, truth["waves"][-1]))
    present = before.index.intersection(after.index)
    participants = present.intersection(truth["participants"])
    control = present.intersection(truth["baseline_key_collaborators"]).difference(truth["participants"])
    change = after.loc[present] - before.loc[present]
    rng = np.random.default_rng(0)
    for metric, planted in truth["planted_effects"].items():
        did = change.loc[participants, metric].mean() - change.loc[control, metric].mean()
        assert did == pytest.approx(planted["did"])
        assert planted["participants_baseline"] == pytest.approx(before.loc[participants, metric].mean())
        p = change.loc[participants, metric].to_numpy()
        c = change.loc[control, metric].to_numpy()
        draws = [rng.choice(p, len(p)).mean() - rng.choice(c, len(c)).mean() for _ in range(2000)]
        assert np.percentile(draws, 2.5) > 0, metric


@pytest.mark.parametrize("people, seed", [(1000, 0), (1000, 3), (2000, 7), (4000, 1)])
def test_small_organisations_keep_the_story(tmp_path: Path, people: int, seed: int) -> None:
    truth = generate_demo_org(tmp_path, people=people, seed=seed).__dict__
    then = _participants_graph(strong_graph(tmp_path, truth["waves"][0]), truth)
    now = _participants_graph(strong_graph(tmp_path, truth["waves"][-1]), truth)
    untied = {p for p in then if then.degree(p) == 0}
    assert len(untied) == scale_for(people).untied_participants
    assert set(nx.articulation_points(then)) == set(truth["planted_bridges"])
    assert all(cut_off(then, b)[1] for b in truth["planted_bridges"])
    assert largest_share(now, set(truth["hub_participants"])) >= 0.95
