"""The production deployment (deploy/dagster.yaml, docs/scaling.md) runs for real: a PostgreSQL
server started by the test, the deploy file's storage, the code location's gRPC server,
``dagster-daemon`` and ``dagster-webserver``.

1. A wave lands; the daemon's landing sensor starts its run, the run writes the warehouse, and the
   automation sensor publishes the serving copy. The run, its events and the sensor's tick are
   then read back from PostgreSQL, through Dagster's instance API and with ``psql``.
2. The landing sensor is switched off through GraphQL, a second wave lands and is launched as a
   backfill through GraphQL (``launchPartitionBackfill``, what the UI calls); it runs on the same
   instance and the serving copy is re-published with both waves.

The run launcher is Dagster's default instead of Docker's (no Docker daemon in CI): see
``deployed_dagster.py``. The demo organisation is small (1,000 people) so this takes minutes.
"""

from __future__ import annotations

import shutil
import time

import dagster as dg
import duckdb
import pytest
from dagster._core.scheduler.instigation import InstigatorType, TickStatus

from scl_pipeline.lib.demo import generate_demo_org
from scl_pipeline.lib.lake import DATA_LAKE_ENV, DataLake
from scl_pipeline.lib.serving.pseudonyms import PSEUDONYM_KEY_ENV
from scl_pipeline.lib.waves import wave_to_partition_key
from scl_pipeline_tests.e2e.deployed_dagster import DeployedDagster
from scl_pipeline_tests.helpers.dagster import wave_asset_keys
from scl_pipeline_tests.helpers.postgres import PostgresServer

pytestmark = pytest.mark.slow

KEY = "deploy-test-key-0123456789abcdef"
FIRST, SECOND = "2020-Q4", "2021-Q1"
SETTLED = {"SUCCESS", "FAILURE", "CANCELED"}
SERVING = dg.AssetKey(["serving", "bi_copy"])


def _wait(what: str, check, timeout: float, report=lambda: "") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"{what}: not after {timeout:.0f}s\n{report()}"
        time.sleep(1)


def _served_waves(lake: DataLake) -> dict[str, int]:
    path = lake.serving / "scl.duckdb"
    if not path.exists():
        return {}
    with duckdb.connect(str(path), read_only=True) as con:
        return dict(con.execute("select wave, population from marts.wave_summary").fetchall())


def _wait_published(deployed: DeployedDagster, lake: DataLake, wave: str, report) -> None:
    """Wait until ``wave`` is in the serving copy, then until every run has settled."""
    _wait(f"wave {wave} published to the serving copy", lambda: wave in _served_waves(lake), 600, report)
    _wait("every run settled", lambda: all(r["status"] in SETTLED for r in deployed.runs()), 300, deployed.failure_report)


def _land(source: DataLake, lake: DataLake, wave: str) -> None:
    shutil.copytree(source.wave_folder(wave), lake.wave_folder(wave))


def test_the_deployment_runs_on_postgresql_with_the_daemon(tmp_path, monkeypatch):
    started = time.monotonic()
    source, lake = DataLake(tmp_path / "demo"), DataLake(tmp_path / "lake")
    generate_demo_org(source.landing, people=1000, seed=5, first_wave=FIRST, last_wave="2021-Q2")
    _land(source, lake, FIRST)
    env = {DATA_LAKE_ENV: str(lake.root), PSEUDONYM_KEY_ENV: KEY}

    with PostgresServer() as pg:
        for name, value in pg.env.items():
            monkeypatch.setenv(name, value)  # deploy/dagster.yaml reads them, here too
        with DeployedDagster(tmp_path / "dagster_home", env, tmp_path / "logs", pg) as deployed:
            loaded = time.monotonic()
            instance = dg.DagsterInstance.from_config(str(deployed.home))
            # The instance is the deploy file's: every storage in PostgreSQL.
            assert type(instance.run_storage).__name__ == "PostgresRunStorage"
            assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
            assert type(instance.schedule_storage).__name__ == "PostgresScheduleStorage"
            assert type(instance.run_launcher).__name__ == "DefaultRunLauncher"

            # 1. The landing sensor picks up the wave; the automation sensor publishes it.
            def sensed_runs():
                return [r for r in deployed.runs() if r["tags"].get("dagster/sensor_name") == "landing_sensor"]

            _wait("a run started by the landing sensor", sensed_runs, 300, lambda: deployed.tail("daemon"))
            (sensed,) = sensed_runs()
            assert sensed["tags"]["dagster/partition"] == wave_to_partition_key(FIRST)
            _wait_published(
                deployed, lake, FIRST, lambda: f"{deployed.runs()}\n{deployed.failure_report()}\n{deployed.tail('daemon')}"
            )
            first_done = time.monotonic()
            by_id = {r["runId"]: r for r in deployed.runs()}
            assert by_id[sensed["runId"]]["status"] == "SUCCESS", deployed.failure_report()
            with duckdb.connect(str(lake.warehouse_path), read_only=True) as con:
                in_warehouse = dict(con.execute("select wave, population from marts.wave_summary").fetchall())
            assert list(in_warehouse) == [FIRST] and _served_waves(lake) == in_warehouse

            # Read back from PostgreSQL: the run, its events, the sensor's tick.
            run_id = sensed["runId"]
            record = instance.get_run_record_by_id(run_id)
            assert record.dagster_run.status == dg.DagsterRunStatus.SUCCESS
            assert record.dagster_run.job_name == "wave_job"
            events = instance.all_logs(run_id)
            kinds = {e.dagster_event.event_type for e in events if e.dagster_event}
            assert {
                dg.DagsterEventType.RUN_START, dg.DagsterEventType.STEP_SUCCESS,
                dg.DagsterEventType.ASSET_MATERIALIZATION, dg.DagsterEventType.RUN_SUCCESS,
            } <= kinds
            materialized = {
                e.dagster_event.asset_key for e in events
                if e.dagster_event and e.dagster_event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION
            }
            assert set(wave_asset_keys()) <= materialized
            (landing,) = [
                s for s in instance.all_instigator_state(instigator_type=InstigatorType.SENSOR)
                if s.instigator_name == "landing_sensor"
            ]
            ticks = instance.get_ticks(landing.instigator_origin_id, landing.selector_id)
            launching = [t for t in ticks if run_id in t.run_ids]
            assert [t.status for t in launching] == [TickStatus.SUCCESS]
            # The serving copy was published by the daemon's automation sensor, in a run it launched.
            (published,) = instance.fetch_materializations(SERVING, limit=1).records
            assert by_id[published.run_id]["tags"].get("dagster/sensor_name") == "cross_wave_automation_sensor"
            # The same rows, as PostgreSQL holds them.
            assert pg.psql(f"select status, pipeline_name from runs where run_id = '{run_id}'") == [["SUCCESS", "wave_job"]]
            (event_rows,) = pg.psql(f"select count(*) from event_logs where run_id = '{run_id}'")
            assert int(event_rows[0]) == len(events)
            tick_rows = pg.psql(
                f"select status from job_ticks where selector_id = '{landing.selector_id}' and tick_body like '%{run_id}%'"
            )
            assert tick_rows == [["SUCCESS"]]

            # 2. The UI's path: sensor off, the next wave lands and is backfilled through GraphQL.
            assert deployed.stop_sensor("landing_sensor") == "STOPPED"
            _land(source, lake, SECOND)
            backfill_id = deployed.launch_partition_backfill(
                [k.path for k in wave_asset_keys()], [wave_to_partition_key(SECOND)], title="deploy test: second wave"
            )
            status = deployed.wait_for_backfill(backfill_id, timeout=600)
            assert status == "COMPLETED_SUCCESS", f"backfill {status}\n{deployed.failure_report()}"
            backfill_done = time.monotonic()
            _wait_published(deployed, lake, SECOND, lambda: f"{deployed.runs()}\n{deployed.failure_report()}")
            runs = deployed.runs()
            backfill_runs = [r for r in runs if r["tags"].get("dagster/backfill") == backfill_id]
            assert [r["tags"]["dagster/partition"] for r in backfill_runs] == [wave_to_partition_key(SECOND)]
            assert [r["status"] for r in backfill_runs] == ["SUCCESS"], deployed.failure_report()
            # The sensor was off: the backfill alone ran the second wave.
            assert [r["runId"] for r in runs if r["tags"].get("dagster/sensor_name") == "landing_sensor"] == [run_id]
            backfill = instance.get_backfill(backfill_id)
            assert backfill is not None and backfill.status.value == "COMPLETED_SUCCESS"
            (row,) = pg.psql(f"select status from bulk_actions where key = '{backfill_id}'")
            assert row == ["COMPLETED_SUCCESS"]
            assert int(pg.psql("select count(*) from runs")[0][0]) == len(runs)
            (serving_events,) = pg.psql(
                "select count(*) from event_logs where dagster_event_type = 'ASSET_MATERIALIZATION' "
                f"and asset_key = '{SERVING.to_string()}'"
            )
            assert int(serving_events[0]) >= 2  # published after each wave
            # Every other run (the automation's cross-wave marts, serving copy and reports) must
            # succeed too: asserted after the figures below are printed.
            failed = [r for r in runs if r["status"] != "SUCCESS"]
            failures = deployed.failure_report() if failed else ""
            finished = time.monotonic()

    served = _served_waves(lake)
    assert set(served) == {FIRST, SECOND}
    with duckdb.connect(str(lake.serving / "scl.duckdb"), read_only=True) as con:
        assert con.execute("select key_source from serving.publication").fetchall() == [("env",)]
    print(
        f"\ndeploy e2e: PostgreSQL set-up {pg.setup_seconds:.1f}s, processes up {loaded - started:.1f}s after the start, "
        f"sensed wave + publish {first_done - loaded:.1f}s, backfill {backfill_done - first_done:.1f}s, "
        f"publish after backfill {finished - backfill_done:.1f}s, total {time.monotonic() - started:.1f}s; "
        f"{len(runs)} runs ({len(backfill_runs)} backfill), failed: "
        + (", ".join(f"{r['runId'][:8]} {r['tags'].get('dagster/sensor_name', '')}" for r in failed) or "none")
    )
    assert not failed, f"runs that did not succeed (the automation's included):\n{failures[-3000:]}"
