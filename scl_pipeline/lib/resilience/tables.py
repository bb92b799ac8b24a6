"""The four resilience tables of one wave, for both scopes, and the headline for asset metadata.

Columns (documented in docs/metric_dictionary.md, "Resilience"): BRIDGE_CRITICALITY_COLUMNS,
RESILIENCE_SCENARIOS_COLUMNS, ROBUSTNESS_CURVE_COLUMNS, ROBUSTNESS_SUMMARY_COLUMNS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from scl_pipeline.lib.network.snapshot import GraphSnapshot
from scl_pipeline.lib.resilience.bridges import BRIDGE_COLUMNS, DEFAULT_CRITICAL_MIN_PEOPLE, bridge_criticality
from scl_pipeline.lib.resilience.curves import CURVE_COLUMNS, SUMMARY_COLUMNS, max_k_for, robustness_curves
from scl_pipeline.lib.resilience.scenario_file import ScenarioSpec
from scl_pipeline.lib.resilience.scenarios import (
    SCENARIO_COLUMNS, baseline_single_bridges, empty_scenarios,
    country_cross_country_holders, country_single_bridges, evaluate_removals, user_removals,
)
from scl_pipeline.lib.resilience.headline import bridge_headline, removal_headline
from scl_pipeline.lib.resilience.scopes import ORGANISATION, SCOPES, ScopeGraph, wave_scopes

_KEYS = ("wave", "scope")
BRIDGE_CRITICALITY_COLUMNS = _KEYS + BRIDGE_COLUMNS
RESILIENCE_SCENARIOS_COLUMNS = _KEYS + SCENARIO_COLUMNS
ROBUSTNESS_CURVE_COLUMNS = _KEYS + CURVE_COLUMNS
ROBUSTNESS_SUMMARY_COLUMNS = _KEYS + SUMMARY_COLUMNS
MIN_RANDOM_DRAWS = 20


@dataclass(frozen=True)
class ResilienceConfig:
    """critical_min_people: people cut off that make a bridge critical (SPEC §3b).
    max_k_share / max_k: curves run to k = ceil(max_k_share x scope people), or max_k if set.
    random_draws: seeded random orders (>= 20); seed: their seed."""

    critical_min_people: int = DEFAULT_CRITICAL_MIN_PEOPLE
    max_k_share: float = 0.05
    max_k: int | None = None
    random_draws: int = MIN_RANDOM_DRAWS
    seed: int = 20_210_701

    def __post_init__(self) -> None:
        if self.critical_min_people < 1:
            raise ValueError(f"critical_min_people must be >= 1, got {self.critical_min_people}")
        if not 0 < self.max_k_share <= 1:
            raise ValueError(f"max_k_share must be in (0, 1], got {self.max_k_share}")
        if self.max_k is not None and self.max_k < 0:
            raise ValueError(f"max_k must be >= 0, got {self.max_k}")
        if self.random_draws < MIN_RANDOM_DRAWS:
            raise ValueError(f"random_draws must be >= {MIN_RANDOM_DRAWS} for a 5-95% spread, got {self.random_draws}")


@dataclass(frozen=True)
class WaveResilience:
    """The four tables of one wave, the headline for metadata, and per (scope, scenario) the
    ids a scenario named that are not in that scope (for the run log)."""

    bridge_criticality: pd.DataFrame
    resilience_scenarios: pd.DataFrame
    robustness_curve: pd.DataFrame
    robustness_summary: pd.DataFrame
    headline: dict
    missing_ids: dict[tuple[str, str], list[str]]


@dataclass(frozen=True)
class WaveRemovals:
    """Scenarios and robustness curves of one wave (everything but the bridge table)."""

    resilience_scenarios: pd.DataFrame
    robustness_curve: pd.DataFrame
    robustness_summary: pd.DataFrame
    missing_ids: dict[tuple[str, str], list[str]]


def _keyed(frame: pd.DataFrame, wave: str | None, scope: str, columns: tuple[str, ...]) -> pd.DataFrame:
    out = frame.copy()
    out.insert(0, "scope", scope)
    out.insert(0, "wave", wave)
    return out[list(columns)]


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    # A scope with no rows (e.g. no participant present) must not decide the column dtypes.
    rows = [f for f in frames if len(f)]
    return pd.concat(rows, ignore_index=True) if rows else frames[0].reset_index(drop=True)


def scope_betweenness(scope: ScopeGraph, organisation_betweenness: pd.Series | None) -> np.ndarray:
    """Betweenness positional in ``scope``: the organisation's per-person values (indexed by
    employee_id) for the organisation scope; computed exactly on the scope graph itself for
    the participants (small), normalised as networkx does."""
    if scope.name != ORGANISATION:
        raw = np.asarray(scope.graph.betweenness(directed=False), dtype=np.float64)
        n = scope.n
        return raw / ((n - 1) * (n - 2) / 2) if n > 2 else raw  # normalised as SPEC §2
    if organisation_betweenness is None:
        raise ValueError("organisation betweenness is required for the organisation scope")
    values = organisation_betweenness.copy()
    values.index = values.index.astype(str)
    aligned = values.reindex(scope.employee_id)
    if aligned.isna().any():
        absent = list(scope.employee_id[aligned.isna().to_numpy()][:10])
        raise ValueError(f"organisation betweenness: no value for employee_id(s) {absent} of the wave")
    return aligned.to_numpy(dtype=np.float64)


def baseline_bridge_ids(bridge_table: pd.DataFrame) -> dict[str, list[str]]:
    """Per scope, the single bridges (every articulation point) of a bridge_criticality table:
    pass the baseline wave's rows to :func:`wave_resilience` of later waves."""
    return {scope: sorted(bridge_table.loc[bridge_table["scope"] == scope, "employee_id"].astype(str))
            for scope in SCOPES}


def wave_bridges(
    snapshot: GraphSnapshot, participant_ids: Iterable, critical_min_people: int = DEFAULT_CRITICAL_MIN_PEOPLE,
    wave: str | None = None,
) -> pd.DataFrame:
    """bridge_criticality of one wave for both scopes (BRIDGE_CRITICALITY_COLUMNS)."""
    wave = wave if wave is not None else snapshot.wave
    return _stack([_keyed(bridge_criticality(scope, critical_min_people), wave, name, BRIDGE_CRITICALITY_COLUMNS)
                   for name, scope in wave_scopes(snapshot, participant_ids).items()])


def wave_removals(
    snapshot: GraphSnapshot,
    participant_ids: Iterable,
    organisation_betweenness: pd.Series,
    baseline_bridges: Mapping[str, Iterable[str]] | None = None,
    user_scenarios: Sequence[ScenarioSpec] | None = None,
    settings: ResilienceConfig = ResilienceConfig(),
    wave: str | None = None,
) -> WaveRemovals:
    """resilience_scenarios, robustness_curve and robustness_summary of one wave for both
    scopes. ``organisation_betweenness``: betweenness per person indexed by employee_id (the
    person metrics'); ``baseline_bridges``: per scope, the ids that were single bridges at the
    baseline wave (None: no such scenario, e.g. before a baseline exists)."""
    wave = wave if wave is not None else snapshot.wave
    parts: dict[str, list[pd.DataFrame]] = {"scenarios": [], "curve": [], "summary": []}
    missing: dict[tuple[str, str], list[str]] = {}
    for name, scope in wave_scopes(snapshot, participant_ids).items():
        betweenness = scope_betweenness(scope, organisation_betweenness)
        removals = country_cross_country_holders(scope) + country_single_bridges(scope)
        if baseline_bridges is not None and name in baseline_bridges:
            removals.append(baseline_single_bridges(baseline_bridges[name]))
        removals += user_removals(scope, user_scenarios or (), betweenness)
        table, absent = evaluate_removals(scope, removals)
        parts["scenarios"].append(_keyed(table, wave, name, RESILIENCE_SCENARIOS_COLUMNS))
        missing.update({(name, scenario): ids for scenario, ids in absent.items()})
        max_k = max_k_for(scope.n, settings.max_k_share, settings.max_k)
        curve, summary = robustness_curves(scope, betweenness, max_k, settings.random_draws, settings.seed)
        parts["curve"].append(_keyed(curve, wave, name, ROBUSTNESS_CURVE_COLUMNS))
        parts["summary"].append(_keyed(summary, wave, name, ROBUSTNESS_SUMMARY_COLUMNS))
    scenarios, curve, summary = (_stack(parts[k]) for k in ("scenarios", "curve", "summary"))
    return WaveRemovals(scenarios, curve, summary, missing)


def baseline_scenarios(
    snapshots: Iterable[tuple[str, GraphSnapshot]], participant_ids: Iterable,
    baseline_bridges: Mapping[str, Iterable[str]],
) -> pd.DataFrame:
    """Only the ``baseline_single_bridges`` rows (RESILIENCE_SCENARIOS_COLUMNS) of each
    (wave, snapshot), per scope in ``baseline_bridges``: what a cross-wave step evaluates once
    the baseline wave's bridges are known. Ids not in a scope count in ``missing_people``."""
    participant_ids = list(participant_ids)
    frames = [_keyed(empty_scenarios(), None, ORGANISATION, RESILIENCE_SCENARIOS_COLUMNS)]
    for wave, snapshot in snapshots:
        for name, scope in wave_scopes(snapshot, participant_ids).items():
            if name in baseline_bridges:
                table, _ = evaluate_removals(scope, [baseline_single_bridges(baseline_bridges[name])])
                frames.append(_keyed(table, wave, name, RESILIENCE_SCENARIOS_COLUMNS))
    return _stack(frames)


def wave_resilience(
    snapshot: GraphSnapshot,
    participant_ids: Iterable,
    organisation_betweenness: pd.Series,
    baseline_bridges: Mapping[str, Iterable[str]] | None = None,
    user_scenarios: Sequence[ScenarioSpec] | None = None,
    settings: ResilienceConfig = ResilienceConfig(),
    wave: str | None = None,
) -> WaveResilience:
    """All four tables of one wave for both scopes (:func:`wave_bridges` and
    :func:`wave_removals`) and their headline."""
    participant_ids = list(participant_ids)
    bridges = wave_bridges(snapshot, participant_ids, settings.critical_min_people, wave)
    rest = wave_removals(snapshot, participant_ids, organisation_betweenness, baseline_bridges, user_scenarios,
                         settings, wave)
    headline = {**bridge_headline(bridges), **removal_headline(rest.resilience_scenarios, rest.robustness_summary)}
    return WaveResilience(bridges, rest.resilience_scenarios, rest.robustness_curve, rest.robustness_summary,
                          headline, rest.missing_ids)
