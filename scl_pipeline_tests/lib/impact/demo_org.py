"""The demo organisation's landing files read into what the impact functions take: per wave a
graph snapshot and its ``person_wave_metrics`` frame, the roster and the experiment frames.

The files are read with pandas and staged here the way SPEC §2 says (self-nominations and people
outside the wave dropped, the highest strength kept per tie); the graphs and metrics come from
the network library, as in the pipeline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scl_pipeline.lib.network.brokerage import brokerage
from scl_pipeline.lib.network.person_metrics import person_metrics
from scl_pipeline.lib.network.roles import assign_roles
from scl_pipeline.lib.network.snapshot import GraphSnapshot, build_snapshot
from scl_pipeline.lib.marts.person_wave_metrics import person_wave_table
from scl_pipeline_tests.helpers.staging import stage_ties


@dataclass(frozen=True)
class DemoLake:
    root: Path
    truth: dict
    snapshots: dict[str, GraphSnapshot]
    metrics: dict[str, pd.DataFrame]  # person_wave_metrics rows per wave
    roster: pd.DataFrame
    assignment: pd.DataFrame
    interactions: pd.DataFrame


def _snapshot(root: Path, wave: str) -> GraphSnapshot:
    folder = root / "waves" / wave
    hr = pd.read_csv(folder / "hr_export.csv", dtype=str, keep_default_na=False)
    survey = pd.read_csv(folder / "ona_survey.csv", dtype={"respondent_id": str, "nominee_id": str, "relation": str})
    nodes = hr[["employee_id", "country", "department", "level"]]
    return build_snapshot(nodes, stage_ties(nodes, survey), wave=wave)


def person_wave_rows(snap: GraphSnapshot, roster: pd.DataFrame) -> pd.DataFrame:
    """``marts.person_wave_metrics`` rows of the snapshot's wave, as the pipeline computes them."""
    wave = snap.wave
    metrics = person_metrics(snap)
    flags, _ = assign_roles(metrics, wave=wave)
    table = person_wave_table(snap, metrics, brokerage(snap), flags, roster).assign(wave=wave)
    return table


def read_demo_lake(root: Path, metrics_waves: list[str] | None = None) -> DemoLake:
    """Every wave's snapshot; person metrics of ``metrics_waves`` (default: every wave)."""
    truth = json.loads((root / "_demo_truth.json").read_text())
    roster = pd.read_csv(root / "program" / "participants.csv", dtype={"employee_id": str, "cohort": str})
    snapshots = {wave: _snapshot(root, wave) for wave in truth["waves"]}
    metrics = {w: person_wave_rows(snapshots[w], roster) for w in (truth["waves"] if metrics_waves is None else metrics_waves)}
    folder = root / "experiments" / truth["experiment_id"]
    assignment = pd.read_csv(folder / "assignment.csv", dtype=str).assign(experiment_id=truth["experiment_id"])
    interactions = pd.read_csv(folder / "interactions.csv", dtype=str).assign(experiment_id=truth["experiment_id"])
    return DemoLake(root, truth, snapshots, metrics, roster, assignment, interactions)
