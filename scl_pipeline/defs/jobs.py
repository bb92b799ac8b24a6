"""Jobs by grain: one wave, the program roster, what reads every wave, or a wave's report. The schedule, the sensor,
the UI's automation and ``scl run`` all run these."""

import dagster as dg

from scl_pipeline.defs.partitions import GRAIN_TAG

wave_job = dg.define_asset_job(
    "wave_job",
    selection=dg.AssetSelection.tag(GRAIN_TAG, "wave"),
    description="Everything computed per wave, from its landing files to its marts.",
)

program_job = dg.define_asset_job(
    "program_job",
    selection=dg.AssetSelection.tag(GRAIN_TAG, "program"),
    description="The program roster: the input every wave reads (participant flags).",
)

cross_wave_job = dg.define_asset_job(
    "cross_wave_job",
    selection=dg.AssetSelection.tag(GRAIN_TAG, "all_waves"),
    description="Assets that read every wave: experiments (checked against every loaded HR export), "
    "longitudinal marts, the serving copy.",
)

wave_report_job = dg.define_asset_job(
    "wave_report_job",
    selection=dg.AssetSelection.tag(GRAIN_TAG, "wave_after_all_waves"),
    description="One wave's report: its pictures and page, drawn from its marts and the cross-wave "
    "marts (run after cross_wave_job).",
)
