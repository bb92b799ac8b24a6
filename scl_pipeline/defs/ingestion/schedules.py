"""The quarterly schedule: at the start of each quarter, run the wave of the quarter that ended."""

import dagster as dg

from scl_pipeline.defs.jobs import wave_job
from scl_pipeline.defs.resources import DataLakeResource
from scl_pipeline.lib.ingestion.arrivals import scan_landing
from scl_pipeline.lib.waves import previous_wave, wave_to_partition_key


@dg.schedule(
    cron_schedule="0 6 1 1,4,7,10 *",
    job=wave_job,
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="06:00 UTC on the first day of a quarter: runs the previous quarter's wave if its exports landed.",
)
def quarterly_wave_schedule(context: dg.ScheduleEvaluationContext, lake: DataLakeResource):
    wave = previous_wave(context.scheduled_execution_time.date())
    scan = scan_landing(lake.lake)
    if wave in scan.incomplete:
        return dg.SkipReason(f"wave {wave}: exports incomplete in {lake.lake.wave_folder(wave)}, missing {scan.incomplete[wave]}")
    if wave not in scan.waves:
        return dg.SkipReason(f"wave {wave}: nothing landed in {lake.lake.wave_folder(wave)}")
    return dg.RunRequest(
        run_key=f"scheduled:{wave}:{scan.waves[wave]}",
        partition_key=wave_to_partition_key(wave),
        tags={"scl/wave": wave, "scl/trigger": "schedule"},
    )
