"""The snapshot IO manager: the one way a wave's graph snapshot reaches the steps that read it."""

import ast
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

import scl_pipeline.defs
from scl_pipeline.defs.network.snapshot_io import SNAPSHOT_KEY, SnapshotIOManager, every_wave_in, wave_graphs_in
from scl_pipeline.defs.partitions import wave_partitions
from scl_pipeline.lib.network.snapshot import build_snapshot
from scl_pipeline.lib.network.wave_graphs import SnapshotMissingError, WaveGraphs, WaveSnapshots
from scl_pipeline.lib.waves import wave_to_partition_key
from scl_pipeline_tests.helpers.staging import stage_ties


def _snapshot(wave: str, relation: str = "trust", people: int = 3):
    ids = [f"E{i}" for i in range(people)]
    nodes = pd.DataFrame({"employee_id": ids, "country": "FR"})
    survey = pd.DataFrame({"respondent_id": ids, "nominee_id": ids[1:] + ids[:1], "relation": relation,
                           "strength": pd.array([5] * people, dtype="Int64")})
    return build_snapshot(nodes, stage_ties(nodes, survey), relation=relation, wave=wave)


def _store(manager: SnapshotIOManager, wave: str, graphs: WaveGraphs) -> dg.OutputContext:
    context = dg.build_output_context(asset_key=SNAPSHOT_KEY, partition_key=wave_to_partition_key(wave),
                                      asset_partitions_def=wave_partitions)
    manager.handle_output(context, graphs)
    return context


def _load(manager: SnapshotIOManager, wave: str, asset_in: dg.AssetIn):
    context = dg.build_input_context(asset_key=SNAPSHOT_KEY, partition_key=wave_to_partition_key(wave),
                                     asset_partitions_def=wave_partitions, definition_metadata=asset_in.metadata)
    return manager.load_input(context)


def test_a_wave_is_stored_and_handed_back(tmp_path):
    manager = SnapshotIOManager(root=str(tmp_path))
    context = _store(manager, "2021-Q1", WaveGraphs(_snapshot("2021-Q1"), (_snapshot("2021-Q1", "energy"),)))
    assert {k: v.value for k, v in context.get_logged_metadata().items()} == {
        "rows:network.nodes": 3, "rows:network.arcs": 6, "rows:network.snapshots": 2}
    _store(manager, "2021-Q2", WaveGraphs(_snapshot("2021-Q2", people=4)))

    own = _load(manager, "2021-Q2", wave_graphs_in())
    assert isinstance(own, WaveGraphs) and own.primary.n == 4 and own.primary.wave == "2021-Q2"
    assert own.other("energy") is None  # 2021-Q2 surveyed no energy relation
    first = _load(manager, "2021-Q1", wave_graphs_in())
    assert first.primary.n == 3 and len(first.other("energy").arcs) == 3

    every = _load(manager, "2021-Q2", every_wave_in())
    assert isinstance(every, WaveSnapshots) and list(every) == ["2021-Q1", "2021-Q2"]
    assert every["2021-Q1"].n == 3 and "2021-Q3" not in every
    with pytest.raises(SnapshotMissingError, match="no graph snapshot for wave 2021-Q3"):
        every.load("2021-Q3")


def test_no_step_opens_the_snapshot_but_the_io_manager():
    """Readers declare the snapshot as an input: only the IO manager calls the warehouse loader."""
    root = Path(scl_pipeline.defs.__file__).parent
    callers = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "scl_pipeline.lib.network.wave_graphs":
                if {"load_wave_snapshot", "write_wave_graphs"} & {alias.name for alias in node.names}:
                    callers.add(path.relative_to(root).as_posix())
    assert callers == {"network/snapshot_io.py"}
