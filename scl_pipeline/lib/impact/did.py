"""``marts.impact_did``: difference-in-differences of person metrics, participants against a control.

DiD(X) = (mean X_participants,w - mean X_participants,base) - (mean X_control,w - mean
X_control,base) over the people present in both waves with a value of X at both (SPEC §3b),
with a seeded percentile bootstrap (docs/impact.md). Every loaded wave w other than the baseline
has rows (the event study); a wave before the baseline compares two pre-program waves, a placebo
whose DiD should be near 0 when the groups moved alike before the program.

Controls: ``matched`` (the k nearest non-participants at the baseline, ``matching.py``; the
default), ``key_collaborators`` or ``non_participants``, or a given list of ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scl_pipeline.lib.impact.baseline import is_after
from scl_pipeline.lib.impact.matching import MatchSettings, Matching, match_controls
from scl_pipeline.lib.impact.stats import bootstrap_did, bootstrap_mean
from scl_pipeline.lib.network.snapshot import NODE_ID
from scl_pipeline.lib.small_groups import MIN_GROUP_SIZE

DID_METRICS: tuple[str, ...] = (
    "strong_in_degree", "cross_country_ties", "countries_reached", "betweenness", "constraint",
)
DID_COLUMNS: tuple[str, ...] = (
    "wave", "baseline_wave", "metric", "placebo", "control_group", "control_definition", "participants",
    "controls", "unmatched", "participants_baseline_mean", "participants_now_mean", "control_baseline_mean",
    "control_now_mean", "did", "ci_low", "ci_high", "draws", "seed", "small_group",
)
MIN_DRAWS = 2_000
DEFAULT_SEED = 20_210_701

MATCHED = "matched"
KEY_COLLABORATORS = "key_collaborators"
NON_PARTICIPANTS = "non_participants"
CONTROL_DEFINITIONS: dict[str, str] = {
    MATCHED: "the nearest non-participants at the baseline wave on its metrics and roles (Mahalanobis distance)",
    KEY_COLLABORATORS: "non-participants who were central connectors or boundary spanners at the baseline wave",
    NON_PARTICIPANTS: "all non-participants",
}
KEY_ROLES: tuple[str, ...] = ("central_connector", "boundary_spanner")


@dataclass(frozen=True)
class ControlGroup:
    """Who the participants are compared with: a named rule, or a given list of employee_ids.
    ``match`` configures the ``matched`` rule."""

    rule: str = MATCHED
    employee_ids: tuple[str, ...] | None = None
    description: str | None = None
    match: MatchSettings = field(default_factory=MatchSettings)

    @classmethod
    def of_ids(cls, ids: Iterable[str], description: str) -> ControlGroup:
        return cls(rule="list", employee_ids=tuple(str(i) for i in ids), description=description)

    @property
    def definition(self) -> str:
        if self.description is not None:
            return self.description
        if self.rule not in CONTROL_DEFINITIONS:
            raise ValueError(f"control rule {self.rule!r}: use one of {sorted(CONTROL_DEFINITIONS)} or of_ids()")
        if self.rule == MATCHED:
            m = self.match
            how = "with replacement" if m.replace else "without replacement"
            caliper = "no caliper" if m.caliper is None else f"caliper {m.caliper:g}"
            exact = f", exactly on {', '.join(m.exact)}" if m.exact else ""
            return f"{CONTROL_DEFINITIONS[MATCHED]}, {m.k} per participant {how}, {caliper}{exact}"
        return CONTROL_DEFINITIONS[self.rule]

    def members(self, baseline: pd.DataFrame) -> pd.Index:
        """employee_ids eligible as controls (participants are removed later); for ``matched``
        the candidates: everyone at the baseline."""
        ids = baseline[NODE_ID].astype(str)
        if self.employee_ids is not None:
            return pd.Index(self.employee_ids)
        if self.rule == KEY_COLLABORATORS:
            key = baseline["central_connector"].astype(bool) | baseline["boundary_spanner"].astype(bool)
            return pd.Index(ids[key.to_numpy()])
        if self.rule in (NON_PARTICIPANTS, MATCHED):
            return pd.Index(ids)
        raise ValueError(f"control rule {self.rule!r}: use one of {sorted(CONTROL_DEFINITIONS)} or of_ids()")

    def match_at(self, baseline: pd.DataFrame) -> Matching:
        """The matched controls of the baseline's participants among its non-participants."""
        flags = baseline["participant"].astype("boolean").fillna(False).astype(bool).to_numpy()
        ids = baseline[NODE_ID].astype(str)
        return match_controls(baseline, ids[flags], ids[~flags], self.match)


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
    matching: Matching | None = None,
    draws: int = MIN_DRAWS,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """``impact_did`` rows (one per metric) of ``current`` against ``baseline``.

    Both frames are ``person_wave_metrics`` rows of one wave each. Participants are the
    ``participant`` flag of ``current``; ``control`` picks the comparison group from the baseline
    frame (participants are never controls). A metric missing at either wave for a person
    (constraint of an isolate is NaN) leaves that person out of that metric only; ``participants``
    and ``controls`` count who was used. ``current`` may be a wave before the baseline: its rows
    are placebos (``placebo`` true). Empty frame when either wave has no rows, no participant is
    present in both, or the wave is the baseline itself (every difference is 0 by construction).

    ``matched``: the participants are those matched at the baseline (``matching``, computed from
    ``baseline`` when not given), each compared with the mean of its own controls; the control
    means weight each participant's controls equally, the interval resamples participants with
    their controls (Austin & Small 2014), and ``unmatched`` counts participants left out.
    """
    metrics = tuple(metrics)
    if draws < MIN_DRAWS:
        raise ValueError(f"draws={draws}: the interval needs at least {MIN_DRAWS} bootstrap draws")
    wave, baseline_wave = _wave_of(current, wave), _wave_of(baseline, baseline_wave)
    if current.empty or baseline.empty:
        return empty_did()
    if wave is not None and baseline_wave is not None and wave == baseline_wave:
        return empty_did()
    placebo = bool(wave is not None and baseline_wave is not None and is_after(baseline_wave, wave))
    _check(current, "current wave person metrics", (NODE_ID, "participant", *metrics))
    _check(baseline, "baseline wave person metrics", (NODE_ID, *metrics))
    if control.rule == KEY_COLLABORATORS and control.employee_ids is None:
        _check(baseline, "baseline wave person metrics", KEY_ROLES)
    if control.rule == MATCHED and control.employee_ids is None and matching is None:
        _check(baseline, "baseline wave person metrics", ("participant", *control.match.columns))
        matching = control.match_at(baseline)
    definition = control.definition

    now = _by_id(current)
    base = _by_id(baseline)
    people = now.index.intersection(base.index)
    is_participant = now.loc[people, "participant"].astype("boolean").fillna(False).astype(bool).to_numpy()
    if not is_participant.any():
        return empty_did()
    header = {"wave": wave, "baseline_wave": baseline_wave, "placebo": placebo,
              "control_group": control.rule, "control_definition": definition, "draws": draws, "seed": seed}

    rows = []
    for metric in metrics:
        before = pd.to_numeric(base.loc[people, metric], errors="coerce").to_numpy(np.float64)
        after = pd.to_numeric(now.loc[people, metric], errors="coerce").to_numpy(np.float64)
        known = ~np.isnan(before) & ~np.isnan(after)
        if matching is not None and control.rule == MATCHED and control.employee_ids is None:
            figures = _matched_figures(people, before, after, known, matching, draws, seed)
        else:
            eligible = control.members(baseline).astype(str)
            figures = _group_figures(is_participant & known, ~is_participant & people.isin(eligible) & known,
                                     before, after, draws, seed)
        rows.append({**header, "metric": metric, **figures})
    return pd.DataFrame(rows, columns=list(DID_COLUMNS))


def _by_id(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(**{NODE_ID: frame[NODE_ID].astype(str)}).set_index(NODE_ID)


def _figures(p_before: float, p_after: float, c_before: float, c_after: float, n_p: int, n_c: int) -> dict:
    return {
        "participants": n_p, "controls": n_c,
        "participants_baseline_mean": p_before, "participants_now_mean": p_after,
        "control_baseline_mean": c_before, "control_now_mean": c_after,
        "did": (p_after - p_before) - (c_after - c_before),
        "small_group": bool(n_p < MIN_GROUP_SIZE or n_c < MIN_GROUP_SIZE),
    }


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else np.nan


def _group_figures(treated: np.ndarray, controls: np.ndarray, before: np.ndarray, after: np.ndarray,
                   draws: int, seed: int) -> dict:
    """Two independent groups: means, DiD, and the interval resampling each group alone."""
    low, high = bootstrap_did(after[treated] - before[treated], after[controls] - before[controls], draws=draws, seed=seed)
    out = _figures(_mean(before[treated]), _mean(after[treated]), _mean(before[controls]), _mean(after[controls]),
                   int(treated.sum()), int(controls.sum()))
    return {**out, "unmatched": None, "ci_low": low, "ci_high": high}


def _matched_figures(people: pd.Index, before: np.ndarray, after: np.ndarray, known: np.ndarray, matching: Matching,
                     draws: int, seed: int) -> dict:
    """Matched sets: each used participant against the mean of its controls with a value."""
    position = pd.Series(np.arange(len(people)), index=people)
    pairs = matching.pairs
    p_pos = position.reindex(pairs["participant"].astype(str)).to_numpy()
    c_pos = position.reindex(pairs["control"].astype(str)).to_numpy()
    usable = ~np.isnan(p_pos) & ~np.isnan(c_pos)
    p_pos, c_pos = p_pos[usable].astype(np.int64), c_pos[usable].astype(np.int64)
    usable = known[p_pos] & known[c_pos]
    p_pos, c_pos = p_pos[usable], c_pos[usable]
    sets = pd.DataFrame({"p": p_pos, "c_before": before[c_pos], "c_after": after[c_pos]})
    per = sets.groupby("p", sort=True)[["c_before", "c_after"]].mean()
    who = per.index.to_numpy(np.int64)
    p_before, p_after = before[who], after[who]
    c_before, c_after = per["c_before"].to_numpy(), per["c_after"].to_numpy()
    out = _figures(_mean(p_before), _mean(p_after), _mean(c_before), _mean(c_after),
                   len(who), int(len(np.unique(c_pos))))
    low, high = bootstrap_mean((p_after - p_before) - (c_after - c_before), draws=draws, seed=seed)
    return {**out, "unmatched": matching.unmatched, "ci_low": low, "ci_high": high}
