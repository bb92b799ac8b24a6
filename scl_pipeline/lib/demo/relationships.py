"""Latent working relationships: the realistic organisation-wide network the surveys sample.

A relationship is an undirected pair of colleagues with a *closeness* from 1 to 5 that both of
them see; each survey wave samples directed nominations from it (``survey``). The structure
follows what organisational network studies report (sources in ``docs/demo_organisation.md``):

* **teams and projects** - people under the same manager mostly know each other and their
  manager; each department of a country is also cut at random into project groups of eight
  that often work together: dense, close groups that give the network its clustering;
* **department and country** - further colleagues in the same country, most in the same
  department, chosen in proportion to their popularity, so a few people are named by many
  (central connectors) and in-degree has a long tail;
* **abroad** - about one in ten relationships crosses countries, mostly within the same global
  department and towards popular people (so big countries more often); people of tiny offices,
  who have few compatriots, look abroad instead;
* **triadic closure** - colleagues of colleagues meet: each round, half of the people introduce
  two of their colleagues to each other;
* **periphery** - a few people (remote, part-time, new in the role) keep only some of them.

The parameters were tuned against the published figures listed in ``docs/demo_organisation.md``.

Everything is vectorised numpy over everyone ever employed (joiners included), so 300,000
people take a few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scl_pipeline.lib.demo.organisation import Organisation

# Dense small groups: the manager's team and a cross-team project group within the department.
TEAM_TIES = 6.0  # expected relationships with teammates; the pair probability is capped at TEAM_P
TEAM_P = 0.9
PROJECT_SIZE = 10
PROJECT_P = 0.7
MANAGER_TIE = 0.75  # share of people who have a relationship with their (local) manager
# Further relationships each person seeks (mean draws; the other end is chosen by popularity).
DEPARTMENT_DRAWS = 0.8
COUNTRY_DRAWS = 0.3
ABROAD_DRAWS = 0.6
ABROAD_SAME_DEPARTMENT = 0.6
ABROAD_RETRIES = 4
CLOSURE_ROUNDS = 3
CLOSURE_SHARE = 0.5  # share of people who introduce two of their colleagues in a round
SOCIABILITY_SIGMA = 0.45  # lognormal spread of how many relationships a person seeks
# Some people stay at the edge (remote, part-time, new in the role): they keep only a share of
# the relationships drawn for them, which gives the network its peripheral people.
PERIPHERAL_SHARE = 0.06
PERIPHERAL_KEEP = 0.3
# A department (or country) with fewer people than this cannot host a person's local ties;
# those draws go one level up (country, then abroad).
MIN_LOCAL_POOL = 4
# Popularity sharpened: a few people are named by many (central connectors).
POPULARITY_EXPONENT = 1.8

KINDS: tuple[str, ...] = ("team", "manager", "project", "department", "country", "abroad", "closure")
# Closeness 1..5 by kind: teams and managers are close, distant colleagues less so.
_CLOSENESS_P = np.array(
    [
        [0.02, 0.07, 0.19, 0.37, 0.35],  # team
        [0.02, 0.05, 0.16, 0.37, 0.40],  # manager
        [0.04, 0.10, 0.24, 0.36, 0.26],  # project
        [0.06, 0.13, 0.27, 0.33, 0.21],  # department
        [0.08, 0.18, 0.30, 0.29, 0.15],  # country
        [0.07, 0.17, 0.30, 0.30, 0.16],  # abroad
        [0.05, 0.12, 0.27, 0.34, 0.22],  # closure
    ]
)


@dataclass(frozen=True)
class Relationships:
    """Undirected latent relationships ``a < b`` with their closeness (1..5) and kind."""

    a: np.ndarray
    b: np.ndarray
    closeness: np.ndarray
    kind: np.ndarray  # index into KINDS

    def __len__(self) -> int:
        return len(self.a)


def _block_pick(
    rng: np.random.Generator,
    pool_key: np.ndarray,
    seeker_key: np.ndarray,
    weight: np.ndarray | None = None,
) -> np.ndarray:
    """For each seeker key, one pool position with the same key (``weight``-proportional if given)."""
    order = np.argsort(pool_key, kind="stable")
    sorted_key = pool_key[order]
    lo = np.searchsorted(sorted_key, seeker_key, side="left")
    hi = np.searchsorted(sorted_key, seeker_key, side="right")
    if weight is None:
        return order[lo + np.floor(rng.random(len(seeker_key)) * (hi - lo)).astype(np.int64)]
    cum = np.cumsum(weight[order])
    cum0 = np.concatenate([[0.0], cum])
    target = cum0[lo] + rng.random(len(seeker_key)) * (cum0[hi] - cum0[lo])
    pos = np.clip(np.searchsorted(cum, target, side="right"), lo, hi - 1)
    return order[pos]


def _pool_size(key: np.ndarray) -> np.ndarray:
    """Per person, how many people share their ``key``."""
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    return counts[inverse]


def _group_pairs(
    rng: np.random.Generator, group: np.ndarray, members: np.ndarray, pair_p: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of ``members`` sharing a ``group`` label, each kept with probability
    ``pair_p`` (per group, indexed by the group's rank among the sorted labels)."""
    order = members[np.argsort(group[members], kind="stable")]
    labels, start, size = np.unique(group[order], return_index=True, return_counts=True)
    rank = np.arange(len(order)) - np.repeat(start, size)
    later = np.repeat(size, size) - 1 - rank  # partners after each member in its group
    first = np.repeat(np.arange(len(order)), later)
    offset = np.arange(len(first)) - np.repeat(np.cumsum(later) - later, later)
    second = first + 1 + offset
    group_of_pair = np.repeat(np.repeat(np.arange(len(labels)), size), later)
    keep = rng.random(len(first)) < pair_p[group_of_pair]
    return order[first[keep]], order[second[keep]]


def _closure(rng: np.random.Generator, a: np.ndarray, b: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """One round of triadic closure: some people introduce two random colleagues of theirs."""
    src = np.concatenate([a, b])
    dst = np.concatenate([b, a])
    order = np.argsort(src, kind="stable")
    dst = dst[order]
    degree = np.bincount(src, minlength=n)
    start = np.concatenate([[0], np.cumsum(degree)[:-1]])
    brokers = np.flatnonzero((degree >= 2) & (rng.random(n) < CLOSURE_SHARE))
    d = degree[brokers]
    first = np.floor(rng.random(len(brokers)) * d).astype(np.int64)
    # A second, different neighbour: offset by 1..d-1.
    second = (first + 1 + np.floor(rng.random(len(brokers)) * (d - 1)).astype(np.int64)) % d
    return dst[start[brokers] + first], dst[start[brokers] + second]


def build_relationships(rng: np.random.Generator, org: Organisation) -> Relationships:
    """The latent relationships of everyone ever employed in ``org``."""
    n = org.size
    people = np.arange(n)
    sociability = rng.lognormal(-SOCIABILITY_SIGMA**2 / 2, SOCIABILITY_SIGMA, size=n)
    n_dept = int(org.department.max()) + 1
    dept_key = org.country * n_dept + org.department
    dept_pool = _pool_size(dept_key)
    country_pool = _pool_size(org.country)

    # Local draws that a tiny department or country cannot host move one level up.
    dept_mean = DEPARTMENT_DRAWS * sociability
    country_mean = COUNTRY_DRAWS * sociability + np.where(dept_pool < MIN_LOCAL_POOL, dept_mean, 0.0)
    dept_mean = np.where(dept_pool < MIN_LOCAL_POOL, 0.0, dept_mean)
    abroad_mean = ABROAD_DRAWS * sociability + np.where(country_pool < MIN_LOCAL_POOL, country_mean, 0.0)
    country_mean = np.where(country_pool < MIN_LOCAL_POOL, 0.0, country_mean)

    local_manager = (org.manager >= 0) & (org.country == org.country[np.maximum(org.manager, 0)])
    in_team = np.flatnonzero(local_manager)
    team_size = np.unique(org.manager[in_team], return_counts=True)[1]
    team = _group_pairs(rng, org.manager, in_team, np.minimum(TEAM_P, TEAM_TIES / np.maximum(team_size - 1, 1)))
    with_manager = people[local_manager & (rng.random(n) < MANAGER_TIE)]
    # Project groups: each department of a country cut at random into groups of PROJECT_SIZE.
    shuffled = np.lexsort((rng.random(n), dept_key))
    slot = np.empty(n, dtype=np.int64)
    slot[shuffled] = np.arange(n) - np.searchsorted(dept_key[shuffled], dept_key[shuffled], side="left")
    project_key = dept_key * (n + 1) + slot // PROJECT_SIZE
    n_projects = len(np.unique(project_key))
    project = _group_pairs(rng, project_key, people, np.full(n_projects, PROJECT_P))

    dept_seekers = np.repeat(people, rng.poisson(dept_mean))
    dept = _block_pick(rng, dept_key, dept_key[dept_seekers], org.popularity**POPULARITY_EXPONENT)
    country_seekers = np.repeat(people, rng.poisson(country_mean))
    country = _block_pick(rng, org.country, org.country[country_seekers], org.popularity**POPULARITY_EXPONENT)
    abroad_seekers = np.repeat(people, rng.poisson(abroad_mean))
    abroad = _abroad_pick(rng, org, abroad_seekers, n_dept)

    src = [team[0], with_manager, project[0], dept_seekers, country_seekers, abroad_seekers]
    dst = [team[1], org.manager[with_manager], project[1], dept, country, abroad]
    kind = [np.full(len(x), k, dtype=np.int64) for k, x in enumerate(src)]
    a, b, k = _dedupe(np.concatenate(src), np.concatenate(dst), np.concatenate(kind), n)
    for _round in range(CLOSURE_ROUNDS):
        x, y = _closure(rng, a, b, n)
        a, b, k = _dedupe(
            np.concatenate([a, x]), np.concatenate([b, y]), np.concatenate([k, np.full(len(x), len(KINDS) - 1)]), n
        )
    peripheral = rng.random(n) < PERIPHERAL_SHARE
    keep_p = np.where(peripheral[a], PERIPHERAL_KEEP, 1.0) * np.where(peripheral[b], PERIPHERAL_KEEP, 1.0)
    kept = rng.random(len(a)) < keep_p
    a, b, k = a[kept], b[kept], k[kept]
    cum = np.cumsum(_CLOSENESS_P, axis=1)
    closeness = 1 + (rng.random(len(a))[:, None] > cum[k]).sum(axis=1)
    return Relationships(a=a, b=b, closeness=closeness.astype(np.int64), kind=k)


def _abroad_pick(rng: np.random.Generator, org: Organisation, seekers: np.ndarray, n_dept: int) -> np.ndarray:
    """Colleagues in another country: same department worldwide for ``ABROAD_SAME_DEPARTMENT`` of
    the draws, anyone otherwise; popularity-weighted, so big countries are reached more often.

    The pool is the population twice over: keyed by department, then all under one key.
    """
    n = org.size
    pool_key = np.concatenate([org.department, np.full(n, n_dept)])
    weight = np.tile(org.popularity**POPULARITY_EXPONENT, 2)
    key = np.where(rng.random(len(seekers)) < ABROAD_SAME_DEPARTMENT, org.department[seekers], n_dept)
    picked = _block_pick(rng, pool_key, key, weight) % n
    for _retry in range(ABROAD_RETRIES):  # a pick at home is drawn again
        home = np.flatnonzero(org.country[picked] == org.country[seekers])
        if not len(home):
            break
        picked[home] = _block_pick(rng, pool_key, key[home], weight) % n
    return picked


def _dedupe(
    src: np.ndarray, dst: np.ndarray, kind: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Undirected pairs ``a < b`` once each (the first kind drawn wins), self pairs dropped."""
    keep = src != dst
    a = np.minimum(src[keep], dst[keep])
    b = np.maximum(src[keep], dst[keep])
    _, first = np.unique(a * n + b, return_index=True)
    return a[first], b[first], kind[keep][first]
