"""Strong-tie graph arithmetic the generator needs while planting the story (numpy only).

These follow SPEC §2 (strong = strength >= 4, U = undirected strong graph) so the people the
generator calls key collaborators are the ones the pipeline's role rules find.
"""

from __future__ import annotations

import numpy as np

from scl_pipeline.lib.demo.survey import STRONG, Nominations


def strong_edges(nominations: Nominations) -> tuple[np.ndarray, np.ndarray]:
    """Edges of U as sorted pairs ``(a, b)`` with ``a < b``, each once."""
    strong = nominations.strength >= STRONG
    a = np.minimum(nominations.src[strong], nominations.dst[strong])
    b = np.maximum(nominations.src[strong], nominations.dst[strong])
    n = int(max(a.max(initial=0), b.max(initial=0))) + 1
    key = unique_sorted(a * n + b)
    return key // n, key % n


def unique_sorted(values: np.ndarray) -> np.ndarray:
    """``np.unique`` by one sort (numpy's hash-based unique is several times slower here)."""
    values = np.sort(values)
    return values[np.concatenate([[True], values[1:] != values[:-1]])] if len(values) else values


def edge_keys(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """One integer per undirected edge, for set operations between waves."""
    return np.minimum(a, b) * n + np.maximum(a, b)


def strong_in_degree(nominations: Nominations, n: int) -> np.ndarray:
    strong = nominations.strength >= STRONG
    return np.bincount(nominations.dst[strong], minlength=n)


def cross_country_ties(a: np.ndarray, b: np.ndarray, country: np.ndarray, n: int) -> np.ndarray:
    """Per person, the number of U-neighbours in another country."""
    cross = country[a] != country[b]
    return np.bincount(a[cross], minlength=n) + np.bincount(b[cross], minlength=n)


def role_thresholds(nominations: Nominations, country: np.ndarray, population: np.ndarray) -> tuple[float, float]:
    """SPEC §2 central-connector and boundary-spanner thresholds over ``population``.

    Percentiles are over the whole population, zeros included, numpy's linear interpolation.
    """
    n = len(country)
    indeg = strong_in_degree(nominations, n)
    a, b = strong_edges(nominations)
    cct = cross_country_ties(a, b, country, n)
    return (
        max(3.0, float(np.percentile(indeg[population], 90))),
        max(1.0, float(np.percentile(cct[population], 90))),
    )


def key_collaborators(nominations: Nominations, country: np.ndarray, population: np.ndarray) -> np.ndarray:
    """Central connectors or boundary spanners (SPEC §2 role rules) among ``population``."""
    n = len(country)
    connector, spanner = role_thresholds(nominations, country, population)
    a, b = strong_edges(nominations)
    return population & (
        (strong_in_degree(nominations, n) >= connector) | (cross_country_ties(a, b, country, n) >= spanner)
    )


def clear_key_collaborators(
    nominations: Nominations, country: np.ndarray, population: np.ndarray, margin: int
) -> np.ndarray:
    """Key collaborators at least ``margin`` above a role's threshold: a few ties more or less
    do not take the role away."""
    n = len(country)
    connector, spanner = role_thresholds(nominations, country, population)
    a, b = strong_edges(nominations)
    return population & (
        (strong_in_degree(nominations, n) >= connector + margin)
        | (cross_country_ties(a, b, country, n) >= spanner + margin)
    )


def restore_roles(
    rng: np.random.Generator, nominations: Nominations, people: np.ndarray, country: np.ndarray, population: np.ndarray
) -> Nominations:
    """``nominations`` where those of ``people`` who are no longer key collaborators get back the
    fewest strong in-ties that reach a role's threshold again: as a central connector (ties from
    compatriots) or, when that needs fewer, as a boundary spanner (ties from abroad). Weak
    nominations of them are rated 4 instead first, else new ones come from respondents. Ties
    among ``people`` themselves are never touched."""
    src, dst, strength = nominations.src, nominations.dst, nominations.strength.copy()
    n = len(country)
    for _round in range(3):
        fixed = Nominations(src, dst, strength)
        lost = people[~key_collaborators(fixed, country, population)[people]]
        if not len(lost):
            return fixed
        connector, spanner = role_thresholds(fixed, country, population)
        indeg = strong_in_degree(fixed, n)
        a, b = strong_edges(fixed)
        cct = cross_country_ties(a, b, country, n)
        outsider = ~np.isin(src, people)
        respondents = np.setdiff1d(unique_sorted(src), people)
        add_src: list[np.ndarray] = []
        for p in lost.tolist():
            need_connector = int(np.ceil(connector - indeg[p]))
            need_spanner = int(np.ceil(spanner - cct[p]))
            neighbours = np.concatenate([a[b == p], b[a == p]])
            if need_spanner < need_connector:
                need, from_ok = need_spanner, (country != country[p])
                from_ok[neighbours] = False  # a new U-edge abroad, not one more arc of an old one
            else:
                need, from_ok = need_connector, (country == country[p])
            weak = np.flatnonzero((dst == p) & (strength < STRONG) & outsider & from_ok[src])
            weak = weak[np.argsort(-strength[weak], kind="stable")][:need]
            strength[weak] = STRONG
            others = respondents[from_ok[respondents] & ~np.isin(respondents, src[dst == p])]
            add_src.append(rng.choice(others, size=min(need - len(weak), len(others)), replace=False))
        add_dst = np.repeat(lost, [len(x) for x in add_src])
        src = np.concatenate([src, *add_src])
        dst = np.concatenate([dst, add_dst])
        strength = np.concatenate([strength, np.full(len(add_dst), STRONG, dtype=strength.dtype)])
    raise RuntimeError(f"could not give {len(lost)} participants their key-collaborator role back")


def induced_degree(a: np.ndarray, b: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Per person, the number of U-neighbours inside ``members`` (zero for non-members)."""
    inside = members[a] & members[b]
    n = len(members)
    return np.bincount(a[inside], minlength=n) + np.bincount(b[inside], minlength=n)
