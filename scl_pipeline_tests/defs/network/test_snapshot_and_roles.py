"""The snapshot asset persists exactly the graph the metrics are computed from; roles follow
RoleSettings; program participants are flagged from the roster."""

import dagster as dg
import numpy as np
import pandas as pd
import pytest

from scl_pipeline.lib.network.person_metrics import person_metrics
from scl_pipeline.lib.network.snapshot import build_snapshot
from scl_pipeline.lib.network.wave_graphs import load_wave_snapshot, snapshot_from_frames
from scl_pipeline.lib.warehouse.connection import connect
from scl_pipeline_tests.helpers.staging import stage_ties
from scl_pipeline_tests.helpers.dagster import materialize_unpartitioned, materialize_wave, query
from scl_pipeline_tests.helpers.landing import small_org, write_frame, write_wave

WAVE = "2021-Q1"


def _org_with_energy():
    hr, survey = small_org()
    energy = pd.DataFrame(
        [("E1", "E6", 5), ("E2", "E6", 4), ("E3", "E6", 4), ("E4", "E6", 5), ("E5", "E2", 2)],
        columns=["respondent_id", "nominee_id", "strength"],
    ).assign(relation="energy")
    return hr, pd.concat([survey, energy], ignore_index=True)


def _expected_snapshot(hr, survey, relation="trust"):
    return build_snapshot(hr, stage_ties(hr, survey), relation=relation, wave=WAVE,
                          respondent_ids=survey["respondent_id"].unique())


def _same_graph(a, b):
    assert a.index.tolist() == b.index.tolist()
    assert a.nodes[["employee_id", "country", "responded"]].equals(b.nodes[["employee_id", "country", "responded"]])
    cols = ["respondent_id", "nominee_id", "src", "dst", "strong"]
    assert a.arcs[cols].reset_index(drop=True).equals(b.arcs[cols].reset_index(drop=True))
    assert a.arcs["strength"].tolist() == b.arcs["strength"].tolist()
    assert (a.relation, a.strong_threshold, a.wave) == (b.relation, b.strong_threshold, b.wave)


def _stored(lake, relation=None):
    """The snapshot as the IO manager hands it to the readers (lib.network.wave_graphs)."""
    with connect(lake.warehouse_path, read_only=True) as con:
        return load_wave_snapshot(con, WAVE, relation)


def test_snapshot_reloads_equal_from_the_warehouse(lake):
    hr, survey = _org_with_energy()
    write_wave(lake, WAVE, hr, survey)
    materialize_wave(lake, WAVE)
    expected = _expected_snapshot(hr, survey)

    stored = _stored(lake)
    nodes = query(lake, "select * from network.nodes where wave = $w", {"w": WAVE})
    arcs = query(lake, "select * from network.arcs where wave = $w", {"w": WAVE})
    meta = query(lake, "select * from network.snapshots where wave = $w order by relation", {"w": WAVE})
    assert meta["relation"].tolist() == ["energy", "trust"]
    from_duckdb = snapshot_from_frames(nodes, arcs, relation="trust", strong_threshold=4, wave=WAVE)
    assert meta["is_primary"].tolist() == [False, True]
    _same_graph(stored, expected)
    _same_graph(from_duckdb, expected)
    energy = snapshot_from_frames(nodes, arcs, relation="energy", strong_threshold=4, wave=WAVE)
    _same_graph(energy, _stored(lake, "energy"))
    _same_graph(energy, _expected_snapshot(hr, survey, "energy"))
    assert len(energy.arcs) == 5

    # D as stored: every person a node, an arc for each strong trust tie and no other
    ids = stored.nodes["employee_id"].to_numpy()
    src, dst = stored.strong_arcs
    strong = survey[(survey["relation"] == "trust") & (survey["strength"] >= 4)]
    assert set(ids) == set(hr["employee_id"])
    assert set(zip(ids[src], ids[dst])) == set(zip(strong["respondent_id"], strong["nominee_id"]))

    # the mart holds the metrics of exactly the persisted graph
    mart = query(lake, "select * from marts.person_wave_metrics where wave = $w", {"w": WAVE}).set_index("employee_id")
    recomputed = person_metrics(from_duckdb).set_index("employee_id")
    for col in ("strong_in_degree", "in_degree", "betweenness", "pagerank", "constraint", "community"):
        np.testing.assert_allclose(mart.loc[recomputed.index, col].astype(float), recomputed[col].astype(float))
    # energy ratings >= 4 received: E6 four times, E2 none (rating 2)
    assert mart.loc["E6", "energy_in_degree"] == 4 and mart.loc["E2", "energy_in_degree"] == 0
    thresholds = query(lake, "select * from marts.role_thresholds where wave = $w", {"w": WAVE}).set_index("role")
    assert thresholds.loc["catalyst", "metric"].startswith("energy_in_degree")
    assert mart["catalyst"].sum() == 1 and mart.loc["E6", "catalyst"]


def test_rerun_replaces_the_wave_snapshot(lake):
    hr, survey = _org_with_energy()
    write_wave(lake, WAVE, hr, survey)
    materialize_wave(lake, WAVE)
    trust_only = survey[survey["relation"] == "trust"]
    write_wave(lake, WAVE, hr, trust_only)
    materialize_wave(lake, WAVE)
    assert _stored(lake, "energy") is None
    assert query(lake, "select relation from network.snapshots")["relation"].tolist() == ["trust"]
    counts = query(lake, "select relation, count(*) as n from network.arcs group by relation")
    assert counts.set_index("relation")["n"].to_dict() == {"trust": len(trust_only)}
    assert query(lake, "select count(*) as n from network.nodes")["n"].iloc[0] == len(hr)


def test_role_thresholds_are_configurable_and_stored_per_wave(lake):
    hr, survey = small_org()
    write_wave(lake, WAVE, hr, survey)
    materialize_wave(lake, WAVE)
    sql = "select employee_id, central_connector, peripheral from marts.person_wave_metrics where wave = $w order by employee_id"
    before = query(lake, sql, {"w": WAVE}).set_index("employee_id")
    materialize_wave(lake, WAVE, roles={"min_in_degree": 2, "peripheral_max_degree": 0})
    after = query(lake, sql, {"w": WAVE}).set_index("employee_id")
    # strong in-degree in small_org: E6 3, E4 2, others <= 1 (P90 = 2.3)
    assert before.index[before["central_connector"]].tolist() == ["E6"]
    assert after.index[after["central_connector"]].tolist() == ["E6"]
    assert before["peripheral"].sum() == 3 and after["peripheral"].sum() == 0
    materialize_wave(lake, WAVE, roles={"min_in_degree": 1, "percentile": 50})
    loose = query(lake, sql, {"w": WAVE}).set_index("employee_id")
    strong = survey[survey["strength"] >= 4]
    in_degree = strong["nominee_id"].value_counts().reindex(hr["employee_id"], fill_value=0)
    expected = in_degree[in_degree >= max(1, np.percentile(in_degree, 50))]
    assert loose.index[loose["central_connector"]].tolist() == sorted(expected.index)
    assert len(expected) == 7  # all but E8, whose only nomination (E7, strength 3) is weak
    thresholds = query(lake, "select * from marts.role_thresholds where wave = $w", {"w": WAVE}).set_index("role")
    assert thresholds.loc["central_connector", "floor"] == 1
    assert thresholds.loc["central_connector", "percentile"] == 50
    assert thresholds.loc["central_connector", "threshold"] == pytest.approx(1.0)


def test_participants_flag_and_cohort_from_the_roster(lake):
    hr, survey = small_org()
    write_wave(lake, WAVE, hr, survey)
    materialize_wave(lake, WAVE)
    flags = query(lake, "select participant, cohort from marts.person_wave_metrics")
    assert not flags["participant"].any() and flags["cohort"].isna().all()

    roster = pd.DataFrame({"employee_id": ["E2", "E6"], "cohort": ["2021-B", "2021-A"]})
    write_frame(roster, lake.program_folder / "participants.csv")
    materialize_unpartitioned(lake, [dg.AssetKey(["raw", "participants"])])
    materialize_wave(lake, WAVE)
    rows = query(lake, "select employee_id, participant, cohort from marts.person_wave_metrics order by employee_id")
    got = rows.set_index("employee_id")
    assert got.index[got["participant"]].tolist() == ["E2", "E6"]
    assert got.loc["E2", "cohort"] == "2021-B" and got.loc["E6", "cohort"] == "2021-A"
    assert got.loc[~got["participant"], "cohort"].isna().all()


def test_metadata_reports_role_shares_and_top_people(lake):
    hr, survey = small_org()
    write_wave(lake, WAVE, hr, survey)
    result = materialize_wave(lake, WAVE)
    metadata = {
        e.event_specific_data.materialization.asset_key.to_user_string(): e.event_specific_data.materialization.metadata
        for e in result.get_asset_materialization_events()
    }
    person = metadata["marts/person_wave_metrics"]
    shares = person["role_shares"].value
    mart = query(lake, "select * from marts.person_wave_metrics")
    for role, share in shares.items():
        assert share == pytest.approx(mart[role].mean(), abs=1e-4)
    markdown = person["top_people_per_role"].value
    # Country and value of the top people, never their ids (event metadata is kept in DAGSTER_HOME).
    assert "**central_connector**: 1 people" in markdown and "| strong_in_degree | BR" in markdown
    assert not any(f"E{i}" in markdown for i in range(1, 9))
    snap = metadata["network/graph_snapshot"]
    assert snap["nodes"].value == 8 and snap["strong_arcs"].value == 10 and snap["components"].value == 1
    # The tables the snapshot is stored in are assets of their own, with the rows the step wrote.
    for table in ("nodes", "arcs", "snapshots"):
        stored = query(lake, f"select count(*) as n from network.{table}")["n"].iloc[0]
        assert metadata[f"network/{table}"]["dagster/row_count"].value == stored == {"nodes": 8, "arcs": len(survey), "snapshots": 1}[table]
        assert snap[f"rows:network.{table}"].value == stored


def test_betweenness_progress_is_in_the_run_log(lake, monkeypatch):
    from scl_pipeline.lib.network import source_betweenness
    from scl_pipeline_tests.helpers.dagster import _INSTANCE

    # Progress is reported from 5,000 people on: the threshold is lowered for the 8-person org.
    monkeypatch.setattr(source_betweenness, "MIN_PARALLEL_NODES", 0)
    hr, survey = small_org()
    write_wave(lake, WAVE, hr, survey)
    result = materialize_wave(lake, WAVE, metrics={"betweenness_workers": 1})
    lines = [e.user_message for e in _INSTANCE.all_logs(result.run_id) if e.dagster_event is None]
    progress = [line for line in lines if line.startswith(f"progress: betweenness of wave {WAVE}:")]
    assert progress and progress[-1] == f"progress: betweenness of wave {WAVE}: 8/8 sources (100%)"
