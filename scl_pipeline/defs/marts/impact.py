"""Did the program work, and was it worth it (issue 10, SPEC §3b): the participants' network,
the difference-in-differences and the ROI across waves (docs/impact.md, docs/roi.md)."""

import time

import dagster as dg

from scl_pipeline.defs.marts.cross_wave import (
    cross_wave_mart,
    failing_clearly,
    impact_config,
    mart_metadata,
    measured,
    read_program,
    write_mart,
)
from scl_pipeline.defs.resources import DataLakeResource, ImpactSettings
from scl_pipeline.lib.impact import headlines
from scl_pipeline.lib.impact.cross_wave import (
    ROI_INPUT_COLUMNS,
    did_input_columns,
    impact_balance_rows,
    impact_did_rows,
    participant_network_rows,
    program_matching,
    roi_rows,
)
from scl_pipeline.lib.impact.roi_config import load_roi_assumptions
from scl_pipeline.lib.network.wave_graphs import WaveSnapshots

NETWORK_PREVIEW = ["wave", "participants", "participants_without_participant_tie", "ties", "cross_country_ties",
                   "cross_country_ratio_to_baseline", "new_bond_share", "reach_2_share"]
DID_PREVIEW = ["metric", "participants", "controls", "unmatched", "participants_baseline_mean", "participants_now_mean",
               "control_baseline_mean", "control_now_mean", "did", "ci_low", "ci_high"]
BALANCE_PREVIEW = ["control_group", "covariate", "participants", "controls", "participants_mean",
                   "non_participants_mean", "controls_mean", "smd_before", "smd_after", "imbalanced"]
ROI_PREVIEW = ["scenario", "efficiency_gain", "bonds", "people_reached", "people_reached_weighted", "value", "cost",
               "roi_multiple"]


@cross_wave_mart("participant_network", kinds=("scipy", "duckdb"), reads_graphs=True)
def participant_network(
    context: dg.AssetExecutionContext, lake: DataLakeResource, impact: ImpactSettings, snapshots: WaveSnapshots
):
    """One row per wave: the program participants present, those without a tie to another
    participant, ties and cross-country ties among them (and their ratio to the baseline's), the
    share with a new strong bond since the baseline, bonds kept and lost, and the organisation
    reached at 1, 2 and 3 steps. Empty without a roster (the metadata says why)."""
    from scl_pipeline.lib.reports.impact_previews import markdown_table

    started = time.monotonic()
    program, _ = read_program(lake, impact_config(impact))
    result = measured(lake, participant_network_rows(program, snapshots.load))
    written = write_mart(lake, "participant_network", result)
    extra = {}
    if len(result.rows):
        last = result.rows.iloc[-1]
        extra["headline"] = dg.MetadataValue.text(headlines.new_bond_headline(last))
        extra["summary"] = dg.MetadataValue.text(headlines.participant_network_headline(last))
        extra["rows"] = dg.MetadataValue.md(markdown_table(result.rows, NETWORK_PREVIEW))
    return dg.MaterializeResult(metadata=mart_metadata(result, written, program, seconds=time.monotonic() - started, **extra))


@cross_wave_mart("impact_did", kinds=("numpy", "scipy", "duckdb"))
def impact_did(context: dg.AssetExecutionContext, lake: DataLakeResource, impact: ImpactSettings):
    """One row per wave other than the baseline and metric (strong_in_degree, cross_country_ties,
    countries_reached, betweenness, constraint): participant and control means at the baseline
    and at the wave over people present in both, the difference-in-differences and its seeded
    95 % bootstrap interval. Waves before the baseline are placebos (``placebo``). Controls: the
    ``impact`` resource's ``control_group`` (default ``matched``: the nearest non-participants at
    the baseline). Empty without a roster or a baseline (the metadata says why)."""
    from scl_pipeline.lib.reports.build import impact_figures
    from scl_pipeline.lib.reports.impact_previews import markdown_table

    started = time.monotonic()
    config = impact_config(impact)
    program, metrics = read_program(lake, config, did_input_columns(config), every_wave=True)
    matching = program_matching(program, metrics, config)
    result = measured(lake, impact_did_rows(program, metrics, config, matching))
    written = write_mart(lake, "impact_did", result)
    extra = {
        "control_definition": dg.MetadataValue.text(config.control.definition),
        "bootstrap": dg.MetadataValue.text(f"{config.bootstrap_draws} draws, seed {config.bootstrap_seed}"),
    }
    if len(result.rows) and result.rows["unmatched"].notna().any():
        extra["unmatched_participants"] = dg.MetadataValue.int(int(result.rows["unmatched"].dropna().iloc[0]))
    if len(result.rows):
        lines = headlines.did_headlines(result.rows)
        extra["headline"] = dg.MetadataValue.text(lines[0])
        extra["every_metric"] = dg.MetadataValue.md("\n".join(f"- {line}" for line in lines))
        last = result.rows[result.rows["wave"] == result.rows["wave"].max()]
        extra["latest_wave"] = dg.MetadataValue.md(markdown_table(last, DID_PREVIEW))
        extra["placebo_rows"] = dg.MetadataValue.int(int(result.rows["placebo"].astype(bool).sum()))
        # The balance plot and the sentences read the balance: computed here from the same matching
        # (marts/impact_balance writes the table).
        balance = impact_balance_rows(program, metrics, config, matching).rows
        for figure in impact_figures(result.rows, balance):
            extra[figure.name] = dg.MetadataValue.md(figure.preview_markdown())
            extra[f"{figure.name}_caption"] = dg.MetadataValue.text(figure.caption)
    return dg.MaterializeResult(metadata=mart_metadata(result, written, program, seconds=time.monotonic() - started, **extra))


@cross_wave_mart("impact_balance", kinds=("scipy", "duckdb"))
def impact_balance(context: dg.AssetExecutionContext, lake: DataLakeResource, impact: ImpactSettings):
    """One row per wave (the baseline and every other), control definition (matched,
    key_collaborators, non_participants) and baseline covariate: participants' and controls'
    baseline means over the people present at the baseline and the wave, the standardised mean
    difference before and after matching, and ``imbalanced`` where |SMD| > 0.1. Empty without a
    roster or a baseline (the metadata says why)."""
    from scl_pipeline.lib.reports.impact_previews import markdown_table

    started = time.monotonic()
    config = impact_config(impact)
    program, metrics = read_program(lake, config, did_input_columns(config), every_wave=True)
    result = measured(lake, impact_balance_rows(program, metrics, config))
    written = write_mart(lake, "impact_balance", result)
    extra = {"control_definition": dg.MetadataValue.text(config.control.definition)}
    if len(result.rows):
        rows = result.rows
        at_base = rows[rows["wave"] == program.baseline.wave]
        chosen = at_base[at_base["control_group"] == config.control_group]
        extra["max_abs_smd_after"] = dg.MetadataValue.float(float(chosen["smd_after"].abs().max()))
        extra["imbalanced_covariates"] = dg.MetadataValue.int(int(chosen["imbalanced"].astype(bool).sum()))
        extra["baseline"] = dg.MetadataValue.md(markdown_table(at_base, BALANCE_PREVIEW))
    return dg.MaterializeResult(metadata=mart_metadata(result, written, program, seconds=time.monotonic() - started, **extra))


@cross_wave_mart("roi", kinds=("scipy", "duckdb"), reads_graphs=True)
def roi(context: dg.AssetExecutionContext, lake: DataLakeResource, impact: ImpactSettings, snapshots: WaveSnapshots):
    """One row per wave after the baseline and scenario (low, mid, high, and any the assumptions
    file adds): every input of the SPEC §3b formula, the assumptions' version, bonds counted,
    people reached (weighted), value, cost and ROI multiple (docs/roi.md). Assumptions:
    ``<lake>/landing/roi_assumptions.toml`` over the shipped defaults; a bad file fails the step
    naming the file and key. Empty without a roster or a baseline (the metadata says why)."""
    from scl_pipeline.lib.reports.impact_previews import markdown_table, roi_figure

    started = time.monotonic()
    with failing_clearly():
        assumptions = load_roi_assumptions(lake.lake.landing)
    program, metrics = read_program(lake, impact_config(impact), ROI_INPUT_COLUMNS)
    result = measured(lake, roi_rows(program, snapshots.load, metrics, assumptions))
    written = write_mart(lake, "roi", result)
    extra = {
        "assumptions_version": dg.MetadataValue.text(assumptions.version),
        "assumptions_files": dg.MetadataValue.json(list(assumptions.sources)),
    }
    if len(result.rows):
        wave = max(result.rows["wave"])
        last = result.rows[result.rows["wave"] == wave]
        extra["headline"] = dg.MetadataValue.text(headlines.roi_headline(result.rows))
        extra["roi_range"] = dg.MetadataValue.text(headlines.roi_range(last))
        extra["latest_wave"] = dg.MetadataValue.md(markdown_table(last, ROI_PREVIEW))
        extra["figure"] = dg.MetadataValue.md(roi_figure(result.rows, wave).preview_markdown())
    return dg.MaterializeResult(metadata=mart_metadata(result, written, program, seconds=time.monotonic() - started, **extra))
