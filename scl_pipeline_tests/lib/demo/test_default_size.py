"""The case study's own size: 13,000 people, 89 countries, 200 participants (about 5 s)."""

from __future__ import annotations

import json
from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np
import pytest

from scl_pipeline.lib.demo import generate_demo_org
from scl_pipeline_tests.lib.demo.conftest import fragmentation, read_hr, strong_graph


@pytest.mark.slow
def test_case_study_figures(tmp_path: Path) -> None:
    generate_demo_org(tmp_path)
    truth = json.loads((tmp_path / "_demo_truth.json").read_text())
    hr = read_hr(tmp_path, "2020-Q4")
    sizes = hr["country"].value_counts()
    assert len(hr) == 13_000 and len(sizes) == 89
    assert (sizes >= 1000).sum() >= 3 and (sizes < 5).sum() >= 3
    assert len(truth["participants"]) == 200
    assert len(truth["participants_without_participant_tie_at_baseline"]) == 65
    assert (len(truth["experiment_program"]), len(truth["experiment_control"])) == (63, 330)

    baseline = strong_graph(tmp_path, "2020-Q4")
    assert set(truth["planted_bridges"]) <= set(nx.articulation_points(baseline))
    assert fragmentation(baseline, set(truth["planted_bridges"])) > 0.8 > 0.2 > fragmentation(baseline, set())

    # Removing the 12 hub people of highest betweenness (igraph, exact) at the last wave.
    last = strong_graph(tmp_path, "2022-Q4")
    names = list(last)
    index = {n: i for i, n in enumerate(names)}
    graph = ig.Graph(n=len(names))
    graph.add_edges([(index[a], index[b]) for a, b in last.edges()])
    betweenness = np.array(graph.betweenness())
    hub = [i for i, n in enumerate(names) if last.nodes[n]["country"] == truth["hub_country"]]
    top = {names[i] for i in sorted(hub, key=lambda i: -betweenness[i])[:12]}
    assert fragmentation(last, top) - fragmentation(last, set()) < 0.02

    participants = set(truth["participants"])
    new = {frozenset(e) for e in last.subgraph(participants).edges()} - {
        frozenset(e) for e in baseline.subgraph(participants).edges()
    }
    assert len(set().union(*new)) / len(participants) >= 0.93

    def cross(graph: nx.Graph) -> int:
        edges = graph.subgraph(participants).edges()
        return sum(graph.nodes[a]["country"] != graph.nodes[b]["country"] for a, b in edges)

    assert 8 <= cross(last) / cross(baseline) <= 12
