"""The program's report across waves in ``<lake>/reports/program/``."""

import time

import dagster as dg

from scl_pipeline.defs.marts.bridges import BRIDGES_KEY
from scl_pipeline.defs.marts.cross_wave import no_wave, nothing_metadata
from scl_pipeline.defs.marts.person_wave_metrics import PERSON_KEY
from scl_pipeline.defs.marts.specs import mart_key
from scl_pipeline.defs.network.snapshot_io import every_wave_in
from scl_pipeline.defs.partitions import ALL_WAVES_GRAIN, WAREHOUSE_POOL
from scl_pipeline.defs.reports.pages import KINDS, PROGRAM_REPORT_KEY, REPORTS_GROUP, failing_clearly, page_metadata, report_group, pseudonym_key
from scl_pipeline.defs.resources import DataLakeResource, ServingSettings
from scl_pipeline.lib.network.wave_graphs import WaveSnapshots

INPUTS = (PERSON_KEY, BRIDGES_KEY, *(mart_key(t) for t in (
    "participant_network", "resilience_scenarios", "experiment_kbis", "roi", "impact_did", "impact_balance")))


@dg.asset(
    key=PROGRAM_REPORT_KEY,
    deps=list(INPUTS),
    ins={"snapshots": every_wave_in()},
    group_name=REPORTS_GROUP,
    kinds=KINDS,
    tags=ALL_WAVES_GRAIN,  # re-drawn by the cross-wave automation after waves update
    pool=WAREHOUSE_POOL,  # reads the warehouse (read-only), like every step that opens it
)
def program_report(
    context: dg.AssetExecutionContext, lake: DataLakeResource, serving: ServingSettings, snapshots: WaveSnapshots
) -> dg.MaterializeResult:
    """The program across waves: the participants' network at the baseline next to the latest
    wave, cross-country bonds and fragmentation over the waves, the event study of the
    difference-in-differences and the balance of the controls, each experiment's indicators
    (program against control, with intervals) and the ROI scenarios, as PNGs and one
    self-contained ``report.html`` in ``reports/program/`` (docs/reports.md). Nothing is drawn
    without program participants (the metadata says so)."""
    from scl_pipeline.lib.reports.build import PROGRAM_FOLDER, program_report as build_program_report
    from scl_pipeline.lib.reports.document import write_report
    from scl_pipeline.lib.reports.sources import baseline_and_latest, load_report_inputs

    started = time.monotonic()
    nothing = no_wave(lake)
    if nothing is not None:
        return dg.MaterializeResult(metadata={**nothing_metadata(nothing), "images": dg.MetadataValue.int(0)})
    with failing_clearly():
        inputs = load_report_inputs(lake.lake, pseudonym_key(serving), baseline_and_latest, snapshots.load)
        if inputs.participant_network.empty:
            return dg.MaterializeResult(metadata={
                "note": "marts.participant_network has no rows (no program roster, or none of its people in a "
                        "loaded wave): there is no program to report; the wave reports are drawn all the same",
                "images": dg.MetadataValue.int(0),
            })
        report = build_program_report(inputs)
        page = write_report(report, lake.lake.reports / PROGRAM_FOLDER, report_group(lake.lake))
    return dg.MaterializeResult(metadata=page_metadata(report, page, time.monotonic() - started))
