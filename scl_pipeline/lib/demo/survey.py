"""Survey waves: who answers, and the nominations they draw from the latent relationships.

A wave's respondent names each of their relationships with probability ``NAME_PROBABILITY``
(so relationships persist across waves, with churn) and rates it around the relationship's
closeness, which both people share: that is what makes strong ties largely mutual. Like real
ONA forms, a respondent lists at most ``MAX_NAMES`` people, their closest first, so popular
people are named by many but name no more than anyone else.

Response: ``NEVER_RESPONDS`` of the invited never answer (the usual hard core of
non-respondents); the others answer each wave with probability ``RESPONSE_PROBABILITY``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from scl_pipeline.lib.demo.organisation import Organisation
from scl_pipeline.lib.demo.relationships import Relationships
from scl_pipeline.lib.contract import DEFAULT_RELATION, DEFAULT_STRONG_THRESHOLD, ONA_SURVEY

STRONG = DEFAULT_STRONG_THRESHOLD  # the demo's strong ties are strong under the default settings
WEAK_CAP = STRONG - 1
NAME_PROBABILITY = 0.86
MAX_NAMES = 20
NEVER_RESPONDS = 0.08
RESPONSE_PROBABILITY = 0.88
# A respondent's rating of a relationship: its closeness moved one step down or up now and then.
RATING_SHIFT_P = np.array([0.17, 0.66, 0.17])
ENERGY_RELATION = "energy"
ENERGY_SHARE = 0.15  # share of a respondent's trust nominations also rated for energy
_ENERGY_STRENGTH_P = np.array([0.10, 0.20, 0.30, 0.25, 0.15])


@dataclass(frozen=True)
class Nominations:
    """One relation's survey rows of one wave, as person indices."""

    src: np.ndarray
    dst: np.ndarray
    strength: np.ndarray


def response_propensity(rng: np.random.Generator, n: int) -> np.ndarray:
    """Per person, the probability of answering a wave they are invited to."""
    return np.where(rng.random(n) < NEVER_RESPONDS, 0.0, RESPONSE_PROBABILITY)


def draw_respondents(
    rng: np.random.Generator,
    org: Organisation,
    propensity: np.ndarray,
    wave_index: int,
    forced: np.ndarray,
) -> np.ndarray:
    """Who answers this wave: invited, active people by their propensity; ``forced`` always."""
    answers = (rng.random(org.size) < propensity) | forced
    return org.active(wave_index) & org.invited & answers


def draw_trust(
    rng: np.random.Generator, relationships: Relationships, active: np.ndarray, respondents: np.ndarray
) -> Nominations:
    """The trust nominations of one wave."""
    src = np.concatenate([relationships.a, relationships.b])
    dst = np.concatenate([relationships.b, relationships.a])
    keep = respondents[src] & active[dst] & (rng.random(len(src)) < NAME_PROBABILITY)
    src, dst = src[keep], dst[keep]
    closeness = np.tile(relationships.closeness, 2)[keep]
    shift = rng.choice(np.array([-1, 0, 1]), size=len(src), p=RATING_SHIFT_P)
    strength = np.clip(closeness + shift, 1, 5)
    # At most MAX_NAMES per respondent, the highest ratings first (ties broken at random); only
    # the few respondents with more candidates need ranking.
    tiebreak = rng.random(len(src))
    crowded = np.flatnonzero(np.bincount(src, minlength=len(active))[src] > MAX_NAMES)
    key = (src[crowded] * 8 + (5 - strength[crowded])) * 2.0**31 + tiebreak[crowded] * 2.0**30
    ranked = crowded[np.argsort(key.astype(np.int64), kind="stable")]
    rank = np.arange(len(ranked)) - np.searchsorted(src[ranked], src[ranked], side="left")
    listed = np.ones(len(src), dtype=bool)
    listed[ranked[rank >= MAX_NAMES]] = False
    return Nominations(src[listed], dst[listed], strength[listed].astype(np.int64))


def draw_energy(rng: np.random.Generator, trust: Nominations) -> Nominations:
    """A smaller energy relation: some trust nominations are also rated for energy."""
    keep = rng.random(len(trust.src)) < ENERGY_SHARE
    strength = rng.choice(np.arange(1, 6), size=int(keep.sum()), p=_ENERGY_STRENGTH_P)
    return Nominations(trust.src[keep], trust.dst[keep], strength)


def survey_table(
    rng: np.random.Generator,
    org: Organisation,
    wave_start: dt.date,
    trust: Nominations,
    energy: Nominations,
) -> pa.Table:
    """The ONA survey file of one wave: one row per (respondent, nominee, relation).

    Ids are dictionary-encoded over ``org.employee_id``, so a million rows hold no Python string.
    """
    # One submission time per respondent, within three weeks from five weeks into the quarter.
    opened = np.datetime64(wave_start, "s") + np.timedelta64(35 * 86400, "s")
    submitted = opened + rng.integers(0, 21 * 86400, size=org.size).astype("timedelta64[s]")
    src = np.concatenate([trust.src, energy.src])
    dst = np.concatenate([trust.dst, energy.dst])
    rel_rank = np.repeat(np.array([0, 1], dtype=np.int8), [len(trust.src), len(energy.src)])
    order = np.argsort((src * 2 + rel_rank) * org.size + dst, kind="stable")
    ids = pa.array(org.employee_id)
    table = pa.table(
        {
            "respondent_id": pa.DictionaryArray.from_arrays(pa.array(src[order].astype(np.int32)), ids),
            "nominee_id": pa.DictionaryArray.from_arrays(pa.array(dst[order].astype(np.int32)), ids),
            "relation": pa.DictionaryArray.from_arrays(
                pa.array(rel_rank[order]), pa.array([DEFAULT_RELATION, ENERGY_RELATION])
            ),
            "strength": pa.array(np.concatenate([trust.strength, energy.strength])[order].astype(np.int64)),
            "answered_at": pa.array(submitted[src[order]]),
        }
    )
    assert table.column_names == list(ONA_SURVEY.columns)
    return table
