"""The planted resilience story: a hub country whose 8 bridge people hold the network together.

Every country other than the hub belongs to exactly one bridge's *group*. Each bridge has a
strong tie to one or two *partners* in every country of its group, and two *anchors* at home.
Because all other cross-country relationships are capped below the strong threshold (see
``survey``), at baseline each bridge is the only strong link between the hub cluster and its group:
an articulation point of U, and removing the 8 splits U into the hub plus every other country on
its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scl_pipeline.lib.demo.organisation import EXECUTIVE, Organisation

N_BRIDGES = 8
HUB_SIZE_RANK = 3  # 0-based: the fourth-largest country, mid-to-large as in the case study
ANCHORS_PER_BRIDGE = 2
PARTNER_TWO_FROM = 30  # countries with at least this many people get two partners


@dataclass(frozen=True)
class Bridges:
    """Who holds the baseline network together."""

    hub: int  # country index
    bridges: np.ndarray  # person indices, one per group
    groups: tuple[np.ndarray, ...]  # country indices bridged by each bridge
    partners: np.ndarray  # person indices abroad
    partner_bridge: np.ndarray  # the bridge each partner is tied to
    anchors: np.ndarray  # hub people tied to the bridges
    anchor_bridge: np.ndarray

    @property
    def people(self) -> np.ndarray:
        return np.concatenate([self.bridges, self.partners, self.anchors])

    def pinned_arcs(self) -> tuple[np.ndarray, np.ndarray]:
        """Both directions of every bridge tie: named every wave at strength 5."""
        src = np.concatenate([self.partners, self.partner_bridge, self.anchors, self.anchor_bridge])
        dst = np.concatenate([self.partner_bridge, self.partners, self.anchor_bridge, self.anchors])
        return src, dst


def _balanced_groups(sizes: np.ndarray, countries: np.ndarray, n_groups: int) -> tuple[np.ndarray, ...]:
    """Countries split into ``n_groups`` of similar head-count (largest first, into the lightest)."""
    load = np.zeros(n_groups, dtype=np.int64)
    members: list[list[int]] = [[] for _ in range(n_groups)]
    for c in countries[np.argsort(-sizes[countries], kind="stable")]:
        g = int(np.argmin(load))
        members[g].append(int(c))
        load[g] += sizes[c]
    return tuple(np.array(sorted(m), dtype=np.int64) for m in members)


def plant_bridges(rng: np.random.Generator, org: Organisation) -> Bridges:
    """Choose the hub country, its bridges, their groups, partners and anchors."""
    initial = org.join_wave == 0
    sizes = np.bincount(org.country[initial], minlength=len(org.countries))
    hub = HUB_SIZE_RANK
    others = np.array([c for c in range(len(org.countries)) if c != hub])
    if len(others) < N_BRIDGES:
        raise ValueError(f"{len(org.countries)} countries cannot give {N_BRIDGES} bridges a group each")
    hub_people = np.flatnonzero(initial & (org.country == hub) & (org.level < EXECUTIVE))
    if len(hub_people) < N_BRIDGES * (1 + ANCHORS_PER_BRIDGE):
        raise ValueError(f"hub country has {len(hub_people)} people, too few for {N_BRIDGES} bridges")
    chosen = rng.choice(hub_people, size=N_BRIDGES * (1 + ANCHORS_PER_BRIDGE), replace=False)
    bridges = chosen[:N_BRIDGES]
    anchors = chosen[N_BRIDGES:]
    anchor_bridge = np.repeat(bridges, ANCHORS_PER_BRIDGE)
    groups = _balanced_groups(sizes, others, N_BRIDGES)

    partners: list[int] = []
    partner_bridge: list[int] = []
    for bridge, group in zip(bridges, groups):
        for c in group:
            local = np.flatnonzero(initial & (org.country == c))
            k = min(len(local), 2 if sizes[c] >= PARTNER_TWO_FROM else 1)
            weight = org.popularity[local] / org.popularity[local].sum()
            for p in rng.choice(local, size=k, replace=False, p=weight):
                partners.append(int(p))
                partner_bridge.append(int(bridge))
    return Bridges(
        hub=hub,
        bridges=bridges,
        groups=groups,
        partners=np.array(partners, dtype=np.int64),
        partner_bridge=np.array(partner_bridge, dtype=np.int64),
        anchors=anchors,
        anchor_bridge=anchor_bridge,
    )
