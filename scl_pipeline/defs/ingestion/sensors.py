"""The landing sensor: starts a wave's run when its exports land or change (that wave only); a
changed roster loads it, then re-runs the loaded waves; changed experiments load with the
cross-wave job."""

import json

import dagster as dg

from scl_pipeline.defs.ingestion.checks import ROSTER_KEY, raw_key
from scl_pipeline.defs.jobs import cross_wave_job, program_job, wave_job
from scl_pipeline.defs.partitions import wave_partitions
from scl_pipeline.defs.resources import DataLakeResource
from scl_pipeline.lib.contract import ASSIGNMENT, HR_EXPORT
from scl_pipeline.lib.ingestion.arrivals import changed_waves, scan_landing
from scl_pipeline.lib.waves import wave_to_partition_key


HR_KEY = raw_key(HR_EXPORT)
EXPERIMENTS_KEY = raw_key(ASSIGNMENT)


def _loaded_since(instance: dg.DagsterInstance, key: dg.AssetKey, partition: str | None, modified: float | None) -> bool:
    """Whether ``key`` (that partition) was materialised after its landing files last changed."""
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, asset_partitions=[partition] if partition else None), limit=1
    ).records
    return bool(records) and modified is not None and records[0].timestamp >= modified


def _wave_run(wave: str, partition_key: str, run_key: str, trigger: str) -> dg.RunRequest:
    return dg.RunRequest(
        run_key=run_key,
        job_name=wave_job.name,
        partition_key=partition_key,
        tags={"scl/wave": wave, "scl/trigger": trigger},
    )


@dg.sensor(
    jobs=[wave_job, program_job, cross_wave_job],
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Watches landing/: a new or changed wave folder runs that wave; a changed roster runs the program job, then re-runs the loaded waves so participant flags follow; changed experiments run the cross-wave job.",
)
def landing_sensor(context: dg.SensorEvaluationContext, lake: DataLakeResource):
    cursor = json.loads(context.cursor) if context.cursor else {"waves": {}, "program": None}
    scan = scan_landing(lake.lake)
    for name in scan.misnamed:
        context.log.error(f"landing/waves/{name}: not a wave name (YYYY-Qn, e.g. 2021-Q3); folder ignored")
    for wave, missing in scan.incomplete.items():
        context.log.info(f"landing/waves/{wave}: waiting for {', '.join(missing)}")
    partition_keys = set(wave_partitions.get_partition_keys())
    seen = dict(scan.waves)
    requests = []
    pending_refresh = cursor.get("refresh_waves_after")
    if scan.program and scan.program != cursor.get("program"):
        if not _loaded_since(context.instance, ROSTER_KEY, None, scan.program_modified):
            requests.append(dg.RunRequest(run_key=f"program:{scan.program}", job_name=program_job.name))
            # Person metrics carry the participant flag: once the new roster is loaded, the
            # waves already loaded are re-run (a later tick, so they read the new roster).
            pending_refresh = scan.program_modified
    elif pending_refresh and _loaded_since(context.instance, ROSTER_KEY, None, pending_refresh):
        for wave in scan.waves:
            key = wave_to_partition_key(wave)
            if key in partition_keys and _loaded_since(context.instance, HR_KEY, key, 0.0):
                requests.append(_wave_run(wave, key, f"roster:{wave}:{scan.program}", "roster changed"))
        pending_refresh = None
    if scan.experiments and scan.experiments != cursor.get("experiments"):
        if not _loaded_since(context.instance, EXPERIMENTS_KEY, None, scan.experiments_modified):
            requests.append(dg.RunRequest(run_key=f"experiments:{scan.experiments}", job_name=cross_wave_job.name))
    for wave in changed_waves(cursor.get("waves", {}), scan.waves):
        key = wave_to_partition_key(wave)
        if key not in partition_keys:
            context.log.error(f"landing/waves/{wave}: no such wave partition yet (future quarter?); not run")
            del seen[wave]  # so that it counts as new once its quarter exists
            continue
        if _loaded_since(context.instance, HR_KEY, key, scan.modified[wave]):
            continue  # loaded after its files last changed (e.g. by `scl demo`): nothing to do
        requests.append(_wave_run(wave, key, f"wave:{wave}:{scan.waves[wave]}", "landing"))
    new_cursor = json.dumps(
        {"waves": seen, "program": scan.program, "experiments": scan.experiments, "refresh_waves_after": pending_refresh},
        sort_keys=True,
    )
    if not requests:
        return dg.SensorResult(skip_reason="no new or changed exports in landing/", cursor=new_cursor)
    return dg.SensorResult(run_requests=requests, cursor=new_cursor)
