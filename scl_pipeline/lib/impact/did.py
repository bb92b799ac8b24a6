"""``marts.impact_did``: difference-in-differences of person metrics, participants against a control.

DiD(X) = (mean X_participants,now - mean X_participants,base) - (mean X_control,now - mean
X_control,base) over the people present in both waves with a value of X at both (SPEC §3b),
with a seeded percentile bootstrap over people (docs/impact.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scl_pipeline.lib.impact.baseline import is_after
from scl_pipeline.lib.impact.stats import SMALL_GROUP, bootstrap_did
from scl_pipeline.lib.network.snapshot import NODE_ID

DID_METRICS: tuple[str, ...] = (
    "strong_in_degree", "cross_country_ties", "countries_reached", "betweenness", "constraint",
)
DID_COLUMNS: tuple[str, ...] = (
    "wave", "baseline_wave", "metric", "control_definition", "participants", "controls",
    "participants_baseline_mean", "participants_now_mean", "control_baseline_mean",
    "control_now_mean", "did", "ci_low", "ci_high", "draws", "seed", "small_group",
)
MIN_DRAWS = 2_000
DEFAULT_SEED = 20_210_701

KEY_COLLABORATORS = "key_collaborators"
NON_PARTICIPANTS = "non_participants"
CONTROL_DEFINITIONS: dict[str, str] = {
    KEY_COLLABORATORS: "non-participants who were central connectors or boundary spanners at the baseline wave",
    NON_PARTICIPANTS: "all non-participants",
}


@dataclass(frozen=True)
class ControlGroup:
    """Who the participants are compared with: a named rule, or a given list of employee_ids."""

    rule: str = KEY_COLLABORATORS
    employee_ids: tuple[str, ...] | None = None
    description: str | None = None

    @classmethod
    def of_ids(cls, ids: Iterable[str], description: str) -> ControlGroup:
        return cls(rule="list", employee_ids=tuple(str(i) for i in ids), description=description)

    @property
    def definition(self) -> str:
        if self.description is not None:
            return self.description
        if self.rule not in CONTROL_DEFINITIONS:
            raise ValueError(f"control rule {self.rule!r}: use one of {sorted(CONTROL_DEFINITIONS)} or of_ids()")
        return CONTROL_DEFINITIONS[self.rule]

    def members(self, baseline: pd.DataFrame) -> pd.Index:
        """employee_ids eligible as controls (participants are removed later)."""
        ids = baseline[NODE_ID].astype(str)
        if self.employee_ids is not None:
            return pd.Index(self.employee_ids)
        if self.rule == KEY_COLLABORATORS:
            key = baseline["central_connector"].astype(bool) | baseline["boundary_spanner"].astype(bool)
            return pd.Index(ids[key.to_numpy()])
        if self.rule == NON_PARTICIPANTS:
            return pd.Index(ids)
        raise ValueError(f"control rule {self.rule!r}: use one of {sorted(CONTROL_DEFINITIONS)} or of_ids()")


def empty_did() -> pd.DataFrame:
    return pd.DataFrame(columns=list(DID_COLUMNS))


def _check(frame: pd.DataFrame, name: str, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {missing} needed for the difference-in-differences")


def _wave_of(frame: pd.DataFrame, given: str | None) -> str | None:
    if given is not None or "wave" not in frame.columns or frame.empty:
        return given
    waves = frame["wave"].dropna().unique()
    if len(waves) > 1:
        raise ValueError(f"person metrics of several waves {sorted(waves)[:5]} given as one wave")
    return str(waves[0]) if len(waves) else None


def impact_did(
    current: pd.DataFrame,
    baseline: pd.DataFrame,
    *,
    wave: str | None = None,
    baseline_wave: str | None = None,
    metrics: Iterable[str] = DID_METRICS,
    control: ControlGroup = ControlGroup(),
    draws: int = MIN_DRAWS,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """``impact_did`` rows (one per metric) of ``current`` against ``baseline``.

    Both frames are ``person_wave_metrics`` rows of one wave each. Participants are the
    ``participant`` flag of ``current``; ``control`` picks the comparison group from the baseline
    frame (participants are never controls). A metric missing at either wave for a person
    (constraint of an isolate is NaN) leaves that person out of that metric only; ``participants``
    and ``controls`` count who was used. Empty frame when either wave has no rows, no participant
    is present in both, or the wave is not after the baseline (at the baseline itself every
    difference is 0 by construction).
    """
    metrics = tuple(metrics)
    if draws < MIN_DRAWS:
        raise ValueError(f"draws={draws}: the interval needs at least {MIN_DRAWS} bootstrap draws")
    wave, baseline_wave = _wave_of(current, wave), _wave_of(baseline, baseline_wave)
    if current.empty or baseline.empty:
        return empty_did()
    if wave is not None and baseline_wave is not None and not is_after(wave, baseline_wave):
        return empty_did()
    _check(current, "current wave person metrics", (NODE_ID, "participant", *metrics))
    _check(baseline, "baseline wave person metrics", (NODE_ID, *metrics))
    if control.rule == KEY_COLLABORATORS and control.employee_ids is None:
        _check(baseline, "baseline wave person metrics", ("central_connector", "boundary_spanner"))
    definition, eligible = control.definition, control.members(baseline)

    now = current.assign(**{NODE_ID: current[NODE_ID].astype(str)}).set_index(NODE_ID)
    base = baseline.assign(**{NODE_ID: baseline[NODE_ID].astype(str)}).set_index(NODE_ID)
    people = now.index.intersection(base.index)
    is_participant = now.loc[people, "participant"].fillna(False).astype(bool).to_numpy()
    is_control = ~is_participant & people.isin(eligible.astype(str))
    if not is_participant.any():
        return empty_did()

    rows = []
    for metric in metrics:
        before = pd.to_numeric(base.loc[people, metric], errors="coerce").to_numpy(np.float64)
        after = pd.to_numeric(now.loc[people, metric], errors="coerce").to_numpy(np.float64)
        known = ~np.isnan(before) & ~np.isnan(after)
        treated, controls = is_participant & known, is_control & known
        low, high = bootstrap_did(after[treated] - before[treated], after[controls] - before[controls], draws=draws, seed=seed)
        means = [float(x[g].mean()) if g.any() else np.nan for g in (treated, controls) for x in (before, after)]
        did = (means[1] - means[0]) - (means[3] - means[2])
        rows.append({
            "wave": wave, "baseline_wave": baseline_wave, "metric": metric, "control_definition": definition,
            "participants": int(treated.sum()), "controls": int(controls.sum()),
            "participants_baseline_mean": means[0], "participants_now_mean": means[1],
            "control_baseline_mean": means[2], "control_now_mean": means[3],
            "did": did, "ci_low": low, "ci_high": high, "draws": draws, "seed": seed,
            "small_group": bool(treated.sum() < SMALL_GROUP or controls.sum() < SMALL_GROUP),
        })
    return pd.DataFrame(rows, columns=list(DID_COLUMNS))
