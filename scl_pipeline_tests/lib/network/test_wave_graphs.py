import pandas as pd
import pytest

from scl_pipeline.lib.network.wave_graphs import snapshot_frames, snapshot_from_frames
from scl_pipeline_tests.lib.network.conftest import rated_random_snapshot


def test_frames_round_trip_to_the_same_snapshot():
    snap, _, _ = rated_random_snapshot()
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
