"""``marts.roi``: the program's return per scenario at a wave after the baseline (SPEC §3b, docs/roi.md).

    bonds                   = new strong bonds since baseline (both ends present in both waves)
                              between key people (central connector or boundary spanner at the
                              baseline or now), among ``bonds_between``
    people_reached          = distinct people within ``reach_steps`` of a bond's ends in U now
    people_reached_weighted = sum over them of reach_decay ** (steps to the nearest bond end)
    value                   = people_reached_weighted x hours_finding_expertise_per_year
                              x loaded_hourly_cost x efficiency_gain x years
    program_cost            = the configured total, else participants x delivery_cost_per_participant
    cost                    = program_cost + participants x program_hours_per_participant x loaded_hourly_cost
    roi_multiple            = value / cost
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pandas as pd

from scl_pipeline.lib.impact.baseline import is_after
from scl_pipeline.lib.impact.bonds import bond_changes, distance_to_nearest
from scl_pipeline.lib.impact.participant_network import roster_ids
from scl_pipeline.lib.impact.roi_config import RoiAssumptions, ScenarioInputs
from scl_pipeline.lib.network.snapshot import NODE_ID, GraphSnapshot
from scl_pipeline.lib.waves import parse_wave

ROI_COLUMNS: tuple[str, ...] = (
    "wave", "baseline_wave", "scenario", "assumptions_version", "hours_finding_expertise_per_year",
    "loaded_hourly_cost", "currency", "efficiency_gain", "years", "reach_steps", "reach_decay",
    "bonds_between", "participants", "delivery_cost_per_participant", "program_hours_per_participant",
    "program_cost", "participant_time_cost", "bonds", "people_reached", "people_reached_weighted",
    "value", "cost", "roi_multiple",
)


def empty_roi() -> pd.DataFrame:
    return pd.DataFrame(columns=list(ROI_COLUMNS))


def key_people(current_metrics: pd.DataFrame, baseline_metrics: pd.DataFrame) -> pd.Index:
    """employee_ids who were central connectors or boundary spanners at the baseline or now."""
    ids = []
    for name, frame in (("current", current_metrics), ("baseline", baseline_metrics)):
        missing = [c for c in (NODE_ID, "central_connector", "boundary_spanner") if c not in frame.columns]
        if missing:
            raise ValueError(f"{name} wave person metrics: missing column(s) {missing} needed for the ROI bonds")
        key = frame["central_connector"].astype(bool) | frame["boundary_spanner"].astype(bool)
        ids.append(frame.loc[key.to_numpy(), NODE_ID].astype(str))
    return pd.Index(pd.concat(ids).unique())


def started_by(roster: pd.DataFrame, wave: str) -> pd.Index:
    """Roster ids whose cohort started by the end of ``wave``'s quarter (all when no start_date)."""
    if "start_date" not in roster.columns:
        return roster_ids(roster)
    start = pd.to_datetime(roster["start_date"], errors="coerce")
    year, quarter = parse_wave(wave)
    after_quarter = pd.Timestamp(year + quarter // 4, quarter % 4 * 3 + 1, 1)
    return roster_ids(roster[start.isna().to_numpy() | (start < after_quarter).to_numpy()])


def counted_bonds(
    current: GraphSnapshot, baseline: GraphSnapshot, key: pd.Index, participants: pd.Index, bonds_between: str
) -> pd.DataFrame:
    """New bonds (a, b) since baseline between key people, restricted by ``bonds_between``."""
    new = bond_changes(current, baseline, among=key).new
    a_in, b_in = new["a"].isin(participants), new["b"].isin(participants)
    if bonds_between == "participants":
        return new[a_in & b_in].reset_index(drop=True)
    if bonds_between == "participant_and_anyone":
        return new[a_in | b_in].reset_index(drop=True)
    return new


def scenario_row(
    inputs: ScenarioInputs, current: GraphSnapshot, bonds: pd.DataFrame, participants: int
) -> dict:
    """Bonds, reach, value, cost and ROI of one scenario's inputs."""
    ends = pd.unique(np.concatenate([bonds["a"].to_numpy(), bonds["b"].to_numpy()]))
    dist = distance_to_nearest(current, ends, inputs.reach_steps)
    within = dist <= inputs.reach_steps
    weighted = float(np.power(inputs.reach_decay, dist[within]).sum())
    value = (weighted * inputs.hours_finding_expertise_per_year * inputs.loaded_hourly_cost
             * inputs.efficiency_gain * inputs.years)
    program_cost = (inputs.program_cost if inputs.program_cost is not None
                    else participants * inputs.delivery_cost_per_participant)
    time_cost = participants * inputs.program_hours_per_participant * inputs.loaded_hourly_cost
    cost = program_cost + time_cost
    row = asdict(inputs)
    row.update(
        participants=participants, program_cost=program_cost, participant_time_cost=time_cost,
        bonds=len(bonds), people_reached=int(within.sum()), people_reached_weighted=weighted,
        value=value, cost=cost, roi_multiple=value / cost if cost > 0 else np.nan,
    )
    return row


def roi_table(
    current: GraphSnapshot,
    baseline: GraphSnapshot | None,
    current_metrics: pd.DataFrame,
    baseline_metrics: pd.DataFrame,
    roster: pd.DataFrame | None,
    assumptions: RoiAssumptions,
    *,
    wave: str | None = None,
    baseline_wave: str | None = None,
) -> pd.DataFrame:
    """``roi`` rows (one per scenario) of ``current`` against ``baseline``.

    Empty without a roster or baseline, or when the wave is not after the baseline.
    ``participants`` (who bore the cost) are the roster people whose cohort started by the end
    of the wave's quarter.
    """
    wave = wave if wave is not None else current.wave
    baseline_wave = baseline_wave if baseline_wave is not None else (baseline.wave if baseline is not None else None)
    ids = roster_ids(roster)
    if baseline is None or len(ids) == 0 or wave is None or baseline_wave is None:
        return empty_roi()
    if not is_after(wave, baseline_wave):
        return empty_roi()
    payers = started_by(roster, wave)
    key = key_people(current_metrics, baseline_metrics)
    rows = []
    for name, inputs in assumptions.scenarios.items():
        bonds = counted_bonds(current, baseline, key, ids, inputs.bonds_between)
        row = scenario_row(inputs, current, bonds, len(payers))
        row.update(wave=wave, baseline_wave=baseline_wave, scenario=name,
                   assumptions_version=assumptions.version, currency=assumptions.currency)
        rows.append(row)
    return pd.DataFrame(rows, columns=list(ROI_COLUMNS))
