"""The wave's graph snapshot: staged ties -> D and U, persisted as Parquet + GraphML and as
``network.nodes`` / ``network.arcs`` / ``network.snapshots`` in the warehouse."""

import dagster as dg
import pandas as pd

from scl_pipeline.defs.partitions import wave_asset
from scl_pipeline.defs.resources import DataLakeResource, NetworkSettings, RoleSettings
from scl_pipeline.lib.network.snapshot import build_snapshot
from scl_pipeline.lib.network.wave_graphs import RELATIONS_FOLDER, save_wave_snapshots, snapshot_frames
from scl_pipeline.lib.warehouse.reads import staged_wave
from scl_pipeline.lib.warehouse.tables import write_partitions
from scl_pipeline.lib.waves import partition_key_to_wave

NETWORK_GROUP = "network"
SNAPSHOT_KEY = dg.AssetKey(["network", "graph_snapshot"])

@wave_asset(
    key=SNAPSHOT_KEY,
    deps=[dg.AssetKey(["staging", "hr"]), dg.AssetKey(["staging", "ties"]), dg.AssetKey(["raw", "ona_survey"])],
    group_name=NETWORK_GROUP,
    kinds={"igraph", "parquet", "duckdb"},
)
def graph_snapshot(
    context: dg.AssetExecutionContext, lake: DataLakeResource, network: NetworkSettings, roles: RoleSettings
) -> dg.MaterializeResult:
    """The wave's trust network (SPEC §2): D (strong arcs) and U over the whole population, saved
    under ``warehouse/graphs/<wave>/`` (Parquet, GraphML) and in ``network.nodes/arcs/snapshots``
    (the energy relation, when surveyed, beside it) so the wave's exact graph can be reloaded."""
    wave = partition_key_to_wave(context.partition_key)
    with lake.warehouse() as con:
        staged = staged_wave(con, wave)
    if staged.nodes.empty:
        raise dg.Failure(description=f"staging.hr has no people for wave {wave}: nothing to build a network of")
    nodes, ties = staged.nodes, staged.ties

    def build(relation: str):
        return build_snapshot(
            nodes, ties, relation=relation, strong_threshold=network.strong_threshold, wave=wave,
            respondent_ids=staged.respondent_ids,
        )

    snapshots = [build(network.primary_relation)]
    if roles.energy_relation != network.primary_relation and (ties["relation"] == roles.energy_relation).any():
        snapshots.append(build(roles.energy_relation))

    final = save_wave_snapshots(lake.lake, wave, snapshots[0], snapshots[1:])

    frames = [snapshot_frames(s, str(final if i == 0 else final / RELATIONS_FOLDER / s.relation)) for i, s in enumerate(snapshots)]
    with lake.warehouse() as con:
        write_partitions(
            con,
            "wave",
            wave,
            {
                "network.nodes": frames[0][0],
                "network.arcs": pd.concat([f[1] for f in frames], ignore_index=True),
                "network.snapshots": pd.concat([f[2] for f in frames], ignore_index=True),
            },
        )

    primary = snapshots[0]
    sizes = primary.graph_u.connected_components().sizes()
    return dg.MaterializeResult(
        metadata={
            "wave": wave,
            "relation": primary.relation,
            "dagster/row_count": dg.MetadataValue.int(primary.n),
            "nodes": dg.MetadataValue.int(primary.n),
            "ties": dg.MetadataValue.int(len(primary.arcs)),
            "strong_arcs": dg.MetadataValue.int(int(primary.arcs["strong"].sum())),
            "components": dg.MetadataValue.int(len(sizes)),
            "largest_component": dg.MetadataValue.int(max(sizes) if sizes else 0),
            "relations_saved": dg.MetadataValue.json([s.relation for s in snapshots]),
            "path": dg.MetadataValue.path(str(final)),
        }
    )
