"""Removal scenarios and robustness curves of a wave, and the baseline's bridges removed again.

The wave step writes the robustness marts and its own scenarios (``network.resilience_wave_scenarios``:
every country kind and the user's). ``baseline_single_bridges`` needs the baseline wave, which
a backfill may run after later waves, so a cross-wave step evaluates it for the baseline and
every later wave (``network.resilience_baseline_scenarios``); the SQL model
``marts.resilience_scenarios`` unions the two and is re-run by the cross-wave automation.
"""

from collections.abc import Iterator

import dagster as dg
import pandas as pd

from scl_pipeline.defs.ingestion.checks import raw_key
from scl_pipeline.defs.marts.bridges import BRIDGES_KEY
from scl_pipeline.defs.marts.person_wave_metrics import PERSON_KEY
from scl_pipeline.defs.marts.specs import MARTS_GROUP, mart_key, wave_mart_spec
from scl_pipeline.defs.network.snapshot_io import SNAPSHOT_KEY, every_wave_in, wave_graphs_in
from scl_pipeline.defs.partitions import ALL_WAVES_GRAIN, WAREHOUSE_POOL, WAVE_GRAIN, wave_multi_asset
from scl_pipeline.defs.marts.cross_wave import failing_clearly, impact_config, no_wave
from scl_pipeline.defs.resources import DataLakeResource, ImpactSettings, ResilienceSettings
from scl_pipeline.lib.impact.baseline import is_after, resolve_baseline
from scl_pipeline.lib.contract import PARTICIPANTS
from scl_pipeline.lib.network.wave_graphs import WaveGraphs, WaveSnapshots
from scl_pipeline.lib.resilience import headline
from scl_pipeline.lib.resilience.scenario_file import SCENARIOS_FILE, ScenarioFileError, ScenarioSpec, load_scenarios
from scl_pipeline.lib.resilience.tables import baseline_bridge_ids, baseline_scenarios, wave_removals
from scl_pipeline.lib.warehouse.connection import transaction
from scl_pipeline.lib.warehouse.nothing_to_measure import METADATA_KEY
from scl_pipeline.lib.warehouse.reads import bridge_criticality_rows, person_betweenness, program_roster, snapshot_waves
from scl_pipeline.lib.warehouse.tables import replace_partition, write_partitions
from scl_pipeline.lib.waves import partition_key_to_wave

CURVE_KEY, SUMMARY_KEY = mart_key("robustness_curve"), mart_key("robustness_summary")
WAVE_SCENARIOS_KEY = dg.AssetKey(["network", "resilience_wave_scenarios"])
BASELINE_SCENARIOS_KEY = dg.AssetKey(["network", "resilience_baseline_scenarios"])
_ROSTER = raw_key(PARTICIPANTS)


def _user_scenarios(context: dg.AssetExecutionContext, lake: DataLakeResource) -> tuple[ScenarioSpec, ...]:
    """The user scenarios of ``landing/scenarios.toml`` (none without the file); a file that
    breaks the schema fails the step naming the file and the entry."""
    try:
        return load_scenarios(lake.lake.landing / SCENARIOS_FILE)
    except ScenarioFileError as exc:
        raise dg.Failure(description=str(exc), metadata={"file": exc.path, "problem": exc.problem}) from None


def _robustness_markdown(curve: pd.DataFrame, wave: str) -> str:
    # Imported here: matplotlib is not needed to load the definitions.
    from scl_pipeline.lib.reports.captions import robustness_caption
    from scl_pipeline.lib.reports.document import ReportFigure
    from scl_pipeline.lib.reports.wave_charts import robustness_png

    figure = ReportFigure("robustness_curve", f"Robustness, {wave}", robustness_caption(curve, wave),
                          robustness_png(curve, wave))
    return figure.preview_markdown() + "\n\n" + figure.caption


@wave_multi_asset(
    [
        wave_mart_spec(
            CURVE_KEY,
            "One row per wave, scope, strategy (betweenness, degree, random) and k: largest-component "
            "share and fragmentation after removing the first k people (random: mean and 5-95% spread).",
            deps=(SNAPSHOT_KEY, _ROSTER, PERSON_KEY),
        ),
        wave_mart_spec(
            SUMMARY_KEY,
            "One row per wave, scope and strategy: people, the curve's max_k and critical_k (the "
            "smallest k leaving no component with half of the people).",
            deps=(SNAPSHOT_KEY, _ROSTER, PERSON_KEY),
        ),
        dg.AssetSpec(
            WAVE_SCENARIOS_KEY,
            deps=[SNAPSHOT_KEY, _ROSTER, PERSON_KEY],
            description="The wave's removal scenarios for both scopes: per country its cross-country "
            "holders and its single bridges, and the user scenarios of landing/scenarios.toml; read by "
            "marts.resilience_scenarios.",
            group_name=MARTS_GROUP,
            kinds={"duckdb"},
            tags=WAVE_GRAIN,
        ),
    ],
    ins={"graphs": wave_graphs_in()},
)
def resilience_removals(
    context: dg.AssetExecutionContext, lake: DataLakeResource, resilience: ResilienceSettings, graphs: WaveGraphs
) -> Iterator[dg.MaterializeResult]:
    """Removal scenarios and robustness curves of the wave, from its saved snapshot, the roster
    and the person metrics' betweenness (docs/metric_dictionary.md, "Resilience")."""
    wave = partition_key_to_wave(context.partition_key)
    specs = _user_scenarios(context, lake)
    snapshot = graphs.primary
    with lake.warehouse() as con:
        roster = program_roster(con)
        betweenness = person_betweenness(con, wave)
    if betweenness.empty:
        raise dg.Failure(description=f"marts.person_wave_metrics has no rows for wave {wave}: materialize "
                         f"{PERSON_KEY.to_user_string()} first (its betweenness ranks the people removed)")
    result = wave_removals(snapshot, roster["employee_id"], betweenness, None, specs, resilience.config(), wave)
    with lake.warehouse() as con:
        written = write_partitions(con, "wave", wave, {
            "marts.robustness_curve": result.robustness_curve,
            "marts.robustness_summary": result.robustness_summary,
            "network.resilience_wave_scenarios": result.resilience_scenarios,
        })
    head = headline.removal_headline(result.resilience_scenarios, result.robustness_summary)
    missing = headline.missing_id_positions(result.missing_ids, specs)
    for name, scopes in missing.items():
        context.log.warning(f"{SCENARIOS_FILE}: scenario {name!r}: employee_ids entries not in wave {wave}: {scopes}")
    yield dg.MaterializeResult(
        asset_key=CURVE_KEY,
        metadata={
            "wave": wave,
            "dagster/row_count": dg.MetadataValue.int(written["marts.robustness_curve"]),
            "critical_k": dg.MetadataValue.json(head["critical_k"]),
            "robustness_curve": dg.MetadataValue.md(_robustness_markdown(result.robustness_curve, wave)),
        },
    )
    yield dg.MaterializeResult(
        asset_key=SUMMARY_KEY,
        metadata={
            "wave": wave,
            "dagster/row_count": dg.MetadataValue.int(written["marts.robustness_summary"]),
            "summary": dg.MetadataValue.md(result.robustness_summary.drop(columns="wave").to_markdown(index=False)),
        },
    )
    yield dg.MaterializeResult(
        asset_key=WAVE_SCENARIOS_KEY,
        metadata={
            "wave": wave,
            "dagster/row_count": dg.MetadataValue.int(written["network.resilience_wave_scenarios"]),
            "worst_country_scenario": dg.MetadataValue.json(head["worst_country_scenario"]),
            "worst_country_scenarios": dg.MetadataValue.md(headline.worst_scenarios_markdown(result.resilience_scenarios)),
            "user_scenarios": dg.MetadataValue.int(len(specs)),
            "user_scenario_ids_not_in_wave": dg.MetadataValue.json(missing),
        },
    )


@dg.asset(
    key=BASELINE_SCENARIOS_KEY,
    deps=[BRIDGES_KEY, _ROSTER],
    ins={"snapshots": every_wave_in()},
    group_name=MARTS_GROUP,
    kinds={"igraph", "duckdb"},
    tags=ALL_WAVES_GRAIN,
    pool=WAREHOUSE_POOL,
)
def resilience_baseline_scenarios(
    context: dg.AssetExecutionContext, lake: DataLakeResource, impact: ImpactSettings, snapshots: WaveSnapshots
) -> dg.MaterializeResult:
    """The people who were single bridges of each scope at the baseline wave (SPEC §3b), removed
    again at the baseline and at every later wave with a snapshot: "would the same departures
    still break it?". Rebuilt whole, so the waves of a backfill may run in any order. The
    baseline is the impact marts' (same override setting, ``impact.baseline_wave``)."""
    override = impact_config(impact).baseline_wave
    with lake.warehouse() as con:
        roster = program_roster(con)
        waves = snapshot_waves(con)
        with failing_clearly():
            choice = resolve_baseline(waves, roster, override)
        bridges = bridge_criticality_rows(con, choice.wave) if choice.wave else None
    removed: dict[str, list[str]] = {}
    later: list[str] = []
    if choice.wave is not None:
        if bridges is None:
            raise dg.Failure(description=f"marts.bridge_criticality does not exist: materialize "
                             f"{BRIDGES_KEY.to_user_string()} for the baseline wave {choice.wave} first")
        removed = baseline_bridge_ids(bridges)
        later = [w for w in waves if not is_after(choice.wave, w)]
    by_wave = ((wave, snapshots.load(wave)) for wave in later)
    table = baseline_scenarios(by_wave, roster["employee_id"], removed)
    with lake.warehouse() as con, transaction(con):
        written = replace_partition(con, "network.resilience_baseline_scenarios", table)
    nothing = no_wave(lake)
    return dg.MaterializeResult(
        metadata={
            **({METADATA_KEY: dg.MetadataValue.text(nothing)} if nothing else {}),
            "baseline_wave": choice.wave or "none",
            "baseline_reason": choice.reason,
            "dagster/row_count": dg.MetadataValue.int(written),
            "rows": dg.MetadataValue.md(headline.scenario_rows_markdown(table)),
            "by_wave": dg.MetadataValue.json(headline.scenario_figures(table)),
        }
    )
