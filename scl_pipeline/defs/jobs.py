"""Jobs by grain: the scheduled/sensed unit of work is one wave, or the program inputs."""

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
    description="Program roster and experiments: inputs shared by all waves.",
)

cross_wave_job = dg.define_asset_job(
    "cross_wave_job",
    selection=dg.AssetSelection.tag(GRAIN_TAG, "all_waves"),
    description="Assets that read every wave (longitudinal marts, serving copy).",
)
