import duckdb
import pandas as pd
import pytest

from scl_pipeline.lib.network.snapshot import build_snapshot
from scl_pipeline.lib.network.wave_graphs import (
    SnapshotMissingError,
    WaveGraphs,
    load_wave_snapshot,
    snapshot_frames,
    snapshot_from_frames,
    write_wave_graphs,
)
from scl_pipeline_tests.helpers.staging import stage_ties
from scl_pipeline_tests.lib.network.conftest import rated_random_snapshot


def test_frames_round_trip_to_the_same_snapshot():
    snap, _, _ = rated_random_snapshot()
    nodes, arcs, meta = snapshot_frames(snap)
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


def _small(relation="trust", wave="2021-Q3"):
    nodes = pd.DataFrame({"employee_id": ["a", "b", "c"], "country": ["US", "FR", "FR"], "department": "d",
                          "level": "1", "gender": [None, "f", "m"]})
    survey = pd.DataFrame([("a", "b", relation, 5), ("b", "c", relation, 2), ("c", "a", relation, None)],
                          columns=["respondent_id", "nominee_id", "relation", "strength"]).astype({"strength": "Int64"})
    return build_snapshot(nodes, stage_ties(nodes, survey), relation=relation, wave=wave)


def test_stored_and_reloaded_from_the_warehouse():
    snap, energy = _small(), _small("energy")
    with duckdb.connect() as con:
        written = write_wave_graphs(con, "2021-Q3", WaveGraphs(snap, (energy,)))
        assert written == {"network.nodes": 3, "network.arcs": 6, "network.snapshots": 2}
        back = load_wave_snapshot(con, "2021-Q3")
        other = load_wave_snapshot(con, "2021-Q3", "energy")
        assert load_wave_snapshot(con, "2021-Q3", "advice") is None
        # a re-run replaces the wave's rows: the energy relation is gone, nothing is left twice
        write_wave_graphs(con, "2021-Q3", WaveGraphs(snap))
        assert load_wave_snapshot(con, "2021-Q3", "energy") is None
        assert con.execute("SELECT count(*) FROM network.arcs").fetchall()[0][0] == 3
    for got, want in ((back, snap), (other, energy)):
        pd.testing.assert_frame_equal(got.nodes, want.nodes, check_dtype=False)
        pd.testing.assert_frame_equal(got.arcs, want.arcs)
        assert (got.wave, got.relation, got.strong_threshold) == ("2021-Q3", want.relation, 4)
    ids = back.nodes["employee_id"].to_numpy()
    src, dst = back.strong_arcs
    assert set(zip(ids[src], ids[dst])) == {("a", "b")}  # ("c", "a") has no strength in a rated survey: not strong
    assert back.nodes["country"].tolist() == ["US", "FR", "FR"]


def test_a_wave_never_built_is_named():
    with duckdb.connect() as con:
        with pytest.raises(SnapshotMissingError, match="no graph snapshot for wave 2021-Q1"):
            load_wave_snapshot(con, "2021-Q1")
        write_wave_graphs(con, "2021-Q3", WaveGraphs(_small()))
        with pytest.raises(SnapshotMissingError, match="wave 2021-Q1: materialize network/graph_snapshot"):
            load_wave_snapshot(con, "2021-Q1")


def test_a_snapshots_table_written_with_folders_is_read_and_upgraded():
    snap, energy = _small(), _small("energy")
    with duckdb.connect() as con:
        write_wave_graphs(con, "2021-Q3", WaveGraphs(snap, (energy,)))
        # the shape before issue 25: a folder per relation, the secondary one under relations/
        con.execute("ALTER TABLE network.snapshots ADD COLUMN folder VARCHAR")
        con.execute("UPDATE network.snapshots SET folder = CASE WHEN is_primary THEN '/l/graphs/2021-Q3' "
                    "ELSE '/l/graphs/2021-Q3/relations/energy' END")
        con.execute("ALTER TABLE network.snapshots DROP COLUMN is_primary")
        assert load_wave_snapshot(con, "2021-Q3").relation == "trust"
        write_wave_graphs(con, "2021-Q4", WaveGraphs(snap))
        rows = con.execute("SELECT wave, relation, is_primary FROM network.snapshots ORDER BY ALL").fetchall()
    assert rows == [("2021-Q3", "energy", False), ("2021-Q3", "trust", True), ("2021-Q4", "trust", True)]
