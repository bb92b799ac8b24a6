import datetime as dt
import json
import os
import time

import dagster as dg
import pytest

from scl_pipeline.defs.ingestion.schedules import quarterly_wave_schedule
from scl_pipeline.defs.ingestion.sensors import landing_sensor
from scl_pipeline.defs.resources import DataLakeResource
from scl_pipeline.lib.waves import previous_wave
from scl_pipeline_tests.helpers.dagster import project_defs, whole_steps
from scl_pipeline_tests.helpers.landing import small_org, write_wave


@pytest.fixture
def instance():
    return dg.DagsterInstance.ephemeral()


def _tick(instance, lake, when: dt.datetime):
    context = dg.build_schedule_context(
        instance=instance,
        scheduled_execution_time=when,
        resources={"lake": DataLakeResource(root=str(lake.root))},
        repository_def=project_defs().get_repository_def(),
    )
    return quarterly_wave_schedule.evaluate_tick(context)


def _sense(instance, lake, cursor=None):
    context = dg.build_sensor_context(
        instance=instance,
        cursor=cursor,
        resources={"lake": DataLakeResource(root=str(lake.root))},
        repository_def=project_defs().get_repository_def(),
    )
    return landing_sensor.evaluate_tick(context)


def test_previous_wave():
    assert previous_wave(dt.date(2022, 1, 1)) == "2021-Q4"
    assert previous_wave(dt.date(2022, 7, 1)) == "2022-Q2"


def test_schedule_runs_the_quarter_that_ended_if_landed(instance, lake):
    hr, survey = small_org()
    write_wave(lake, "2021-Q2", hr, survey)
    result = _tick(instance, lake, dt.datetime(2021, 7, 1, 6, tzinfo=dt.timezone.utc))
    assert [r.partition_key for r in result.run_requests] == ["2021-04-01"]


def test_schedule_skips_with_reason_when_nothing_landed(instance, lake):
    result = _tick(instance, lake, dt.datetime(2021, 10, 1, 6, tzinfo=dt.timezone.utc))
    assert not result.run_requests
    assert "2021-Q3: nothing landed" in result.skip_message
    lake.wave_folder("2021-Q3").mkdir(parents=True)
    (lake.wave_folder("2021-Q3") / "hr_export.csv").write_text("employee_id\n1\n")
    result = _tick(instance, lake, dt.datetime(2021, 10, 1, 6, tzinfo=dt.timezone.utc))
    assert "incomplete" in result.skip_message and "ona_survey" in result.skip_message


def test_sensor_runs_new_waves_then_only_the_changed_one(instance, lake):
    hr, survey = small_org()
    write_wave(lake, "2021-Q1", hr, survey)
    write_wave(lake, "2021-Q2", hr, survey)
    first = _sense(instance, lake)
    assert sorted(r.partition_key for r in first.run_requests) == ["2021-01-01", "2021-04-01"]
    quiet = _sense(instance, lake, first.cursor)
    assert not quiet.run_requests
    changed = lake.wave_folder("2021-Q2") / "ona_survey.csv"
    changed.write_text(changed.read_text() + "E8,E1,5,trust\n")
    stamp = time.time() + 5
    os.utime(changed, (stamp, stamp))
    again = _sense(instance, lake, quiet.cursor)
    assert [r.partition_key for r in again.run_requests] == ["2021-04-01"]
    assert json.loads(again.cursor)["waves"].keys() == {"2021-Q1", "2021-Q2"}


def test_sensor_ignores_misnamed_and_incomplete_folders(instance, lake):
    hr, survey = small_org()
    write_wave(lake, "2021-Q1", hr, survey)
    (lake.landing / "waves" / "2021Q2").mkdir(parents=True)
    lake.wave_folder("2021-Q3").mkdir(parents=True)
    (lake.wave_folder("2021-Q3") / "hr_export.csv").write_text("employee_id\n1\n")
    result = _sense(instance, lake)
    assert [r.partition_key for r in result.run_requests] == ["2021-01-01"]


def test_sensor_runs_program_inputs_when_roster_lands(instance, lake):
    lake.program_folder.mkdir(parents=True)
    (lake.program_folder / "participants.csv").write_text("employee_id,cohort\nE1,C1\n")
    result = _sense(instance, lake)
    assert [r.job_name for r in result.run_requests] == ["program_job"]


def test_sensor_loads_changed_experiments_with_the_cross_wave_job_and_reruns_no_wave(instance, lake):
    folder = lake.experiments_folder / "exp1"
    folder.mkdir(parents=True)
    (folder / "assignment.csv").write_text("employee_id,group\nE1,program\n")
    (folder / "interactions.csv").write_text("asker_id,responder_id,asked_at\nE1,E2,2021-02-03\n")
    first = _sense(instance, lake)
    assert [r.job_name for r in first.run_requests] == ["cross_wave_job"]
    assert not _sense(instance, lake, first.cursor).run_requests


def test_sensor_skips_waves_already_loaded_after_their_files_changed(instance, lake):
    from scl_pipeline_tests.helpers.dagster import resources_for
    from scl_pipeline.lib.waves import wave_to_partition_key

    hr, survey = small_org()
    write_wave(lake, "2021-Q1", hr, survey)
    write_wave(lake, "2021-Q2", hr, survey)
    d = project_defs()
    dg.materialize(
        list(d.assets),
        selection=whole_steps([dg.AssetKey(["raw", "hr_export"]), dg.AssetKey(["raw", "ona_survey"])]),
        partition_key=wave_to_partition_key("2021-Q1"),
        resources=resources_for(lake),
        instance=instance,
    )
    # A fresh cursor (the UI opened after `scl demo`): only the wave not loaded yet is run.
    first = _sense(instance, lake)
    assert [r.partition_key for r in first.run_requests] == ["2021-04-01"]


def test_future_wave_is_not_remembered_until_its_quarter_exists(instance, lake):
    hr, survey = small_org()
    write_wave(lake, "2099-Q1", hr, survey)
    result = _sense(instance, lake)
    assert not result.run_requests
    assert "2099-Q1" not in json.loads(result.cursor)["waves"]


def test_changed_roster_loads_first_then_reruns_loaded_waves(instance, lake):
    from scl_pipeline.lib.waves import wave_to_partition_key
    from scl_pipeline_tests.helpers.dagster import resources_for

    hr, survey = small_org()
    write_wave(lake, "2021-Q1", hr, survey)
    d = project_defs()
    everything = list(d.assets)

    def load(selection, partition=None):
        dg.materialize(everything, selection=whole_steps(selection), partition_key=partition, resources=resources_for(lake), instance=instance)

    load([dg.AssetKey(["raw", "hr_export"]), dg.AssetKey(["raw", "ona_survey"])], wave_to_partition_key("2021-Q1"))
    quiet = _sense(instance, lake)
    assert not quiet.run_requests
    lake.program_folder.mkdir(parents=True)
    (lake.program_folder / "participants.csv").write_text("employee_id,cohort\nE1,C1\n")
    first = _sense(instance, lake, quiet.cursor)
    assert [r.job_name for r in first.run_requests] == ["program_job"]
    waiting = _sense(instance, lake, first.cursor)
    assert not waiting.run_requests, "waves wait until the roster is loaded"
    load([dg.AssetKey(["raw", "participants"]), dg.AssetKey(["raw", "experiment_assignment"]), dg.AssetKey(["raw", "experiment_interactions"])])
    refresh = _sense(instance, lake, waiting.cursor)
    assert [(r.job_name, r.partition_key) for r in refresh.run_requests] == [("wave_job", "2021-01-01")]
    assert not _sense(instance, lake, refresh.cursor).run_requests
