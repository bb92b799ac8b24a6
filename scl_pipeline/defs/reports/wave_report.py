"""Each wave's report: its pictures and self-contained page in ``<lake>/reports/<wave>/``."""

import time

import dagster as dg

from scl_pipeline.defs.marts.bridges import BRIDGES_KEY
from scl_pipeline.defs.marts.person_wave_metrics import PERSON_KEY
from scl_pipeline.defs.marts.resilience import CURVE_KEY
from scl_pipeline.defs.marts.specs import mart_key
from scl_pipeline.defs.network.snapshot_io import every_wave_in
from scl_pipeline.defs.partitions import WAREHOUSE_POOL, WAVE_AFTER_ALL_WAVES_GRAIN, wave_partitions
from scl_pipeline.defs.reports.pages import KINDS, REPORTS_GROUP, WAVE_REPORT_KEY, failing_clearly, page_metadata, report_group, pseudonym_key
from scl_pipeline.defs.resources import DataLakeResource, ServingSettings
from scl_pipeline.defs.serving.automation import AFTER_CROSS_WAVE_UPDATES
from scl_pipeline.lib.network.wave_graphs import WaveSnapshots
from scl_pipeline.lib.waves import partition_key_to_wave

# The wave's own marts (same partition) and the cross-wave marts its captions and scenario need.
WAVE_INPUTS = (PERSON_KEY, BRIDGES_KEY, CURVE_KEY, mart_key("country_mixing"),
               mart_key("country_wave_bonds"), mart_key("wave_summary"))
CROSS_WAVE_INPUTS = (mart_key("participant_network"), mart_key("resilience_scenarios"))


@dg.asset(
    key=WAVE_REPORT_KEY,
    deps=[*WAVE_INPUTS, *CROSS_WAVE_INPUTS],
    ins={"snapshots": every_wave_in()},  # the wave's graph (and the baseline's)
    partitions_def=wave_partitions,
    group_name=REPORTS_GROUP,
    kinds=KINDS,
    tags=WAVE_AFTER_ALL_WAVES_GRAIN,
    pool=WAREHOUSE_POOL,  # reads the warehouse (read-only), like every step that opens it
    automation_condition=AFTER_CROSS_WAVE_UPDATES,
)
def wave_report(
    context: dg.AssetExecutionContext, lake: DataLakeResource, serving: ServingSettings, snapshots: WaveSnapshots
) -> dg.MaterializeResult:
    """The wave's pictures (the participants' trust network, the same after the main resilience
    scenario, the organisation's country mixing, the robustness curves) with its key numbers and
    captions, as PNGs and one self-contained ``report.html`` in ``reports/<wave>/`` (docs/reports.md).
    People are unlabelled dots (ids are pseudonymised on reading); groups under 5 are not named."""
    from scl_pipeline.lib.reports.build import wave_folder, wave_report as build_wave_report
    from scl_pipeline.lib.reports.document import write_report
    from scl_pipeline.lib.reports.sources import load_report_inputs, with_baseline

    started = time.monotonic()
    wave = partition_key_to_wave(context.partition_key)
    with failing_clearly():
        inputs = load_report_inputs(lake.lake, pseudonym_key(serving), with_baseline(wave), snapshots.load)
        report = build_wave_report(inputs, wave)
        page = write_report(report, wave_folder(lake.lake.reports, wave), report_group(lake.lake))
    return dg.MaterializeResult(metadata={"wave": wave, **page_metadata(report, page, time.monotonic() - started)})
