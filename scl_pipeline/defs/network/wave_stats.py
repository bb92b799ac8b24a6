"""Wave-level graph statistics of U, joined into ``marts.wave_summary``."""

import dagster as dg

from scl_pipeline.defs.network.snapshot import NETWORK_GROUP
from scl_pipeline.defs.network.snapshot_io import wave_graphs_in
from scl_pipeline.defs.partitions import wave_asset
from scl_pipeline.defs.resources import DataLakeResource
from scl_pipeline.lib.network.wave_graphs import WaveGraphs
from scl_pipeline.lib.network.wave_stats import graph_stats
from scl_pipeline.lib.warehouse.tables import write_partitions
from scl_pipeline.lib.waves import partition_key_to_wave


@wave_asset(
    key=dg.AssetKey(["network", "wave_graph_stats"]), ins={"graphs": wave_graphs_in()}, group_name=NETWORK_GROUP, kinds={"igraph", "duckdb"}
)
def wave_graph_stats(context: dg.AssetExecutionContext, lake: DataLakeResource, graphs: WaveGraphs) -> dg.MaterializeResult:
    """One row per wave: components, largest-component share, isolates, articulation points,
    bridges, E-I (and expected), assortativity and cross-country edge share of U; read by
    marts.wave_summary."""
    wave = partition_key_to_wave(context.partition_key)
    stats = graph_stats(graphs.primary)
    with lake.warehouse() as con:
        write_partitions(con, "wave", wave, {"network.wave_graph_stats": stats})
    row = stats.iloc[0]
    return dg.MaterializeResult(
        metadata={
            "wave": wave,
            "dagster/row_count": dg.MetadataValue.int(1),
            **{c: dg.MetadataValue.float(float(row[c])) for c in ("largest_component_share", "ei_index", "assortativity")},
            **{c: dg.MetadataValue.int(int(row[c])) for c in ("components", "isolates", "articulation_points", "bridges")},
        }
    )
