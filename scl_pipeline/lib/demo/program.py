"""The SCL program's participants and their planted baseline ties.

* Participants are baseline key collaborators (SPEC §2 central connectors or boundary spanners)
  whose role does not rest on ties to other key collaborators, so planting the participants'
  own network (``story``) cannot take the role away. The hub country gets its planted share
  (the bridges and their compatriots); elsewhere the largest countries get one participant each
  first (``COVERAGE_SHARE`` of the places), so the program spans the organisation, and the
  other places go to key collaborators at random.
* The bridges are the hub participants with the most cross-country ties, the organisation's
  natural boundary spanners.
* The baseline survey is then rewritten for participant pairs only: every planted edge becomes
  a mutual strong tie, every other tie between two participants is rated weak (3 at most).
"""

from __future__ import annotations

import numpy as np

from scl_pipeline.lib.demo.network import cross_country_ties, edge_keys, strong_edges, strong_in_degree
from scl_pipeline.lib.demo.story import N_BRIDGES, ParticipantStory
from scl_pipeline.lib.demo.survey import STRONG, WEAK_CAP, Nominations

COVERAGE_SHARE = 0.4


def _pick(rng: np.random.Generator, pool: np.ndarray, preferred: np.ndarray, k: int) -> np.ndarray:
    """``k`` people of ``pool`` at random, ``preferred`` ones first."""
    pool = pool[np.lexsort((rng.random(len(pool)), ~preferred[pool]))]
    return pool[:k]


def select_participants(
    rng: np.random.Generator,
    eligible: np.ndarray,
    preferred: np.ndarray,
    respondents: np.ndarray,
    baseline: Nominations,
    country: np.ndarray,
    hub: int,
    n_participants: int,
    n_hub: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted participant indices and the 8 bridges, drawn from the ``eligible`` mask with
    ``preferred`` people first. A small hub short of key collaborators is topped up with its
    most-named ``respondents`` (their role is then restored, see ``network.restore_roles``)."""
    pool = np.flatnonzero(eligible)
    if len(pool) < n_participants:
        raise ValueError(f"only {len(pool)} key collaborators for {n_participants} participants")
    hub_pool = pool[country[pool] == hub]
    hub_chosen = _pick(rng, hub_pool, preferred, n_hub)
    if len(hub_chosen) < n_hub:
        others = np.flatnonzero(respondents & ~eligible & (country == hub))
        indeg = strong_in_degree(baseline, len(country))[others]
        top_up = others[np.lexsort((rng.random(len(others)), -indeg))][: n_hub - len(hub_chosen)]
        if len(hub_chosen) + len(top_up) < n_hub:
            raise ValueError(f"the hub country has too few respondents for its {n_hub} planted participants")
        hub_chosen = np.concatenate([hub_chosen, top_up])
    a, b = strong_edges(baseline)
    spanning = cross_country_ties(a, b, country, len(country))[hub_chosen]
    bridges = hub_chosen[np.lexsort((rng.random(n_hub), -spanning))[:N_BRIDGES]]

    abroad = _pick(rng, pool[country[pool] != hub], preferred, len(pool))
    n_rest = n_participants - n_hub
    countries, first_of = np.unique(country[abroad], return_index=True)
    # Countries are indexed largest first: the first person met in each of the largest ones.
    covered = abroad[first_of[: min(len(countries), round(COVERAGE_SHARE * n_rest))]]
    rest = abroad[~np.isin(abroad, covered)]
    fill = _pick(rng, rest, preferred, n_rest - len(covered))
    participants = np.sort(np.concatenate([hub_chosen, covered, fill]))
    return participants, np.sort(bridges)


def plant_baseline(
    rng: np.random.Generator, trust: Nominations, member: np.ndarray, story: ParticipantStory
) -> Nominations:
    """``trust`` with the participant pairs rewritten to the planted network (module docstring)."""
    n = len(member)
    src, dst, strength = trust.src, trust.dst, trust.strength.copy()
    inside = np.flatnonzero(member[src] & member[dst])
    planted = np.isin(edge_keys(src[inside], dst[inside], n), edge_keys(story.a, story.b, n))
    strength[inside[~planted]] = np.minimum(strength[inside[~planted]], WEAK_CAP)
    strength[inside[planted]] = rng.integers(STRONG, 6, size=int(planted.sum()))
    # Both directions of every planted edge: add the rows the sample did not draw.
    want_src = np.concatenate([story.a, story.b])
    want_dst = np.concatenate([story.b, story.a])
    missing = ~np.isin(want_src * n + want_dst, src[inside] * n + dst[inside])
    add_src, add_dst = want_src[missing], want_dst[missing]
    return Nominations(
        np.concatenate([src, add_src]),
        np.concatenate([dst, add_dst]),
        np.concatenate([strength, rng.integers(STRONG, 6, size=len(add_src))]),
    )
