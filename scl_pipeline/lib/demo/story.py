"""The planted story in the participants' network at baseline (SPEC §3b scope ``participants``).

The case study's pictures are of U induced on the 200 program participants: before the program
most participants knew only compatriots, 65 knew no other participant at all, and 8 people of one
country ("Country I", here the *hub*) were the single bridges between the few clusters. The
participants' strong ties to each other at baseline are therefore planted, not sampled:

* the hub's participants form one close group: a ring with chords, so no one of them alone
  holds it together; 8 of them are the *bridges*;
* the tied participants of every other country form one group of their own (a ring with chords,
  a pair, or one person): the connections are geography-driven;
* each bridge has strong ties into some of the largest country groups (at least two ties into a
  group of two or more, so no partner alone holds it; more into big groups) and is their only
  link to the hub. So the bridges are exactly the articulation points of the participants'
  network, and removing one cuts off at least one whole country;
* the other country groups are components of their own, and ``untied`` participants (first those
  alone in their country, then others at random) have no tie to another participant.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

N_BRIDGES = 8
HUB_SIZE_RANK = 3  # 0-based: the fourth-largest country, mid-to-large as in the case study
# Each bridge links at least this many country groups, more in big organisations, so the
# baseline's cross-country participant ties grow with the program and a tenfold growth leaves
# room for every participant's first bond.
GROUPS_PER_BRIDGE = 1
PARTICIPANTS_PER_GROUP = 100  # groups per bridge: one per this many participants
BRIDGE_TIES_PER_PARTICIPANT = 0.1  # baseline bridge ties, spread over groups by size
CHORD_SHARE = 0.35  # chords per ring member: close groups, not bare rings


@dataclass(frozen=True)
class ParticipantStory:
    """The participants' planted baseline network."""

    hub: int  # country index
    bridges: np.ndarray  # person indices
    groups: tuple[np.ndarray, ...]  # per bridge: the countries it alone links to the hub
    partners: np.ndarray  # participants abroad tied to a bridge
    partner_bridge: np.ndarray  # the bridge of each partner
    untied: np.ndarray  # participants without a tie to another participant
    a: np.ndarray  # planted edges among participants, a < b
    b: np.ndarray


def _ring_with_chords(rng: np.random.Generator, members: np.ndarray) -> list[tuple[int, int]]:
    """A 2-connected close group: a ring through ``members`` plus random chords."""
    k = len(members)
    if k < 2:
        return []
    if k == 2:
        return [(int(members[0]), int(members[1]))]
    ring = rng.permutation(members)
    edges = [(int(ring[i]), int(ring[(i + 1) % k])) for i in range(k)]
    for _ in range(round(CHORD_SHARE * k)):
        x, y = rng.choice(k, size=2, replace=False)
        edges.append((int(ring[x]), int(ring[y])))
    return edges


def choose_untied(
    rng: np.random.Generator, by_country: dict[int, np.ndarray], bridged: list[int], n_untied: int
) -> np.ndarray:
    """``n_untied`` participants to leave without a participant tie.

    Alone in an unbridged country first; then others at random, keeping every bridged country at
    least one tied participant and every unbridged one none or at least two (a lone tied
    participant would have no one to be tied to).
    """
    alone = [int(p[0]) for c, p in by_country.items() if c not in bridged and len(p) == 1]
    chosen = [int(p) for p in rng.permutation(np.array(alone, dtype=np.int64))[:n_untied]]
    candidates: list[int] = []
    for c, people in by_country.items():
        keep = 1 if c in bridged else 2
        if len(people) > keep:
            candidates += [int(p) for p in people[: len(people) - keep]]
    extra = n_untied - len(chosen)
    if extra > len(candidates):
        raise ValueError(
            f"cannot leave {n_untied} participants without a participant tie while keeping the "
            f"bridges' country groups: only {len(chosen) + len(candidates)} can be; raise the number of people"
        )
    if extra > 0:
        chosen += [int(p) for p in rng.choice(np.array(candidates, dtype=np.int64), size=extra, replace=False)]
    return np.sort(np.array(chosen, dtype=np.int64))


def plan_story(
    rng: np.random.Generator,
    participants: np.ndarray,
    country: np.ndarray,
    hub: int,
    bridges: np.ndarray,
    n_untied: int,
) -> ParticipantStory:
    """Plant the participants' baseline network (see the module docstring)."""
    abroad = participants[country[participants] != hub]
    by_country = {
        int(c): rng.permutation(abroad[country[abroad] == c]) for c in np.unique(country[abroad])
    }
    if len(by_country) < N_BRIDGES:
        raise ValueError(
            f"participants come from {len(by_country)} countries besides the hub; the {N_BRIDGES} "
            "bridges need a country group each: raise the number of people"
        )
    # The largest country groups hang on the bridges, so removing a bridge cuts off many people;
    # participants alone in their country beyond the untied quota hang on them as groups of one.
    ranked = sorted(by_country, key=lambda c: (-len(by_country[c]), c))
    alone = [c for c in ranked if len(by_country[c]) == 1]
    surplus = [int(c) for c in rng.permutation(np.array(alone, dtype=np.int64))[: max(0, len(alone) - n_untied)]]
    shared = [c for c in ranked if len(by_country[c]) > 1]
    per_bridge = max(GROUPS_PER_BRIDGE, round(len(participants) / PARTICIPANTS_PER_GROUP))
    bridged = shared[: per_bridge * N_BRIDGES] + surplus
    spare_alone = [c for c in alone if c not in surplus]
    while len(bridged) < N_BRIDGES:  # every bridge needs a group, if only of one person
        bridged.append(spare_alone.pop())
    ranked = bridged + [c for c in ranked if c not in bridged]
    n_bridged = len(bridged)
    untied = choose_untied(rng, by_country, bridged, n_untied)
    is_untied = np.isin(participants, untied)

    tied_of = {c: by_country[c][~np.isin(by_country[c], untied)] for c in ranked}
    sizes = np.array([len(tied_of[c]) for c in bridged])
    share = sizes * BRIDGE_TIES_PER_PARTICIPANT * len(participants) / sizes.sum()
    ties = np.clip(np.round(share).astype(np.int64), np.minimum(sizes, 2), sizes)

    edges = _ring_with_chords(rng, participants[country[participants] == hub])
    groups: list[list[int]] = [[] for _ in range(N_BRIDGES)]
    partners: list[int] = []
    partner_bridge: list[int] = []
    for i, c in enumerate(ranked):
        tied = tied_of[c]
        edges += _ring_with_chords(rng, tied)
        if i < n_bridged:
            slot = i % N_BRIDGES  # largest first, dealt round the bridges
            groups[slot].append(c)
            for p in tied[: ties[i]]:
                edges.append((int(bridges[slot]), int(p)))
                partners.append(int(p))
                partner_bridge.append(int(bridges[slot]))
    pairs = np.unique(np.sort(np.array(edges, dtype=np.int64), axis=1), axis=0)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    assert not (is_untied[np.searchsorted(participants, pairs.ravel())]).any()
    return ParticipantStory(
        hub=hub,
        bridges=np.asarray(bridges, dtype=np.int64),
        groups=tuple(np.array(sorted(g), dtype=np.int64) for g in groups),
        partners=np.array(partners, dtype=np.int64),
        partner_bridge=np.array(partner_bridge, dtype=np.int64),
        untied=untied,
        a=pairs[:, 0],
        b=pairs[:, 1],
    )
