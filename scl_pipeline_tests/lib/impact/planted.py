"""An organisation whose program effect is known: person_wave_metrics frames of three waves
(a pre-program wave, the baseline, a later wave) with a planted effect, a planted selection and
an optional planted pre-trend.

Selection: the more central a person at the baseline, the likelier a participant (as in an SCL
program, which picks key collaborators). Change: every person's metrics drift with their own
baseline value (central people gain ties faster), so comparing participants with everyone else
credits the program with that drift; the participants gain ``effect`` more on top. A matched
control, alike at the baseline, drifts alike: the DiD recovers ``effect``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scl_pipeline.lib.impact.did import DID_METRICS
from scl_pipeline.lib.impact.matching import MATCH_FLAGS

DRIFT = 0.3  # change per unit of a baseline metric above its mean, for everyone
PRE, BASE, LATER = "2020-Q3", "2020-Q4", "2021-Q4"


@dataclass(frozen=True)
class Planted:
    pre: pd.DataFrame
    baseline: pd.DataFrame
    later: pd.DataFrame
    effect: float
    pre_trend: float


def plant(effect: float, *, pre_trend: float = 0.0, people: int = 3000, seed: int = 1) -> Planted:
    """Three waves of person metrics; participants gain ``effect`` more than alike non-participants
    on every count metric between the baseline and the later wave, and had gained ``pre_trend``
    more between the pre-program wave and the baseline."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=people)  # latent centrality
    participant = rng.random(people) < 1 / (1 + np.exp(-(-3.2 + 1.4 * z)))
    base = pd.DataFrame({
        "employee_id": [f"P{i:05d}" for i in range(people)],
        "participant": participant,
        "strong_in_degree": rng.poisson(np.exp(1.2 + 0.45 * z)).astype(float),
        "cross_country_ties": rng.poisson(np.exp(-0.5 + 0.6 * z)).astype(float),
        "countries_reached": 0.0,
        "betweenness": np.exp(-7 + 0.8 * z + rng.normal(scale=0.3, size=people)),
        "constraint": np.clip(0.35 - 0.08 * z + rng.normal(scale=0.05, size=people), 0.02, 1.0),
    })
    base["countries_reached"] = np.minimum(base["cross_country_ties"], rng.poisson(np.exp(-0.7 + 0.5 * z)))
    for i, flag in enumerate(MATCH_FLAGS):
        base[flag] = z + rng.normal(scale=0.7, size=people) > 1.0 + 0.3 * i
    isolate = (base["strong_in_degree"] == 0) & (base["cross_country_ties"] == 0)
    base.loc[isolate, "constraint"] = np.nan  # as in person_wave_metrics: no constraint without a tie
    t = participant.astype(float)

    def shifted(gain: float, sign: float) -> pd.DataFrame:
        frame = base.copy()
        for metric in DID_METRICS:
            x = base[metric].to_numpy(float)
            scale = np.nanstd(x)
            drift = DRIFT * (x - np.nanmean(x)) + (gain * t + rng.normal(scale=1.0, size=people)) * scale
            frame[metric] = x + sign * drift
        return frame

    later = shifted(effect, +1.0)
    pre = shifted(pre_trend, -1.0)  # the baseline minus what happened before it
    return Planted(pre.assign(wave=PRE), base.assign(wave=BASE), later.assign(wave=LATER), effect, pre_trend)


def planted_did(planted: Planted, metric: str) -> float:
    """The planted effect on ``metric`` in its own units (effects are planted per SD)."""
    return planted.effect * float(np.nanstd(planted.baseline[metric].to_numpy(float)))
