"""Jobs by grain: one wave, the program roster, what reads every wave, or a wave's report. The schedule, the sensor,
the UI's automation and ``scl run`` all run these.

The order runs follow, whoever starts them, is written here once, by grain (defs/partitions.py):
the program inputs every wave reads, then each wave, then what reads every wave, then each wave's
report (it reads the cross-wave marts). ``scl run`` executes :data:`JOB_ORDER` (runner.py); with
the daemon, the landing sensor starts the program job and the wave jobs as their files land
(defs/ingestion/sensors.py) and the cross-wave automation follows the waves with
:data:`CROSS_WAVE_ASSETS`, then :data:`WAVE_REPORT_ASSETS` (defs/serving/automation.py).
"""

import dagster as dg

from scl_pipeline.defs.partitions import GRAIN_TAG

PROGRAM_ASSETS = dg.AssetSelection.tag(GRAIN_TAG, "program")
WAVE_ASSETS = dg.AssetSelection.tag(GRAIN_TAG, "wave")
CROSS_WAVE_ASSETS = dg.AssetSelection.tag(GRAIN_TAG, "all_waves")
WAVE_REPORT_ASSETS = dg.AssetSelection.tag(GRAIN_TAG, "wave_after_all_waves")

wave_job = dg.define_asset_job(
    "wave_job",
    selection=WAVE_ASSETS,
    description="Everything computed per wave, from its landing files to its marts.",
)

program_job = dg.define_asset_job(
    "program_job",
    selection=PROGRAM_ASSETS,
    description="The program roster: the input every wave reads (participant flags).",
)

cross_wave_job = dg.define_asset_job(
    "cross_wave_job",
    selection=CROSS_WAVE_ASSETS,
    description="Assets that read every wave: experiments (checked against every loaded HR export), "
    "longitudinal marts, the serving copy.",
)

wave_report_job = dg.define_asset_job(
    "wave_report_job",
    selection=WAVE_REPORT_ASSETS,
    description="One wave's report: its pictures and page, drawn from its marts and the cross-wave "
    "marts (run after cross_wave_job).",
)

# The program job, the wave job per wave, the cross-wave job, the report job per wave that loaded.
JOB_ORDER = (program_job, wave_job, cross_wave_job, wave_report_job)
