"""The impact marts over every loaded wave, from loaders: what the cross-wave assets call.

Each builder takes the loaded waves, the roster and the baseline choice (:class:`ProgramWaves`),
reads one wave's snapshot at a time through a loader (never all waves at once) and returns a
:class:`MartRows`: the typed rows and, when they are empty, the reason in words (no roster, no
baseline, no later wave, no experiment), shown on the materialisation instead of an error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from scl_pipeline.lib.impact.baseline import BaselineChoice, is_after, resolve_baseline
from scl_pipeline.lib.impact.config import ImpactConfig
from scl_pipeline.lib.impact.balance import empty_balance, impact_balance
from scl_pipeline.lib.impact.did import CONTROL_DEFINITIONS, DID_METRICS, MATCHED, ControlGroup, empty_did, impact_did
from scl_pipeline.lib.ingestion.experiment_log import PROBLEM_COLUMNS, split_experiment_log
from scl_pipeline.lib.impact.kbis import CONNECTIVITY, DEFAULT_E, empty_kbis, experiment_kbis
from scl_pipeline.lib.impact.matching import Matching
from scl_pipeline.lib.impact.participant_network import empty_participant_network, participant_network, roster_ids
from scl_pipeline.lib.impact.roi import ROI_COLUMNS, roi_table
from scl_pipeline.lib.impact.roi_config import RoiAssumptions
from scl_pipeline.lib.impact.schemas import typed
from scl_pipeline.lib.network.snapshot import NODE_ID, GraphSnapshot
from scl_pipeline.lib.network.wave_graphs import WaveSnapshots
from scl_pipeline.lib.waves import parse_wave

SnapshotLoader = Callable[[str], GraphSnapshot]
KEY_ROLE_COLUMNS: tuple[str, ...] = (NODE_ID, "participant", "central_connector", "boundary_spanner")
# The person_wave_metrics columns impact_did and roi read (impact_did: did_input_columns).
DID_INPUT_COLUMNS: tuple[str, ...] = (*KEY_ROLE_COLUMNS, *DID_METRICS)
ROI_INPUT_COLUMNS: tuple[str, ...] = KEY_ROLE_COLUMNS


@dataclass(frozen=True)
class MartRows:
    rows: pd.DataFrame
    note: str | None = None  # why the rows are empty (or partial), in words
    # No wave is loaded at all (lib/warehouse/nothing_to_measure.py): ``note`` says so.
    nothing_to_measure: bool = False

    def emptied(self, reason: str) -> MartRows:
        """No rows (the same columns and types), with ``reason`` as the nothing-to-measure note."""
        return MartRows(self.rows.iloc[0:0], reason, nothing_to_measure=True)


@dataclass(frozen=True)
class ProgramWaves:
    """The waves the impact marts compare, the roster, and the baseline chosen among them."""

    waves: tuple[str, ...]
    roster: pd.DataFrame
    baseline: BaselineChoice

    @classmethod
    def of(cls, waves, roster: pd.DataFrame | None, config: ImpactConfig) -> ProgramWaves:
        ordered = tuple(sorted(set(waves), key=parse_wave))
        roster = roster if roster is not None else pd.DataFrame(columns=[NODE_ID])
        return cls(ordered, roster, resolve_baseline(ordered, roster, config.baseline_wave))

    @property
    def later_waves(self) -> tuple[str, ...]:
        """The waves after the baseline (none without a baseline)."""
        base = self.baseline.wave
        return () if base is None else tuple(w for w in self.waves if is_after(w, base))

    @property
    def event_waves(self) -> tuple[str, ...]:
        """Every loaded wave when there is a baseline (the event study: each against the
        baseline, those before it placebos), none otherwise."""
        return () if self.baseline.wave is None else self.waves

    @property
    def compared_waves(self) -> tuple[str, ...]:
        """The baseline and the waves after it: what impact_did and roi read."""
        return () if self.baseline.wave is None else (self.baseline.wave, *self.later_waves)

    def why_no_comparison(self) -> str | None:
        """Why impact_did and roi have no rows, or None when there is a wave to compare."""
        if not self.waves:
            return "no wave has person metrics yet: run the waves first"
        if self.baseline.wave is None:
            return self.baseline.reason
        if not self.later_waves:
            return f"no loaded wave after the baseline {self.baseline.wave} yet ({self.baseline.reason})"
        return None


def participant_network_rows(program: ProgramWaves, load: SnapshotLoader) -> MartRows:
    """``participant_network`` of every loaded wave."""
    empty = typed(empty_participant_network(), "participant_network")
    if len(roster_ids(program.roster)) == 0:
        return MartRows(empty, program.baseline.reason)
    if not program.waves:
        return MartRows(empty, "no wave has person metrics yet: run the waves first")
    rows = participant_network(WaveSnapshots(program.waves, load), program.roster, program.baseline.wave)
    note = None if program.baseline.wave is not None else f"no comparison with a baseline: {program.baseline.reason}"
    if rows.empty:
        note = "no roster participant is in any loaded wave's population"
    return MartRows(typed(rows, "participant_network"), note)


def did_input_columns(config: ImpactConfig) -> tuple[str, ...]:
    """The person_wave_metrics columns impact_did and impact_balance read."""
    return tuple(dict.fromkeys((*DID_INPUT_COLUMNS, *config.matching.columns)))


def program_matching(program: ProgramWaves, metrics: Mapping[str, pd.DataFrame], config: ImpactConfig) -> Matching | None:
    """The matched controls at the baseline (once for every wave); None without a baseline."""
    if program.baseline.wave is None:
        return None
    return ControlGroup(MATCHED, match=config.matching).match_at(metrics[program.baseline.wave])


def impact_did_rows(
    program: ProgramWaves, metrics: Mapping[str, pd.DataFrame], config: ImpactConfig, matching: Matching | None = None
) -> MartRows:
    """``impact_did`` of every wave against the baseline (later waves, and earlier ones as
    placebos); ``metrics`` holds person_wave_metrics (:func:`did_input_columns`) of
    :attr:`ProgramWaves.event_waves`. ``matching``: the baseline's matched controls when
    already computed."""
    why = program.why_no_comparison()
    if why is not None:
        return MartRows(typed(empty_did(), "impact_did"), why)
    base = program.baseline.wave
    if matching is None and config.control_group == MATCHED:
        matching = program_matching(program, metrics, config)
    parts = [
        impact_did(metrics[w], metrics[base], wave=w, baseline_wave=base, control=config.control, matching=matching,
                   draws=config.bootstrap_draws, seed=config.bootstrap_seed)
        for w in program.event_waves if w != base
    ]
    rows = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else empty_did()
    notes = []
    if not len(rows):
        notes.append(f"no participant present both at the baseline {base} and later")
    if config.control_group == MATCHED and matching is not None and matching.unmatched:
        notes.append(f"{matching.unmatched} of {matching.participants} participants have no acceptable match "
                     f"(caliper {config.match_caliper}) and are left out of the matched comparison")
    return MartRows(typed(rows, "impact_did"), "; ".join(notes) or None)


def impact_balance_rows(
    program: ProgramWaves, metrics: Mapping[str, pd.DataFrame], config: ImpactConfig, matching: Matching | None = None
) -> MartRows:
    """``impact_balance`` of the baseline and every other loaded wave (the people present at
    both), for the three control definitions; ``metrics`` as for :func:`impact_did_rows`."""
    why = program.why_no_comparison()
    if why is not None:
        return MartRows(typed(empty_balance(), "impact_balance"), why)
    base = program.baseline.wave
    matching = matching if matching is not None else program_matching(program, metrics, config)
    controls = {rule: ControlGroup(rule, match=config.matching) for rule in CONTROL_DEFINITIONS}
    baseline_ids = metrics[base][NODE_ID].astype(str)
    parts = []
    for w in program.event_waves:
        present = baseline_ids[baseline_ids.isin(metrics[w][NODE_ID].astype(str))]
        parts.append(impact_balance(metrics[base], present, wave=w, baseline_wave=base, controls=controls,
                                    matching=matching, covariates=config.matching.covariates))
    rows = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else empty_balance()
    notes = []
    if matching is not None and matching.unmatched:
        notes.append(f"{matching.unmatched} of {matching.participants} participants have no acceptable match "
                     f"(caliper {config.match_caliper}): left out of the matched rows")
    imbalanced = rows[(rows["control_group"] == config.control_group) & (rows["wave"] == base)
                      & rows["imbalanced"].astype(bool)] if len(rows) else rows
    if len(imbalanced):
        notes.append(f"not balanced at the baseline ({config.control_group}): "
                     + ", ".join(imbalanced["covariate"].astype(str)))
    return MartRows(typed(rows, "impact_balance"), "; ".join(notes) or None)


def roi_rows(
    program: ProgramWaves, load: SnapshotLoader, metrics: Mapping[str, pd.DataFrame], assumptions: RoiAssumptions
) -> MartRows:
    """``roi`` of every wave after the baseline and every scenario; ``metrics`` holds
    person_wave_metrics (ROI_INPUT_COLUMNS) of :attr:`ProgramWaves.compared_waves`."""
    why = program.why_no_comparison()
    empty = pd.DataFrame(columns=list(ROI_COLUMNS))
    if why is not None:
        return MartRows(typed(empty, "roi"), why)
    base = program.baseline.wave
    baseline = load(base)
    parts = [
        roi_table(load(w), baseline, metrics[w], metrics[base], program.roster, assumptions, wave=w, baseline_wave=base)
        for w in program.later_waves
    ]
    rows = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else empty
    return MartRows(typed(rows, "roi"))


def experiment_kbi_rows(
    assignment: pd.DataFrame, interactions: pd.DataFrame, waves: tuple[str, ...], load: SnapshotLoader, k: int,
    e: int = DEFAULT_E,
) -> tuple[MartRows, pd.DataFrame]:
    """``experiment_kbis`` of every loaded experiment, and the log's problem rows (ingestion
    quarantines them before loading, so normally none: any found here is reported, not hidden)."""
    if assignment.empty:
        note = "no experiment has landed (landing/experiments/<experiment_id>/assignment.csv and interactions.csv)"
        return MartRows(typed(empty_kbis(), "experiment_kbis"), note), pd.DataFrame(columns=list(PROBLEM_COLUMNS))
    problems = split_experiment_log(assignment, interactions).problems
    rows = experiment_kbis(assignment, interactions, lambda w: load(w) if w in waves else None, waves=waves, k=k, e=e)
    unknown = (rows["indicator"] == CONNECTIVITY) & rows["count"].isna()
    unreferenced = sorted(set(rows.loc[unknown, "experiment_id"]))
    note = None
    if unreferenced:
        note = (f"building_connectivity is empty for {unreferenced}: no loaded wave ended before the experiment began "
                "(its neighbours are unknown)")
    return MartRows(typed(rows, "experiment_kbis"), note), problems
