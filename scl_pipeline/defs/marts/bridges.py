"""Bridge criticality of a wave (SPEC §3b), for both scopes: the wave's one computation of it.

Upstream of the person metrics (their ``critical_bridge`` flag) and of ``marts.wave_summary``
(``critical_bridges``), which read these rows instead of computing criticality again.
"""

import dagster as dg

from scl_pipeline.defs.ingestion.checks import raw_key
from scl_pipeline.defs.marts.specs import MARTS_GROUP, mart_key
from scl_pipeline.defs.network.snapshot_io import wave_graphs_in
from scl_pipeline.defs.partitions import wave_asset
from scl_pipeline.defs.resources import DataLakeResource, ResilienceSettings
from scl_pipeline.lib.contract import PARTICIPANTS
from scl_pipeline.lib.network.wave_graphs import WaveGraphs
from scl_pipeline.lib.resilience.headline import bridge_headline, top_bridges_markdown
from scl_pipeline.lib.resilience.tables import wave_bridges
from scl_pipeline.lib.warehouse.reads import program_roster
from scl_pipeline.lib.warehouse.tables import write_partitions
from scl_pipeline.lib.waves import partition_key_to_wave

BRIDGES_KEY = mart_key("bridge_criticality")
TOP_BRIDGES_SHOWN = 5


@wave_asset(
    key=BRIDGES_KEY,
    deps=[raw_key(PARTICIPANTS)],
    ins={"graphs": wave_graphs_in()},
    group_name=MARTS_GROUP,
    kinds={"igraph", "duckdb"},
)
def bridge_criticality(
    context: dg.AssetExecutionContext, lake: DataLakeResource, resilience: ResilienceSettings, graphs: WaveGraphs
) -> dg.MaterializeResult:
    """One row per wave, scope (organisation, participants) and articulation point: people and
    countries it alone holds to the largest component, pieces, the critical flag and a rank
    (docs/metric_dictionary.md, "Resilience"), from the block-cut tree of the saved snapshot."""
    wave = partition_key_to_wave(context.partition_key)
    snapshot = graphs.primary
    with lake.warehouse() as con:
        roster = program_roster(con)
    table = wave_bridges(snapshot, roster["employee_id"], resilience.config().critical_min_people, wave)
    with lake.warehouse() as con:
        written = write_partitions(con, "wave", wave, {"marts.bridge_criticality": table})
    head = bridge_headline(table)
    return dg.MaterializeResult(
        metadata={
            "wave": wave,
            "dagster/row_count": dg.MetadataValue.int(written["marts.bridge_criticality"]),
            **{f"critical_bridges_{scope}": dg.MetadataValue.int(n) for scope, n in head["critical_bridges"].items()},
            **{f"articulation_points_{scope}": dg.MetadataValue.int(n) for scope, n in head["articulation_points"].items()},
            "top_critical_bridges": dg.MetadataValue.md(top_bridges_markdown(table, TOP_BRIDGES_SHOWN)),
        }
    )
