import numpy as np
import pandas as pd
import pytest

from scl_pipeline.lib.network.snapshot import build_snapshot
from scl_pipeline.lib.network.wave_graphs import snapshot_frames, snapshot_from_frames
from scl_pipeline_tests.lib.network.conftest import frames_from_digraph, random_digraph


def _snapshot(seed=3):
    graph = random_digraph(seed, 40, 0.1, isolates=2, blocks=2)
    country = {v: ["US", "FR", "BR"][v % 3] for v in graph.nodes}
    strength = {e: int(s) for e, s in zip(graph.edges, np.random.default_rng(seed).integers(1, 6, graph.number_of_edges()))}
    nodes, ties = frames_from_digraph(graph, country, strength)
    return build_snapshot(nodes, ties, wave="2021-Q1"), graph, country


def test_frames_round_trip_to_the_same_snapshot():
    snap, _, _ = _snapshot()
    nodes, arcs, meta = snapshot_frames(snap, "/x")
    # shuffled rows and an unrelated relation must not matter
    other = arcs.assign(relation="energy")
    back = snapshot_from_frames(nodes.sample(frac=1, random_state=1), pd.concat([other, arcs.sample(frac=1, random_state=2)]),
                                relation="trust", strong_threshold=4, wave="2021-Q1")
    assert back.nodes["employee_id"].tolist() == snap.nodes["employee_id"].tolist()
    for col in ("src", "dst", "strong"):
        assert back.arcs[col].tolist() == snap.arcs[col].tolist()
    assert back.arcs["strength"].tolist() == snap.arcs["strength"].tolist()
    assert meta.iloc[0]["strong_arcs"] == int(snap.arcs["strong"].sum())
    with pytest.raises(ValueError, match="0..n-1"):
        snapshot_from_frames(nodes.iloc[1:], arcs, relation="trust", strong_threshold=4)
