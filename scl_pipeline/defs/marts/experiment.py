"""The question-and-answer experiments' key behaviour indicators (issue 10, SPEC §3b)."""

import time

import dagster as dg
import pandas as pd

from scl_pipeline.defs.marts.cross_wave import (
    cross_wave_mart,
    impact_config,
    mart_metadata,
    no_wave,
    read_program,
    write_mart,
)
from scl_pipeline.defs.resources import DataLakeResource, ImpactSettings
from scl_pipeline.lib.impact import headlines
from scl_pipeline.lib.impact.cross_wave import MartRows, experiment_kbi_rows
from scl_pipeline.lib.ingestion.experiment_log import PROBLEM_COLUMNS
from scl_pipeline.lib.impact.kbis import empty_kbis
from scl_pipeline.lib.impact.schemas import typed
from scl_pipeline.lib.network.wave_graphs import WaveSnapshots
from scl_pipeline.lib.warehouse.reads import experiment_log

KBI_PREVIEW = ["experiment_id", "indicator", "group", "members", "count", "share", "ci_low", "ci_high", "difference",
               "p_value"]


@cross_wave_mart(
    "experiment_kbis",
    deps=(dg.AssetKey(["raw", "experiment_assignment"]), dg.AssetKey(["raw", "experiment_interactions"])),
    kinds=("scipy", "duckdb"),
    reads_graphs=True,
)
def experiment_kbis(
    context: dg.AssetExecutionContext, lake: DataLakeResource, impact: ImpactSettings, snapshots: WaveSnapshots
):
    """One row per experiment, indicator (knowledge_gaps_addressed, building_connectivity,
    engagement) and group (program, control): members, count, share with its Wilson 95 %
    interval, program − control difference and two-sided p-value, K, E, the reference wave of
    building_connectivity, and the group's members per activity quartile. Empty when no
    experiment has landed (the metadata says so)."""
    from scl_pipeline.lib.reports.impact_previews import kbi_figures, markdown_table

    started = time.monotonic()
    config = impact_config(impact)
    program, _ = read_program(lake, config)
    with lake.warehouse() as con:
        assignment, interactions = experiment_log(con)
    reason = no_wave(lake)
    if reason is not None:
        # Members cannot be checked against any HR export, nor connectivity against any network.
        result = MartRows(typed(empty_kbis(), "experiment_kbis"), reason, nothing_to_measure=True)
        problems = pd.DataFrame(columns=list(PROBLEM_COLUMNS))
    else:
        result, problems = experiment_kbi_rows(assignment, interactions, program.waves, snapshots.load, config.k,
                                               config.engagement_min_exchanges)
    written = write_mart(lake, "experiment_kbis", result)
    if len(problems):
        # Ingestion quarantines these rows before loading; reaching here means a rule moved.
        context.log.warning(f"{len(problems)} experiment log row(s) left out of the indicators: {problems['problem'].value_counts().to_dict()}")
    extra = {
        "seconds": time.monotonic() - started,
        "k": config.k,
        "engagement_min_exchanges": config.engagement_min_exchanges,
        "rows_left_out": dg.MetadataValue.int(len(problems)),
    }
    if len(problems):
        extra["left_out"] = dg.MetadataValue.md(markdown_table(problems.drop(columns=["reason"]).head(20)))
    if len(result.rows):
        extra["headline"] = dg.MetadataValue.text(headlines.kbi_headline(result.rows))
        extra["rows"] = dg.MetadataValue.md(markdown_table(result.rows, KBI_PREVIEW))
        for figure in kbi_figures(result.rows):
            extra[figure.name] = dg.MetadataValue.md(figure.preview_markdown())
            extra[f"{figure.name}_caption"] = dg.MetadataValue.text(figure.caption)
    return dg.MaterializeResult(metadata=mart_metadata(result, written, **extra))
