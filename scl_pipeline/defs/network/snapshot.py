"""The wave's graph snapshot: staged ties -> D and U, stored by the snapshot IO manager in the
warehouse tables ``network.nodes`` / ``network.arcs`` / ``network.snapshots``, each an asset."""

from collections.abc import Iterator

import dagster as dg

from scl_pipeline.defs.network.snapshot_io import SNAPSHOT_IO_MANAGER, SNAPSHOT_KEY
from scl_pipeline.defs.partitions import WAVE_GRAIN, wave_multi_asset
from scl_pipeline.defs.resources import DataLakeResource, NetworkSettings, RoleSettings
from scl_pipeline.lib.network.snapshot import build_snapshot
from scl_pipeline.lib.network.wave_graphs import WaveGraphs
from scl_pipeline.lib.warehouse.reads import staged_wave
from scl_pipeline.lib.waves import partition_key_to_wave

NETWORK_GROUP = "network"
NODES_KEY, ARCS_KEY, SNAPSHOTS_KEY = (dg.AssetKey(["network", t]) for t in ("nodes", "arcs", "snapshots"))
_DEPS = (dg.AssetKey(["staging", "hr"]), dg.AssetKey(["staging", "ties"]), dg.AssetKey(["raw", "ona_survey"]))
_TABLES = {
    NODES_KEY: "One row per wave and person of the population (isolates included): node (the integer "
    "position arcs use), employee_id, HR attributes, responded.",
    ARCS_KEY: "One row per wave, relation and staged tie: respondent_id, nominee_id, their node "
    "positions src/dst, strength and the strong flag staging set.",
    SNAPSHOTS_KEY: "One row per wave and relation stored: strong threshold, nodes, ties, strong arcs, "
    "is_primary (the relation the metrics use).",
}


def _spec(key: dg.AssetKey, description: str, kinds: set[str]) -> dg.AssetSpec:
    return dg.AssetSpec(key, deps=list(_DEPS), description=description, group_name=NETWORK_GROUP, kinds=kinds, tags=WAVE_GRAIN)


@wave_multi_asset(
    [
        _spec(
            SNAPSHOT_KEY,
            "The wave's trust network (SPEC §2): D (strong arcs) and U over the whole population, "
            "the energy relation (when surveyed) beside it. Stored in network.nodes/arcs/snapshots; "
            "every reader loads it from there through the snapshot IO manager.",
            {"igraph", "duckdb"},
        ).with_io_manager_key(SNAPSHOT_IO_MANAGER),
        *(_spec(key, description, {"duckdb"}) for key, description in _TABLES.items()),
    ]
)
def graph_snapshot(
    context: dg.AssetExecutionContext, lake: DataLakeResource, network: NetworkSettings, roles: RoleSettings
) -> Iterator[dg.MaterializeResult]:
    """The wave's graphs from ``staging.hr`` and ``staging.ties``, and the tables storing them."""
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

    others = ()
    if roles.energy_relation != network.primary_relation and (ties["relation"] == roles.energy_relation).any():
        others = (build(roles.energy_relation),)
    graphs = WaveGraphs(build(network.primary_relation), others)

    primary = graphs.primary
    sizes = primary.graph_u.connected_components().sizes()
    # The IO manager writes the three tables while this output is handled, before the tables' results.
    yield dg.MaterializeResult(
        asset_key=SNAPSHOT_KEY,
        value=graphs,
        metadata={
            "wave": wave,
            "relation": primary.relation,
            "dagster/row_count": dg.MetadataValue.int(primary.n),
            "nodes": dg.MetadataValue.int(primary.n),
            "ties": dg.MetadataValue.int(len(primary.arcs)),
            "strong_arcs": dg.MetadataValue.int(int(primary.arcs["strong"].sum())),
            "components": dg.MetadataValue.int(len(sizes)),
            "largest_component": dg.MetadataValue.int(max(sizes) if sizes else 0),
            "relations_saved": dg.MetadataValue.json([s.relation for s in graphs.snapshots]),
        },
    )
    rows = {
        NODES_KEY: primary.n,
        ARCS_KEY: sum(len(s.arcs) for s in graphs.snapshots),
        SNAPSHOTS_KEY: len(graphs.snapshots),
    }
    for key, count in rows.items():
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={"wave": wave, "table": ".".join(key.path), "dagster/row_count": dg.MetadataValue.int(count)},
        )
