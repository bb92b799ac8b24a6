"""Jobs by grain: one wave, the program roster, or what reads every wave. The schedule, the sensor,
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
