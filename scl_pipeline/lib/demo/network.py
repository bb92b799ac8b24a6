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
    pairs = np.unique(np.stack([a, b], axis=1), axis=0)
    return pairs[:, 0], pairs[:, 1]


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


def key_collaborators(nominations: Nominations, country: np.ndarray, population: np.ndarray) -> np.ndarray:
    """Central connectors or boundary spanners (SPEC §2 role rules) among ``population``.

    Percentiles are over the whole population, zeros included, numpy's linear interpolation.
    """
    n = len(country)
    indeg = strong_in_degree(nominations, n)
    a, b = strong_edges(nominations)
    cct = cross_country_ties(a, b, country, n)
    connector = indeg >= max(3.0, float(np.percentile(indeg[population], 90)))
    spanner = cct >= max(1.0, float(np.percentile(cct[population], 90)))
    return population & (connector | spanner)


def induced_degree(a: np.ndarray, b: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Per person, the number of U-neighbours inside ``members`` (zero for non-members)."""
    inside = members[a] & members[b]
    n = len(members)
    return np.bincount(a[inside], minlength=n) + np.bincount(b[inside], minlength=n)
