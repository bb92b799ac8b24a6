"""While the UI's daemon runs: recover runs whose process died (``defs/runs/recovery.py``)."""

import dagster as dg

from scl_pipeline.defs.runs.recovery import recover_dead_runs


@dg.sensor(
    name="dead_run_recovery_sensor",
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Every 30 s: marks failed the runs whose process is gone (runs tagged with their process: "
    "every run using the `lake` resource) and frees the concurrency-pool slots they, or runs that ended, still hold.",
)
def dead_run_recovery_sensor(context: dg.SensorEvaluationContext):
    lines = recover_dead_runs(context.instance, echo=context.log.info)
    return dg.SkipReason("; ".join(lines) if lines else "no dead run holds anything")
