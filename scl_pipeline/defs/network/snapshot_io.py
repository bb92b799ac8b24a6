"""How a wave's graph snapshot travels from the step that builds it to every step that reads it.

``network/graph_snapshot`` is stored by :class:`SnapshotIOManager` in the warehouse tables
``network.nodes`` / ``network.arcs`` / ``network.snapshots`` (lib/network/wave_graphs.py) and
loaded back from them: readers declare :func:`wave_graphs_in` (their own wave, as
:class:`WaveGraphs`) or :func:`every_wave_in` (:class:`WaveSnapshots`, one wave loaded per
access) instead of opening lake paths. Loading happens inside the reading step, which already
holds the warehouse pool's slot.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from scl_pipeline.lib.lake import DataLake
from scl_pipeline.lib.network.wave_graphs import WaveGraphs, WaveSnapshots, load_wave_snapshot, write_wave_graphs
from scl_pipeline.lib.warehouse.connection import connect
from scl_pipeline.lib.warehouse.reads import snapshot_waves
from scl_pipeline.lib.waves import partition_key_to_wave

SNAPSHOT_KEY = dg.AssetKey(["network", "graph_snapshot"])
SNAPSHOT_IO_MANAGER = "snapshot_io_manager"
# Input metadata: the reader wants every wave's snapshot, not only its own partition's.
_EVERY_WAVE = "scl/every_wave"


def wave_graphs_in() -> dg.AssetIn:
    """The reading step's own wave: a :class:`WaveGraphs` (the primary relation's snapshot, another
    relation's loaded when asked)."""
    return dg.AssetIn(SNAPSHOT_KEY)


def every_wave_in() -> dg.AssetIn:
    """Every wave with a stored snapshot: a :class:`WaveSnapshots` (wave -> primary snapshot,
    loaded on access; ``.load(wave)`` names a wave without one). The dependency keeps the default
    partition mapping (a cross-wave asset: every wave; a wave's report: its own wave, whose page
    also draws the baseline's graph), so automation reacts as before."""
    return dg.AssetIn(SNAPSHOT_KEY, metadata={_EVERY_WAVE: True})


class SnapshotIOManager(dg.ConfigurableIOManager):
    """Stores a wave's :class:`WaveGraphs` in the ``network`` tables of the warehouse under
    ``root`` (the data lake) and loads it back."""

    root: str

    @property
    def _warehouse(self) -> Path:
        return DataLake(Path(self.root)).warehouse_path

    def handle_output(self, context: dg.OutputContext, obj: WaveGraphs) -> None:
        wave = partition_key_to_wave(context.asset_partition_key)
        with connect(self._warehouse) as con:
            written = write_wave_graphs(con, wave, obj)
        context.add_output_metadata({f"rows:{table}": dg.MetadataValue.int(n) for table, n in written.items()})

    def load_input(self, context: dg.InputContext) -> WaveGraphs | WaveSnapshots:
        if context.definition_metadata.get(_EVERY_WAVE):
            with connect(self._warehouse) as con:
                waves = tuple(snapshot_waves(con))
            return WaveSnapshots(waves, self._load)
        wave = partition_key_to_wave(context.asset_partition_key)
        return WaveGraphs(self._load(wave), load_relation=lambda relation: self._load(wave, relation))

    def _load(self, wave: str, relation: str | None = None):
        with connect(self._warehouse) as con:
            return load_wave_snapshot(con, wave, relation)
