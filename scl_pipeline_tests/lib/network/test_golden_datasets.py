"""Golden tests on the real datasets: references come from the raw files through networkx or
direct formulas, and from the published counts in scl_pipeline_tests/datasets/README.md. Counts of
D (density, reciprocity) are the SQL mart's: defs/network/test_golden_datasets.py."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from scl_pipeline.lib.contract import HR_EXPORT, ONA_SURVEY
from scl_pipeline.lib.network.person_metrics import person_metrics
from scl_pipeline.lib.network.snapshot import build_snapshot
from scl_pipeline.lib.network.wave_stats import graph_stats
from scl_pipeline_tests.helpers.datasets import (
    datasets_dir, kapferer, krackhardt, lazega, network_inputs,
)


def _raw_digraph(path, nodes) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(tuple(map(int, line.split())) for line in path.read_text().splitlines() if line.strip())
    return graph


def test_landing_format():
    data = lazega()
    assert list(data.hr.columns) == list(HR_EXPORT.columns)
    assert list(data.survey.columns) == list(ONA_SURVEY.columns)
    assert data.hr["employee_id"].map(type).eq(str).all()
    assert data.survey["strength"].isna().all()
    assert set(data.survey["relation"]) == {"trust", "friendship", "work"}


def test_lazega_published_counts_and_advice_metrics():
    data = lazega("advice")
    counts = data.survey["relation"].value_counts()
    assert counts["trust"] == 892 and counts["friendship"] == 575 and counts["work"] == 756
    snap = build_snapshot(*network_inputs(data))
    raw = _raw_digraph(datasets_dir() / "lazega" / "lazega_advice.edgelist", range(71))
    summary = graph_stats(snap).iloc[0]
    src, dst = snap.strong_arcs
    arcs = {(int(snap.index[a]) - 1, int(snap.index[b]) - 1) for a, b in zip(src, dst)}
    assert snap.n == 71 and len(src) == 892 and arcs == set(raw.edges)
    reference = nx.betweenness_centrality(raw.to_undirected())
    metrics = person_metrics(snap).set_index("employee_id")
    got = metrics["betweenness"].to_numpy()
    expected = np.array([reference[int(i) - 1] for i in metrics.index])
    np.testing.assert_allclose(got, expected, atol=1e-12)
    # offices are the stand-in countries: E-I from the raw attribute file
    attr = np.loadtxt(datasets_dir() / "lazega" / "ELattr.dat", dtype=int)
    office = dict(zip(attr[:, 0] - 1, attr[:, 3]))
    und = raw.to_undirected()
    ext = sum(office[a] != office[b] for a, b in und.edges)
    assert summary["ei_index"] == pytest.approx((2 * ext - und.number_of_edges()) / und.number_of_edges())


def test_krackhardt_reports_to_single_bridges_are_ceo_and_vps():
    snap = build_snapshot(*network_inputs(krackhardt("reports_to")))
    metrics = person_metrics(snap)
    attr = pd.read_csv(datasets_dir() / "krackhardt" / "Attributes.csv", sep=";", decimal=",")
    bosses = set(attr.loc[attr["LEVEL"].isin([1, 2]), "ID"].astype(str))
    assert len(bosses) == 5
    assert set(metrics.loc[metrics["articulation_point"], "employee_id"]) == bosses
    advice = build_snapshot(*network_inputs(krackhardt("advice")))
    assert len(advice.strong_arcs[0]) == 190


@pytest.mark.parametrize("wave, ties", [(1, 158), (2, 223)])
def test_kapferer_waves(wave, ties):
    snap = build_snapshot(*network_inputs(kapferer(wave)))
    assert snap.n == 39
    assert graph_stats(snap).iloc[0]["edges"] == ties
    assert len(snap.strong_arcs[0]) == 2 * ties  # written in both directions
