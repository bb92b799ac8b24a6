"""Quarterly wave partitions (keys are quarter start dates; lib.waves maps them to ``YYYY-Qn``),
the grain tags jobs select by, the warehouse pool, and the decorators of wave-grain steps."""

from collections.abc import Callable

import dagster as dg

from scl_pipeline.lib.waves import FIRST_WAVE, wave_to_partition_key

# end_offset=1: a wave's exports may land (and be loaded) during its own quarter.
wave_partitions = dg.TimeWindowPartitionsDefinition(
    cron_schedule="0 0 1 */3 *",
    start=wave_to_partition_key(FIRST_WAVE),
    fmt="%Y-%m-%d",
    end_offset=1,
)

# The grain of an asset, as a tag: jobs select by it ("wave" assets are wave-partitioned;
# "program" assets are unpartitioned inputs such as the roster; "all_waves" assets read every wave;
# "wave_after_all_waves" assets are wave-partitioned but read the cross-wave marts too, so they
# run after those: a wave's report).
GRAIN_TAG = "scl/grain"
WAVE_GRAIN = {GRAIN_TAG: "wave"}
PROGRAM_GRAIN = {GRAIN_TAG: "program"}
ALL_WAVES_GRAIN = {GRAIN_TAG: "all_waves"}
WAVE_AFTER_ALL_WAVES_GRAIN = {GRAIN_TAG: "wave_after_all_waves"}

# Every asset that opens the warehouse file runs in this pool; dagster_home/dagster.yaml
# limits it to 1 so parallel runs (backfills) never collide on DuckDB's single-writer lock.
WAREHOUSE_POOL = "duckdb"


def wave_asset(**asset_args) -> Callable:
    """``@dg.asset`` of a wave-partitioned asset that opens the warehouse."""
    return dg.asset(partitions_def=wave_partitions, tags=WAVE_GRAIN, pool=WAREHOUSE_POOL, **asset_args)


def wave_multi_asset(specs: list[dg.AssetSpec], **asset_args) -> Callable:
    """``@dg.multi_asset`` of one wave step writing several assets together (never subset)."""
    return dg.multi_asset(specs=specs, partitions_def=wave_partitions, pool=WAREHOUSE_POOL, can_subset=False, **asset_args)
