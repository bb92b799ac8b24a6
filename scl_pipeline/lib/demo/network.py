"""Strong-tie graph arithmetic the generator needs while planting the story (numpy only).

These follow SPEC §2 (strong = strength >= 4, U = undirected strong graph) so the people the
generator calls key collaborators are the ones the pipeline's role rules find.
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class RoleMetrics:
    """Per person strong in-degree and cross-country ties, and SPEC §2's thresholds on them."""

    in_degree: np.ndarray
    cross_country: np.ndarray
    connector: float  # central-connector threshold on in_degree
    spanner: float  # boundary-spanner threshold on cross_country


def role_metrics(nominations: Nominations, country: np.ndarray, population: np.ndarray) -> RoleMetrics:
    """Percentiles are over the whole ``population``, zeros included, numpy's linear interpolation."""
    n = len(country)
    in_degree = strong_in_degree(nominations, n)
    a, b = strong_edges(nominations)
    cross = cross_country_ties(a, b, country, n)
    return RoleMetrics(
        in_degree=in_degree,
        cross_country=cross,
        connector=max(3.0, float(np.percentile(in_degree[population], 90))),
        spanner=max(1.0, float(np.percentile(cross[population], 90))),
    )


def key_collaborators(
    nominations: Nominations, country: np.ndarray, population: np.ndarray, margin: int = 0
) -> np.ndarray:
    """Central connectors or boundary spanners (SPEC §2 role rules) among ``population``; with a
    ``margin``, only those that many ties above a threshold (a few ties less keep the role)."""
    m = role_metrics(nominations, country, population)
    return population & ((m.in_degree >= m.connector + margin) | (m.cross_country >= m.spanner + margin))


def restore_roles(
    rng: np.random.Generator, nominations: Nominations, people: np.ndarray, country: np.ndarray, population: np.ndarray
) -> Nominations:
    """``nominations`` where those of ``people`` who are no longer key collaborators get back the
    fewest strong in-ties that reach a role's threshold again: as a central connector (ties from
    compatriots) or, when that needs fewer, as a boundary spanner (ties from abroad). Weak
    nominations of them are rated 4 instead first, else new ones come from respondents. Ties
    among ``people`` themselves are never touched."""
    src, dst, strength = nominations.src, nominations.dst, nominations.strength.copy()
    is_person = np.zeros(len(country), dtype=bool)
    is_person[people] = True
    for _round in range(3):
        fixed = Nominations(src, dst, strength)
        roles = role_metrics(fixed, country, population)
        keeps = (roles.in_degree[people] >= roles.connector) | (roles.cross_country[people] >= roles.spanner)
        lost = people[~keeps]
        if not len(lost):
            return fixed
        a, b = strong_edges(fixed)
        outsider = ~is_person[src]
        respondents = unique_sorted(src)
        respondents = respondents[~is_person[respondents]]
        add_src: list[np.ndarray] = []
        for p in lost.tolist():
            need_connector = int(np.ceil(roles.connector - roles.in_degree[p]))
            need_spanner = int(np.ceil(roles.spanner - roles.cross_country[p]))
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
