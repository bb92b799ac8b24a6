"""The bonds participants form after the program starts, and later waves' participant ties.

From the second wave on, ``NEW_BOND_SHARE`` of the participants form new strong bonds with
participants in other countries, most of them early, until cross-country ties among
participants reach ``CROSS_COUNTRY_GROWTH`` times the baseline's. They are laid out so that the
network no longer needs the hub at all:

1. a random spanning tree over the non-hub *units* (each country's tied group, each untied
   participant), every tree edge between two countries: without any hub participant, everyone
   else is still connected;
2. one bond for every hub participant, to a participant abroad;
3. one bond for every other bonder still without one;
4. random cross-country bonds until the growth target is met.

The few participants who form no bond belong to tied country groups (the largest first, never
a whole group), so they stay connected through their compatriots. Participant pairs of a later wave's survey are
exactly the baseline's plus the bonds that have started (``overlay_participant_ties``): the
program effect is planted, not left to sampling noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scl_pipeline.lib.demo.network import edge_keys
from scl_pipeline.lib.demo.story import ParticipantStory
from scl_pipeline.lib.demo.survey import STRONG, Nominations

NEW_BOND_SHARE = 0.95
CROSS_COUNTRY_GROWTH = 10.0


@dataclass(frozen=True)
class BondPlan:
    """New strong ties from the second wave on: pairs, the wave index each starts in, ratings."""

    a: np.ndarray
    b: np.ndarray
    onset: np.ndarray
    strength_ab: np.ndarray
    strength_ba: np.ndarray
    bonders: np.ndarray  # participants planned to form a new bond with another participant


def _non_bonders(
    rng: np.random.Generator, story: ParticipantStory, participants: np.ndarray, country: np.ndarray, k: int
) -> np.ndarray:
    """``k`` tied, non-hub participants, at most all but one of each country group (the one
    left bonds, so the group stays linked); larger groups first."""
    tied = np.setdiff1d(participants, story.untied)
    tied = tied[country[tied] != story.hub]
    candidates: list[int] = []
    for c in sorted(np.unique(country[tied]).tolist(), key=lambda c: -int((country[tied] == c).sum())):
        group = rng.permutation(tied[country[tied] == c])
        candidates += group[:-1].tolist()
    if len(candidates) < k:
        raise ValueError(f"only {len(candidates)} participants can stay without a new bond; {k} must")
    return np.sort(np.array(candidates[:k], dtype=np.int64))


def plan_bonds(
    rng: np.random.Generator,
    participants: np.ndarray,
    country: np.ndarray,
    story: ParticipantStory,
    n_later_waves: int,
) -> BondPlan:
    """The bond plan (module docstring)."""
    n = len(country)
    seen = set(edge_keys(story.a, story.b, n).tolist())
    baseline_cross = int((country[story.a] != country[story.b]).sum())
    n_bonders = round(NEW_BOND_SHARE * len(participants))
    bonders = np.setdiff1d(participants, _non_bonders(rng, story, participants, country, len(participants) - n_bonders))
    bonds_of = dict.fromkeys(bonders.tolist(), 0)
    pairs: list[tuple[int, int]] = []

    def take(x: int, y: int) -> None:
        pairs.append((x, y))
        seen.add(min(x, y) * n + max(x, y))
        bonds_of[x] += 1
        bonds_of[y] += 1

    def least_bonded(people: np.ndarray) -> int:
        load = np.array([bonds_of[int(p)] for p in people])
        return int(rng.choice(people[load == load.min()]))

    def partner_abroad(x: int, pool: np.ndarray) -> int | None:
        for y in rng.permutation(pool[country[pool] != country[x]]).tolist():
            if min(x, y) * n + max(x, y) not in seen:
                return int(y)
        return None

    abroad = bonders[country[bonders] != story.hub]
    untied = np.isin(abroad, story.untied)
    unit = np.where(untied, -1 - abroad, country[abroad])
    members_of = {int(u): abroad[unit == u] for u in np.unique(unit)}
    country_of = {u: int(country[m[0]]) for u, m in members_of.items()}
    labels = [int(u) for u in rng.permutation(np.array(list(members_of), dtype=np.int64))]
    placed: list[int] = []
    placed_by_country: dict[int, int] = {}
    deferred = 0
    while labels:
        label = labels.pop(0)
        here = country_of[label]
        others = len(placed) - placed_by_country.get(here, 0)
        if placed and not others and deferred <= len(labels):
            labels.append(label)  # only compatriots placed so far: link it later
            deferred += 1
            continue
        if others:
            while country_of[target := placed[int(rng.integers(len(placed)))]] == here:
                pass
            take(least_bonded(members_of[label]), least_bonded(members_of[target]))
        placed.append(label)
        placed_by_country[here] = placed_by_country.get(here, 0) + 1
    for x in rng.permutation(bonders[country[bonders] == story.hub]).tolist():
        y = partner_abroad(x, abroad)
        if y is not None:
            take(x, y)
    for x in rng.permutation(bonders).tolist():
        if bonds_of[x] == 0 and (y := partner_abroad(x, bonders)) is not None:
            take(x, y)
    target = round(CROSS_COUNTRY_GROWTH * baseline_cross) - baseline_cross
    for _attempt in range(50 * max(target, 1)):
        if len(pairs) >= target:
            break
        x, y = (int(v) for v in rng.choice(bonders, size=2, replace=False))
        if country[x] != country[y] and min(x, y) * n + max(x, y) not in seen:
            take(x, y)

    a = np.array([p[0] for p in pairs], dtype=np.int64)
    b = np.array([p[1] for p in pairs], dtype=np.int64)
    weights = np.arange(n_later_waves, 0, -1, dtype=float)  # most bonds start early
    onset = 1 + rng.choice(n_later_waves, size=len(pairs), p=weights / weights.sum())
    return BondPlan(
        a=a,
        b=b,
        onset=onset,
        strength_ab=rng.integers(STRONG, 6, size=len(pairs)),
        strength_ba=rng.integers(STRONG, 6, size=len(pairs)),
        bonders=bonders,
    )


def overlay_participant_ties(
    trust: Nominations,
    member: np.ndarray,
    baseline_trust: Nominations,
    bonds: BondPlan,
    wave_index: int,
) -> Nominations:
    """A later wave's trust rows with participant pairs replaced by baseline rows plus bonds.

    ``member`` flags participants over the whole person index. Rows of a started bond's pair
    are replaced by the bond's own rows, so no (respondent, nominee) pair appears twice.
    """
    n = len(member)
    started = bonds.onset <= wave_index
    ba, bb = bonds.a[started], bonds.b[started]
    bond_keys = edge_keys(ba, bb, n)
    keep = ~(member[trust.src] & member[trust.dst])
    base = np.flatnonzero(member[baseline_trust.src] & member[baseline_trust.dst])
    base = base[~np.isin(edge_keys(baseline_trust.src[base], baseline_trust.dst[base], n), bond_keys)]
    return Nominations(
        np.concatenate([trust.src[keep], baseline_trust.src[base], ba, bb]),
        np.concatenate([trust.dst[keep], baseline_trust.dst[base], bb, ba]),
        np.concatenate(
            [
                trust.strength[keep],
                baseline_trust.strength[base],
                bonds.strength_ab[started],
                bonds.strength_ba[started],
            ]
        ),
    )
