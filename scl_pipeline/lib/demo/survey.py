"""Survey waves: latent working relationships and the nominations drawn from them each wave.

Each person has 7-13 latent colleagues: mostly in the same country and department (chosen in
proportion to their popularity, which makes central connectors), some elsewhere in the country,
about one in ten abroad, plus often their manager. A wave's respondent names each latent colleague
with probability ``NAME_PROBABILITY``, so relationships persist across waves with churn, and the
strength wobbles by one step now and then.

Cross-country relationships are capped below the strong threshold (at most 3) unless they are
*pinned*: the planted bridge ties. That keeps strong cross-country ties exclusively where the
story plants them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scl_pipeline.lib.demo.organisation import Organisation
from scl_pipeline.lib.ingestion.contract import DEFAULT_RELATION, ONA_SURVEY

STRONG = 4  # SPEC §2 default strong_threshold
WEAK_CAP = STRONG - 1
NAME_PROBABILITY = 0.78
RESPONSE_RATE = 0.80
STRENGTH_WOBBLE = 0.12
ENERGY_RELATION = "energy"
ENERGY_SHARE = 0.2  # share of a respondent's trust nominations also rated for energy

_WITHIN_STRENGTH_P = np.array([0.06, 0.13, 0.27, 0.30, 0.24])  # 54 % strong
_CROSS_STRENGTH_P = np.array([0.30, 0.40, 0.30, 0.0, 0.0])  # never strong
_ENERGY_STRENGTH_P = np.array([0.10, 0.20, 0.30, 0.25, 0.15])


@dataclass(frozen=True)
class LatentTies:
    """Directed latent relationships; ``pinned`` ones are named every wave, never capped."""

    src: np.ndarray
    dst: np.ndarray
    strength: np.ndarray
    cross: np.ndarray
    pinned: np.ndarray


@dataclass(frozen=True)
class Nominations:
    """One relation's survey rows of one wave, as person indices."""

    src: np.ndarray
    dst: np.ndarray
    strength: np.ndarray


def _weighted_pick(
    rng: np.random.Generator, cum: np.ndarray, order: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """For each block ``[lo, hi)`` of the sorted population, one person drawn by popularity."""
    cum0 = np.concatenate([[0.0], cum])
    target = cum0[lo] + rng.random(len(lo)) * (cum0[hi] - cum0[lo])
    pos = np.clip(np.searchsorted(cum, target, side="right"), lo, hi - 1)
    return order[pos]


def build_latent_ties(
    rng: np.random.Generator,
    org: Organisation,
    pinned_src: np.ndarray,
    pinned_dst: np.ndarray,
) -> LatentTies:
    """Latent relationships of everyone ever employed, the pinned (planted) arcs first."""
    n = org.size
    n_dept = int(org.department.max()) + 1
    block_key = org.country * n_dept + org.department
    order = np.lexsort((org.department, org.country))
    sorted_country = org.country[order]
    sorted_block = block_key[order]
    cum = np.cumsum(org.popularity[order])

    per_person = rng.integers(7, 14, size=n)
    src = np.repeat(np.arange(n), per_person)
    kind = rng.choice(3, size=len(src), p=[0.55, 0.35, 0.10])  # department, country, abroad
    lo = np.zeros(len(src), dtype=np.int64)
    hi = np.full(len(src), n, dtype=np.int64)
    dept = kind == 0
    lo[dept] = np.searchsorted(sorted_block, block_key[src[dept]], side="left")
    hi[dept] = np.searchsorted(sorted_block, block_key[src[dept]], side="right")
    ctry = kind == 1
    lo[ctry] = np.searchsorted(sorted_country, org.country[src[ctry]], side="left")
    hi[ctry] = np.searchsorted(sorted_country, org.country[src[ctry]], side="right")
    dst = _weighted_pick(rng, cum, order, lo, hi)

    has_local_manager = (org.manager >= 0) & (org.country == org.country[np.maximum(org.manager, 0)])
    names_manager = np.flatnonzero(has_local_manager & (rng.random(n) < 0.5))
    src = np.concatenate([src, names_manager])
    dst = np.concatenate([dst, org.manager[names_manager]])
    cross = org.country[src] != org.country[dst]
    strength = np.where(
        cross,
        rng.choice(np.arange(1, 6), size=len(src), p=_CROSS_STRENGTH_P),
        rng.choice(np.arange(1, 6), size=len(src), p=_WITHIN_STRENGTH_P),
    )
    strength[len(src) - len(names_manager) :] = rng.integers(4, 6, size=len(names_manager))

    src = np.concatenate([pinned_src, src])
    dst = np.concatenate([pinned_dst, dst])
    strength = np.concatenate([np.full(len(pinned_src), 5), strength])
    pinned = np.zeros(len(src), dtype=bool)
    pinned[: len(pinned_src)] = True
    keep = src != dst
    # np.unique keeps the first occurrence: a pinned arc wins over a latent duplicate.
    _, first = np.unique(src[keep] * n + dst[keep], return_index=True)
    sel = np.flatnonzero(keep)[first]
    return LatentTies(
        src=src[sel],
        dst=dst[sel],
        strength=strength[sel].astype(np.int64),
        cross=org.country[src[sel]] != org.country[dst[sel]],
        pinned=pinned[sel],
    )


def draw_respondents(
    rng: np.random.Generator, org: Organisation, wave_index: int, forced: np.ndarray
) -> np.ndarray:
    """Who answers this wave: ~80 % of invited, active people; ``forced`` people always answer."""
    active = org.active(wave_index)
    return active & org.invited & ((rng.random(org.size) < RESPONSE_RATE) | forced)


def draw_trust(
    rng: np.random.Generator, ties: LatentTies, active: np.ndarray, respondents: np.ndarray
) -> Nominations:
    """The trust nominations of one wave drawn from the latent relationships."""
    named = rng.random(len(ties.src)) < NAME_PROBABILITY
    keep = respondents[ties.src] & active[ties.dst] & (ties.pinned | named)
    wobble = np.where(rng.random(len(ties.src)) < STRENGTH_WOBBLE, rng.choice([-1, 1], size=len(ties.src)), 0)
    strength = np.clip(ties.strength + np.where(ties.pinned, 0, wobble), 1, 5)
    strength = np.where(ties.cross & ~ties.pinned, np.minimum(strength, WEAK_CAP), strength)
    return Nominations(ties.src[keep], ties.dst[keep], strength[keep])


def draw_energy(rng: np.random.Generator, trust: Nominations) -> Nominations:
    """A smaller energy relation: a fifth of trust nominations are also rated for energy."""
    keep = rng.random(len(trust.src)) < ENERGY_SHARE
    strength = rng.choice(np.arange(1, 6), size=int(keep.sum()), p=_ENERGY_STRENGTH_P)
    return Nominations(trust.src[keep], trust.dst[keep], strength)


def survey_frame(
    rng: np.random.Generator,
    org: Organisation,
    wave_start: dt.date,
    trust: Nominations,
    energy: Nominations,
) -> pd.DataFrame:
    """The ONA survey file of one wave: one row per (respondent, nominee, relation)."""
    # One submission time per respondent, within three weeks from five weeks into the quarter.
    opened = np.datetime64(wave_start, "s") + np.timedelta64(35 * 86400, "s")
    submitted = opened + rng.integers(0, 21 * 86400, size=org.size).astype("timedelta64[s]")
    src = np.concatenate([trust.src, energy.src])
    dst = np.concatenate([trust.dst, energy.dst])
    relation = np.repeat(np.array([DEFAULT_RELATION, ENERGY_RELATION]), [len(trust.src), len(energy.src)])
    rel_rank = np.repeat([0, 1], [len(trust.src), len(energy.src)])
    order = np.lexsort((dst, rel_rank, src))
    frame = pd.DataFrame(
        {
            "respondent_id": org.employee_id[src[order]],
            "nominee_id": org.employee_id[dst[order]],
            "relation": relation[order],
            "strength": np.concatenate([trust.strength, energy.strength])[order].astype(np.int64),
            "answered_at": submitted[src[order]],
        }
    )
    assert list(frame.columns) == list(ONA_SURVEY.columns)
    return frame
