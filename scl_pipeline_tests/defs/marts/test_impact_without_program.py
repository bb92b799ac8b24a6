"""A lake without a roster or an experiment runs every wave; the impact marts are then empty with
a note. Then a small roster and experiment arrive: groups under 5 are withheld in the serving
copy; a bad assumptions file or baseline override fails its step with a clear message."""

import dagster as dg
import duckdb
import pandas as pd
import pytest

from scl_pipeline.defs.jobs import cross_wave_job
from scl_pipeline.defs.resources import project_resources
from scl_pipeline.defs.serving.automation import AFTER_UPSTREAM_UPDATES
from scl_pipeline.definitions import build_defs
from scl_pipeline.lib.lake import DataLake
from scl_pipeline.runner import _group_of_step, run_job, run_pipeline
from scl_pipeline_tests.helpers.dagster import project_defs, query
from scl_pipeline_tests.helpers.landing import small_org, write_frame, write_wave

WAVES = ["2021-Q1", "2021-Q2"]
MARTS = ("participant_network", "impact_did", "impact_balance", "experiment_kbis", "roi")


def test_the_impact_marts_are_cross_wave_and_follow_every_wave():
    graph = project_defs().resolve_asset_graph()
    in_job = set(project_defs().resolve_job_def(cross_wave_job.name).asset_layer.selected_asset_keys)
    for name in MARTS:
        node = graph.get(dg.AssetKey(["marts", name]))
        assert node.group_name == "marts" and node.partitions_def is None and node.key in in_job
        assert node.automation_condition == AFTER_UPSTREAM_UPDATES, name
        # Re-run when any wave's graph or person metrics change, or the roster does.
        assert {dg.AssetKey(["marts", "person_wave_metrics"]), dg.AssetKey(["network", "graph_snapshot"]),
                dg.AssetKey(["raw", "participants"])} <= node.parent_keys
    assert {dg.AssetKey(["raw", "experiment_assignment"]), dg.AssetKey(["raw", "experiment_interactions"])} <= graph.get(
        dg.AssetKey(["marts", "experiment_kbis"])).parent_keys


def _note(instance: dg.DagsterInstance, name: str) -> str | None:
    event = instance.get_latest_materialization_event(dg.AssetKey(["marts", name]))
    note = event.asset_materialization.metadata.get("note")
    return None if note is None else note.value


@pytest.fixture(scope="module")
def lake_without_program(tmp_path_factory):
    lake = DataLake(tmp_path_factory.mktemp("no_program") / "lake")
    hr, survey = small_org()
    for wave in WAVES:
        write_wave(lake, wave, hr, survey)
    instance = dg.DagsterInstance.ephemeral()
    defs = build_defs(lake.root, allow_demo_key=True)
    results = run_pipeline(defs, WAVES, instance, echo=lambda _: None)
    return lake, instance, defs, results


def test_every_wave_runs_and_the_marts_are_empty_with_a_note(lake_without_program):
    lake, instance, _, results = lake_without_program
    assert all(r.success for r in results), [r.error for r in results if not r.success]
    assert [r.stage for r in results if r.wave is None][-3:] == ["marts", "reports", "serving"]
    # Each wave's report is drawn; the program's says why there is none.
    assert [(r.wave, r.stage) for r in results[-2:]] == [(w, "reports") for w in WAVES]
    assert sorted(p.parent.name for p in lake.reports.glob("*/report.html")) == WAVES
    program = instance.get_latest_materialization_event(dg.AssetKey(["reports", "program_report"]))
    assert "no program to report" in program.asset_materialization.metadata["note"].value
    for name in MARTS:
        table = query(lake, f"select * from marts.{name}")
        assert table.empty, name
    for name in ("participant_network", "impact_did", "impact_balance", "roi"):
        assert "no program roster" in _note(instance, name), name
    assert "no experiment has landed" in _note(instance, "experiment_kbis")
    # Empty, yet typed: BI sees the same columns and types as when they hold rows.
    columns = query(lake, "select column_name, data_type from duckdb_columns() where table_name = 'roi'")
    types = dict(zip(columns["column_name"], columns["data_type"]))
    assert (types["wave"], types["bonds"], types["roi_multiple"]) == ("VARCHAR", "BIGINT", "DOUBLE")
    with duckdb.connect(str(lake.serving / "scl.duckdb"), read_only=True) as con:
        published = set(con.execute("select table_name from serving.published_tables").df()["table_name"])
    assert set(MARTS) <= published


def test_a_small_program_and_experiment_arrive(lake_without_program):
    lake, instance, defs, _ = lake_without_program
    # Five participants starting in 2021-Q2 (baseline 2021-Q1); three program against five
    # control members, so every experiment row rests on a group under 5.
    roster = pd.DataFrame({"employee_id": ["E1", "E2", "E4", "E6", "E7"], "cohort": "C1", "start_date": "2021-04-15"})
    write_frame(roster, lake.program_folder / "participants.csv")
    folder = lake.experiments_folder / "qa-1"
    write_frame(pd.DataFrame({"employee_id": [f"E{i}" for i in range(1, 9)], "group": ["program"] * 3 + ["control"] * 5}),
                folder / "assignment.csv")
    write_frame(pd.DataFrame({"asker_id": ["E1", "E1", "E5"], "responder_id": ["E2", "E4", "E6"],
                              "asked_at": ["2021-08-02T10:00:00"] * 3, "answered_at": ["2021-08-02T11:00:00", None, None]}),
                folder / "interactions.csv")
    groups = _group_of_step(defs)
    for job in ("program_job", "cross_wave_job"):
        assert all(o.success for o in run_job(defs, job, None, instance, groups)), job

    network = query(lake, "select * from marts.participant_network order by wave")
    assert network["wave"].tolist() == WAVES and (network["baseline_wave"] == "2021-Q1").all()
    assert network["participants"].tolist() == [5, 5] and network["new_bonds"].tolist() == [0, 0]  # same graph twice
    assert _note(instance, "participant_network") is None
    kbis = query(lake, "select * from marts.experiment_kbis")
    assert len(kbis) == 6 and kbis["small_group"].all()
    # building_connectivity needs a wave ended before 2021-08-02: 2021-Q2 is loaded.
    assert set(kbis["reference_wave"].dropna()) == {"2021-Q2"}
    with duckdb.connect(str(lake.serving / "scl.duckdb"), read_only=True) as con:
        served = con.execute("select * from marts.experiment_kbis").df()
    assert served["suppressed"].all() and served["share"].isna().all() and served["members"].isna().all()
    assert set(served["indicator"]) == {"knowledge_gaps_addressed", "building_connectivity", "engagement"}


def _materialize(lake: DataLake, name: str, **settings) -> dg.ExecuteInProcessResult:
    d = project_defs()
    return dg.materialize(
        list(d.assets), selection=[dg.AssetKey(["marts", name])], resources=project_resources(lake.root, **settings),
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False,
    )


def _failure(result: dg.ExecuteInProcessResult) -> str:
    assert not result.success
    event = next(e for e in result.all_events if e.is_step_failure)
    return event.step_failure_data.user_failure_data.description


def test_bad_assumptions_file_and_baseline_override_fail_clearly(lake_without_program):
    lake = lake_without_program[0]
    path = lake.landing / "roi_assumptions.toml"
    path.write_text('version = "typo"\n[common]\nloaded_hourly_costs = 50.0\n')
    try:
        message = _failure(_materialize(lake, "roi"))
    finally:
        path.unlink()
    assert str(path) in message and "unknown key 'loaded_hourly_costs'" in message
    message = _failure(_materialize(lake, "impact_did", impact={"baseline_wave": "2019-Q4"}))
    assert "baseline wave override '2019-Q4' is not a loaded wave" in message and "2021-Q1" in message
    message = _failure(_materialize(lake, "experiment_kbis", impact={"control_group": "everyone"}))
    assert "impact control_group 'everyone'" in message
