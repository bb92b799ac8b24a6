"""The landing sensor: starts a wave's run when its exports land or change (that wave only)."""

import json

import dagster as dg

from scl_pipeline.defs.orchestration.jobs import program_job, wave_job
from scl_pipeline.defs.partitions import wave_partitions
from scl_pipeline.defs.resources import DataLakeResource
from scl_pipeline.lib.landing.arrivals import changed_waves, scan_landing
from scl_pipeline.lib.waves import wave_to_partition_key


@dg.sensor(
    jobs=[wave_job, program_job],
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Watches landing/: a new or changed wave folder runs that wave; a changed roster or experiment runs the program inputs.",
)
def landing_sensor(context: dg.SensorEvaluationContext, lake: DataLakeResource):
    cursor = json.loads(context.cursor) if context.cursor else {"waves": {}, "program": None}
    scan = scan_landing(lake.lake)
    for name in scan.misnamed:
        context.log.error(f"landing/waves/{name}: not a wave name (YYYY-Qn, e.g. 2021-Q3); folder ignored")
    for wave, missing in scan.incomplete.items():
        context.log.info(f"landing/waves/{wave}: waiting for {', '.join(missing)}")
    partition_keys = set(wave_partitions.get_partition_keys())
    requests = []
    if scan.program and scan.program != cursor.get("program"):
        requests.append(dg.RunRequest(run_key=f"program:{scan.program}", job_name=program_job.name))
    for wave in changed_waves(cursor.get("waves", {}), scan.waves):
        key = wave_to_partition_key(wave)
        if key not in partition_keys:
            context.log.error(f"landing/waves/{wave}: no such wave partition yet (future quarter?); not run")
            continue
        requests.append(
            dg.RunRequest(
                run_key=f"wave:{wave}:{scan.waves[wave]}",
                job_name=wave_job.name,
                partition_key=key,
                tags={"scl/wave": wave, "scl/trigger": "landing"},
            )
        )
    new_cursor = json.dumps({"waves": scan.waves, "program": scan.program}, sort_keys=True)
    if not requests:
        return dg.SensorResult(skip_reason="no new or changed exports in landing/", cursor=new_cursor)
    return dg.SensorResult(run_requests=requests, cursor=new_cursor)
