"""The SCL program: who takes part, their baseline ties, and the bonds they form afterwards.

* Participants are baseline key collaborators. The largest countries get one participant each
  first (``COVERAGE_SHARE`` of the places), so the program spans the organisation; the first
  bridge and its partners take part, so a few cross-country participant ties exist at baseline.
* The baseline survey is then tuned so that exactly the planted number of participants have no
  strong tie to another participant: within-country participant ties are added for surplus
  loners, or downgraded to weak (strength 3) to make more.
* From the second wave on, ~95 % of participants progressively form new strong bonds with other
  participants, all across countries and linking every country that has a participant, so
  cross-country participant ties reach ~10x baseline and the bridges become redundant. Countries
  without a bonding participant get one outreach tie from a participant abroad.
  Participant-participant survey rows of later waves are exactly the baseline ones plus the bonds
  that have started, so the program effect is planted, not left to sampling noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scl_pipeline.lib.demo.network import edge_keys, strong_edges
from scl_pipeline.lib.demo.story import Bridges
from scl_pipeline.lib.demo.survey import STRONG, WEAK_CAP, Nominations

COVERAGE_SHARE = 0.4
BRIDGE_PARTICIPANTS = 3
SPANNING_TREES = 1
NEW_BOND_SHARE = 0.95
CROSS_COUNTRY_GROWTH = 10.0


@dataclass(frozen=True)
class BondPlan:
    """New strong ties from the second wave on: pairs, the wave index each starts in, strengths.

    ``outreach`` marks ties from a participant to a colleague in a country without a bonding
    participant (the way such a country stops depending on its bridge).
    """

    a: np.ndarray
    b: np.ndarray
    onset: np.ndarray
    strength_ab: np.ndarray
    strength_ba: np.ndarray
    outreach: np.ndarray
    bonders: np.ndarray  # participants planned to form a new bond with another participant


def select_participants(
    rng: np.random.Generator,
    key_collaborators: np.ndarray,
    country: np.ndarray,
    n_countries: int,
    story: Bridges,
    n_participants: int,
) -> np.ndarray:
    """Person indices of the program participants, drawn from ``key_collaborators``."""
    pool = np.flatnonzero(key_collaborators)
    if len(pool) < n_participants:
        raise ValueError(f"only {len(pool)} key collaborators for {n_participants} participants")
    chosen: list[int] = [int(b) for b in story.bridges[:BRIDGE_PARTICIPANTS]]
    favoured = story.partners[np.isin(story.partner_bridge, story.bridges[:BRIDGE_PARTICIPANTS])]
    budget = min(n_countries, round(COVERAGE_SHARE * n_participants))
    for c in range(n_countries):  # countries are ordered largest first
        if len(chosen) >= BRIDGE_PARTICIPANTS + budget:
            break
        local_favoured = [int(p) for p in favoured if country[p] == c and key_collaborators[p]]
        local = local_favoured or [int(p) for p in pool[country[pool] == c] if p not in chosen]
        if local:
            chosen.append(local[int(rng.integers(len(local)))])
    rest = np.setdiff1d(pool, chosen)
    fill = rng.choice(rest, size=n_participants - len(chosen), replace=False)
    return np.sort(np.concatenate([np.array(chosen, dtype=np.int64), fill]))


def tune_baseline_isolation(
    rng: np.random.Generator,
    trust: Nominations,
    participants: np.ndarray,
    country: np.ndarray,
    target_untied: int,
) -> Nominations:
    """Baseline trust nominations with exactly ``target_untied`` participants lacking a strong
    tie to another participant. Only within-country participant pairs are touched."""
    n = len(country)
    member = np.zeros(n, dtype=bool)
    member[participants] = True
    a, b = strong_edges(trust)
    inside = member[a] & member[b]
    neighbours: dict[int, set[int]] = {int(p): set() for p in participants}
    for x, y in zip(a[inside].tolist(), b[inside].tolist()):
        neighbours[x].add(y)
        neighbours[y].add(x)
    added: list[tuple[int, int]] = []
    weakened: set[tuple[int, int]] = set()
    order = rng.permutation(participants).tolist()
    by_country: dict[int, list[int]] = {}
    for p in order:
        by_country.setdefault(int(country[p]), []).append(p)

    def untied() -> list[int]:
        return [p for p in order if not neighbours[p]]

    for _step in range(10 * len(order) + 10):
        surplus = len(untied()) - target_untied
        if surplus == 0:
            break
        if surplus > 0:
            # Tie a loner to a compatriot participant (a tied one unless two loners are too many).
            fixable = next(
                (
                    (p, q)
                    for p in untied()
                    for q in by_country[int(country[p])]
                    if q != p and (neighbours[q] or surplus >= 2) and (min(p, q), max(p, q)) not in weakened
                ),
                None,
            )
            if fixable is None:
                raise RuntimeError(
                    f"cannot tie {surplus} more participants: the untied ones have no compatriot "
                    "participant; raise the number of participants or of people"
                )
            p, q = fixable
            added.append((p, q))
            neighbours[p].add(q)
            neighbours[q].add(p)
            continue
        # Weaken all of p's (same-country) participant ties; compatriots left without one count
        # too, so prefer the p that makes exactly the missing number of loners.
        options = [
            (abs(-surplus - made), i, p)
            for i, p in enumerate(order)
            if neighbours[p]
            and all(country[q] == country[p] for q in neighbours[p])
            and (made := 1 + sum(len(neighbours[q]) == 1 for q in neighbours[p]))
        ]
        if not options:
            raise RuntimeError("cannot isolate more participants without breaking cross-country ties")
        p = min(options)[2]
        for q in list(neighbours[p]):
            pair = (min(p, q), max(p, q))
            weakened.add(pair)
            added[:] = [e for e in added if (min(e), max(e)) != pair]
            neighbours[q].discard(p)
        neighbours[p].clear()
    else:
        raise RuntimeError(f"could not reach {target_untied} participants without a participant tie")

    src, dst, strength = trust.src.copy(), trust.dst.copy(), trust.strength.copy()
    if weakened:
        keys = np.array([x * n + y for x, y in sorted(weakened)], dtype=np.int64)
        hit = np.isin(edge_keys(src, dst, n), keys)
        strength[hit] = np.minimum(strength[hit], WEAK_CAP)
    if added:
        row_key = src * n + dst
        new_src, new_dst = [], []
        for p, q in added:
            existing = np.flatnonzero(row_key == p * n + q)
            if len(existing):
                strength[existing] = 5
            else:
                new_src.append(p)
                new_dst.append(q)
        src = np.concatenate([src, np.array(new_src, dtype=np.int64)])
        dst = np.concatenate([dst, np.array(new_dst, dtype=np.int64)])
        strength = np.concatenate([strength, np.full(len(new_src), 5, dtype=np.int64)])
    return Nominations(src, dst, strength)


def plan_bonds(
    rng: np.random.Generator,
    participants: np.ndarray,
    country: np.ndarray,
    outreach_weight: np.ndarray,
    baseline_trust: Nominations,
    avoid: np.ndarray,
    n_later_waves: int,
) -> BondPlan:
    """New strong cross-country bonds among participants and the later wave each starts in.

    Countries are what must stay connected once the bridges go, and people of one country are
    already linked at home, so bonds are laid out on the country level first: a random spanning
    tree over the countries that have bonders (each edge between the least-bonded bonders of its
    two countries), then a cross-country matching of bonders still without a bond, then extra
    bonds until cross-country participant ties reach ``CROSS_COUNTRY_GROWTH`` x baseline.
    Countries without a bonder get one outreach tie from a participant abroad to their person of
    highest ``outreach_weight`` (zero = not eligible). People in ``avoid`` (the bridges) are never endpoints.
    """
    n = len(country)
    a0, b0 = strong_edges(baseline_trust)
    member = np.zeros(n, dtype=bool)
    member[participants] = True
    inside = member[a0] & member[b0]
    seen = set(edge_keys(a0[inside], b0[inside], n).tolist())
    baseline_cross = int((country[a0[inside]] != country[b0[inside]]).sum())

    n_bonders = round(NEW_BOND_SHARE * len(participants))
    # Non-bonders come from well-represented countries, whose other participants keep them linked.
    per_country = np.bincount(country[participants], minlength=int(country.max()) + 1)
    eligible = participants[~np.isin(participants, avoid)]
    crowded = eligible[per_country[country[eligible]] >= 3]
    spare_pool = crowded if len(crowded) >= len(participants) - n_bonders else eligible
    spare = rng.choice(spare_pool, size=len(participants) - n_bonders, replace=False)
    bonders = rng.permutation(np.setdiff1d(participants, spare)).tolist()
    linkable = [p for p in bonders if p not in set(avoid.tolist())]
    bonds_of = {p: 0 for p in bonders}
    pairs: list[tuple[int, int]] = []

    def acceptable(x: int, y: int) -> bool:
        return x != y and country[x] != country[y] and (min(x, y) * n + max(x, y)) not in seen

    def take(x: int, y: int) -> None:
        pairs.append((x, y))
        seen.add(min(x, y) * n + max(x, y))
        bonds_of[x] += 1
        bonds_of[y] += 1

    by_country: dict[int, list[int]] = {}
    for p in linkable:
        by_country.setdefault(int(country[p]), []).append(p)
    bonded_countries = sorted(by_country)
    for _tree in range(SPANNING_TREES):
        order = rng.permutation(bonded_countries).tolist()
        for i, c in enumerate(order[1:], start=1):
            d = order[int(rng.integers(i))]
            for x in sorted(by_country[c], key=lambda p: bonds_of[p]):
                y = next((y for y in sorted(by_country[d], key=lambda p: bonds_of[p]) if acceptable(x, y)), None)
                if y is not None:
                    take(x, y)
                    break
    lonely = [p for p in bonders if bonds_of[p] == 0]
    while lonely:
        x = lonely.pop(0)
        y = next((y for y in lonely if acceptable(x, y)), None)
        if y is None:
            y = next((y for y in rng.permutation(linkable).tolist() if acceptable(x, y)), None)
        else:
            lonely.remove(y)
        if y is not None:
            take(x, y)
    target_cross = round((CROSS_COUNTRY_GROWTH - 1) * baseline_cross)
    attempts = 0
    while len(pairs) < target_cross and attempts < 50 * target_cross:
        attempts += 1
        x, y = (int(v) for v in rng.choice(linkable, size=2, replace=False))
        if acceptable(x, y):
            take(x, y)
    n_bonds = len(pairs)

    candidates = np.flatnonzero(outreach_weight > 0)
    unreached = sorted(set(country[candidates].tolist()) - set(by_country))
    for i, c in enumerate(unreached):
        local = candidates[country[candidates] == c]
        target = int(local[np.argmax(outreach_weight[local])])
        sources = [p for p in linkable if country[p] != c]
        if sources:
            pairs.append((sources[i % len(sources)], target))

    a = np.array([p[0] for p in pairs], dtype=np.int64)
    b = np.array([p[1] for p in pairs], dtype=np.int64)
    weights = np.arange(n_later_waves, 0, -1, dtype=float)  # most bonds start early
    onset = 1 + rng.choice(n_later_waves, size=len(pairs), p=weights / weights.sum())
    outreach = np.arange(len(pairs)) >= n_bonds
    return BondPlan(
        a=a,
        b=b,
        onset=onset,
        strength_ab=rng.integers(STRONG, 6, size=len(pairs)),
        strength_ba=rng.integers(STRONG, 6, size=len(pairs)),
        outreach=outreach,
        bonders=np.sort(np.array(bonders, dtype=np.int64)),
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
    keep &= ~np.isin(edge_keys(trust.src, trust.dst, n), bond_keys)
    base = member[baseline_trust.src] & member[baseline_trust.dst]
    base &= ~np.isin(edge_keys(baseline_trust.src, baseline_trust.dst, n), bond_keys)
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
