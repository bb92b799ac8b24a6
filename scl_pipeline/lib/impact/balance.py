"""``marts.impact_balance``: were participants and controls alike at the baseline?

Per wave, control definition and baseline covariate: the participants' and the controls' mean at
the baseline, over the people present at the baseline and at the wave (the people the wave's
DiD compares), and the standardised mean difference (SMD) before matching (participants against
every non-participant) and after (against the definition's controls; matched controls weighted so
that each participant's controls weigh 1 together).

SMD = (mean_participants - mean_controls) / sqrt((var_participants + var_non_participants) / 2),
the denominator from the samples before matching and the same after, so a change of SMD is a
change of means only (Stuart 2010; Austin 2009). |SMD| > 0.1 is flagged ``imbalanced``, the
usual threshold. Missing values (constraint of an isolate) are left out of that covariate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from scl_pipeline.lib.impact.did import MATCHED, ControlGroup
from scl_pipeline.lib.impact.matching import MATCH_COVARIATES, Matching
from scl_pipeline.lib.network.snapshot import NODE_ID
from scl_pipeline.lib.small_groups import MIN_GROUP_SIZE

SMD_THRESHOLD = 0.1
BALANCE_COLUMNS: tuple[str, ...] = (
    "wave", "baseline_wave", "control_group", "control_definition", "covariate", "participants", "controls",
    "participants_mean", "non_participants_mean", "controls_mean", "smd_before", "smd_after", "imbalanced",
    "small_group",
)


def empty_balance() -> pd.DataFrame:
    return pd.DataFrame(columns=list(BALANCE_COLUMNS))


def _values(frame: pd.DataFrame, column: str) -> np.ndarray:
    return pd.to_numeric(frame[column].astype("Float64"), errors="coerce").astype(np.float64).to_numpy()


def _mean(values: np.ndarray) -> float:
    return float(np.nanmean(values)) if (~np.isnan(values)).any() else np.nan


def _pooled_sd(treated: np.ndarray, others: np.ndarray) -> float:
    if (~np.isnan(treated)).sum() < 2 or (~np.isnan(others)).sum() < 2:
        return np.nan
    return float(np.sqrt((np.nanvar(treated, ddof=1) + np.nanvar(others, ddof=1)) / 2))


def _weighted(values: np.ndarray, weights: np.ndarray) -> float:
    known = ~np.isnan(values) & (weights > 0)
    return float(np.average(values[known], weights=weights[known])) if known.any() else np.nan


def smd(mean_treated: float, mean_control: float, sd_pooled: float) -> float:
    """Standardised mean difference; 0 when both means agree, NaN when they differ and the
    covariate does not vary (no scale to measure the difference on)."""
    if np.isnan(mean_treated) or np.isnan(mean_control):
        return np.nan
    if mean_treated == mean_control:
        return 0.0
    return (mean_treated - mean_control) / sd_pooled if sd_pooled > 0 else np.nan


def control_weights(
    rule: ControlGroup, baseline: pd.DataFrame, present: pd.Index, participants: pd.Index, matching: Matching | None
) -> tuple[pd.Index, pd.Series]:
    """(participants used, control id -> weight) among ``present`` people for ``rule``."""
    if rule.rule == MATCHED and rule.employee_ids is None:
        if matching is None:
            raise ValueError("balance of the matched controls needs the matching")
        pairs = matching.pairs[matching.pairs["participant"].isin(present) & matching.pairs["control"].isin(present)]
        share = 1.0 / pairs.groupby("participant")["control"].transform("size")
        return pd.Index(pairs["participant"].unique()), share.groupby(pairs["control"]).sum()
    eligible = rule.members(baseline).astype(str)
    controls = present[present.isin(eligible) & ~present.isin(participants)]
    return participants, pd.Series(1.0, index=controls)


def impact_balance(
    baseline: pd.DataFrame,
    present: Iterable[str],
    *,
    wave: str,
    baseline_wave: str,
    controls: Mapping[str, ControlGroup],
    matching: Matching | None = None,
    covariates: Iterable[str] = MATCH_COVARIATES,
) -> pd.DataFrame:
    """Balance rows of one wave: ``baseline`` is the baseline's person_wave_metrics, ``present``
    the ids present at the baseline and at ``wave``, ``controls`` the definitions by name."""
    rows_by_id = baseline.assign(**{NODE_ID: baseline[NODE_ID].astype(str)}).drop_duplicates(NODE_ID).set_index(NODE_ID)
    present = pd.Index([str(p) for p in present]).unique()
    present = present[present.isin(rows_by_id.index)]
    flags = rows_by_id.loc[present, "participant"].astype("boolean").fillna(False).astype(bool).to_numpy()
    participants, others = present[flags], present[~flags]
    if participants.empty:
        return empty_balance()
    covariates = tuple(covariates)
    treated_all = rows_by_id.loc[participants]
    others_rows = rows_by_id.loc[others]
    rows = []
    for name, rule in controls.items():
        used, weights = control_weights(rule, baseline, present, participants, matching)
        treated, matched = rows_by_id.loc[used], rows_by_id.loc[weights.index]
        for covariate in covariates:
            t_all, n_all = _values(treated_all, covariate), _values(others_rows, covariate)
            sd = _pooled_sd(t_all, n_all)
            mean_t = _mean(_values(treated, covariate))
            mean_c = _weighted(_values(matched, covariate), weights.to_numpy(np.float64))
            after = smd(mean_t, mean_c, sd)
            rows.append({
                "wave": wave, "baseline_wave": baseline_wave, "control_group": name,
                "control_definition": rule.definition, "covariate": covariate,
                "participants": len(used), "controls": len(weights),
                "participants_mean": mean_t, "non_participants_mean": _mean(n_all), "controls_mean": mean_c,
                "smd_before": smd(_mean(t_all), _mean(n_all), sd), "smd_after": after,
                # No control with a value, or a difference on a covariate that does not vary: not balanced.
                "imbalanced": bool(np.isnan(after) or abs(after) > SMD_THRESHOLD),
                "small_group": bool(len(used) < MIN_GROUP_SIZE or len(weights) < MIN_GROUP_SIZE),
            })
    return pd.DataFrame(rows, columns=list(BALANCE_COLUMNS))
