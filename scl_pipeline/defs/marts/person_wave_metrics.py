"""Person metrics and roles of a wave, computed from the saved snapshot (exactly the persisted graph)."""

from collections.abc import Iterator

import dagster as dg

from scl_pipeline.defs.ingestion.checks import ROSTER_KEY
from scl_pipeline.defs.marts.bridges import BRIDGES_KEY
from scl_pipeline.defs.marts.specs import mart_key, wave_mart_spec
from scl_pipeline.defs.network.snapshot_io import SNAPSHOT_KEY, wave_graphs_in
from scl_pipeline.defs.partitions import wave_multi_asset
from scl_pipeline.defs.resources import DataLakeResource, MetricsSettings, NetworkSettings, RoleSettings
from scl_pipeline.lib.network.brokerage import brokerage
from scl_pipeline.lib.network.person_metrics import person_metrics
from scl_pipeline.lib.network.roles import assign_roles, energy_in_degree
from scl_pipeline.lib.marts.person_wave_metrics import person_wave_table, role_shares, top_people_markdown
from scl_pipeline.lib.network.wave_graphs import WaveGraphs
from scl_pipeline.lib.resilience.scopes import ORGANISATION
from scl_pipeline.lib.runs.progress import throttled_progress
from scl_pipeline.lib.warehouse.reads import bridge_criticality_rows, program_roster
from scl_pipeline.lib.warehouse.tables import write_partitions
from scl_pipeline.lib.waves import partition_key_to_wave

PERSON_KEY, THRESHOLDS_KEY = mart_key("person_wave_metrics"), mart_key("role_thresholds")


@wave_multi_asset(
    [
        wave_mart_spec(
            PERSON_KEY,
            "One row per person and wave: HR attributes, program participation, degrees, "
            "betweenness, pagerank, clustering, constraint, community, cross-country reach, "
            "Gould-Fernandez brokerage, every role flag and the critical-bridge flag "
            "(docs/metric_dictionary.md).",
            deps=(SNAPSHOT_KEY, ROSTER_KEY, BRIDGES_KEY),
            kinds=("igraph", "duckdb"),
        ),
        wave_mart_spec(
            THRESHOLDS_KEY,
            "One row per wave and role: the metric, percentile, floor and threshold used "
            "to assign the role that wave (RoleSettings).",
        ),
    ],
    ins={"graphs": wave_graphs_in()},
)
def person_wave_metrics(
    context: dg.AssetExecutionContext,
    lake: DataLakeResource,
    network: NetworkSettings,
    roles: RoleSettings,
    metrics: MetricsSettings,
    graphs: WaveGraphs,
) -> Iterator[dg.MaterializeResult]:
    """Person metrics and roles of the wave from its saved graph snapshot."""
    wave = partition_key_to_wave(context.partition_key)
    snapshot = graphs.primary
    role_config = roles.config()
    with lake.warehouse() as con:
        roster = program_roster(con)
        bridges = bridge_criticality_rows(con, wave)
    if bridges is None:
        raise dg.Failure(description=f"marts.bridge_criticality does not exist: materialize {BRIDGES_KEY.to_user_string()} "
                         f"for wave {wave} first")
    critical = bridges.loc[(bridges["scope"] == ORGANISATION) & bridges["critical"].astype(bool), "employee_id"]

    energy = graphs.other(role_config.energy_relation)
    energy_in = None
    if energy is not None:
        energy_ties = energy.arcs.assign(relation=energy.relation)
        energy_in = energy_in_degree(snapshot.nodes, energy_ties, role_config)
    # Betweenness is most of this step's time (minutes at 100,000 people): its progress goes to the run's log.
    progress = throttled_progress(context.log.info, f"betweenness of wave {wave}", "sources")
    computed = person_metrics(snapshot, metrics.config(), progress)
    flags, thresholds = assign_roles(computed, role_config, energy_in=energy_in, wave=wave)
    table = person_wave_table(snapshot, computed, brokerage(snapshot), flags, roster, energy_in, critical)

    with lake.warehouse() as con:
        written = write_partitions(con, "wave", wave, {"marts.person_wave_metrics": table, "marts.role_thresholds": thresholds}
        )
    shares = role_shares(table)
    yield dg.MaterializeResult(
        asset_key=PERSON_KEY,
        metadata={
            "wave": wave,
            "dagster/row_count": dg.MetadataValue.int(written["marts.person_wave_metrics"]),
            "role_shares": dg.MetadataValue.json({r: round(s, 4) for r, s in shares.items()}),
            **{f"share_{r}": dg.MetadataValue.float(s) for r, s in shares.items()},
            "participants": dg.MetadataValue.int(int(table["participant"].sum())),
            "critical_bridges": dg.MetadataValue.int(int(table["critical_bridge"].sum())),
            "betweenness_approx": bool(table["betweenness_approx"].any()),
            "top_people_per_role": dg.MetadataValue.md(top_people_markdown(table, 5)),
        },
    )
    yield dg.MaterializeResult(
        asset_key=THRESHOLDS_KEY,
        metadata={
            "wave": wave,
            "dagster/row_count": dg.MetadataValue.int(written["marts.role_thresholds"]),
            "catalyst_rule": "energy" if energy_in is not None else "in/out degree",
            "thresholds": dg.MetadataValue.md(thresholds.drop(columns="wave").to_markdown(index=False)),
        },
    )
