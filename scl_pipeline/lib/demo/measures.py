"""What the generator planted, measured on its own arrays for the truth file (SPEC §3b terms).

Tests and the lead compare these with what the pipeline and independent re-computations from
the landing files find; nothing here reads a file.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from scl_pipeline.lib.demo.network import cross_country_ties, edge_keys, strong_edges, strong_in_degree, unique_sorted
from scl_pipeline.lib.demo.survey import Nominations
from scl_pipeline.lib.resilience.components import fragmentation_from_sizes

DID_METRICS: tuple[str, ...] = ("strong_in_degree", "cross_country_ties", "countries_reached")


def induced_edges(nominations: Nominations, member: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edges of U with both ends in ``member`` (a < b)."""
    inside = member[nominations.src] & member[nominations.dst]
    return strong_edges(Nominations(nominations.src[inside], nominations.dst[inside], nominations.strength[inside]))


def _labels(nodes: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Component label per node of the graph on ``nodes`` (sorted) with edges (a, b)."""
    i, j = np.searchsorted(nodes, a), np.searchsorted(nodes, b)
    graph = sp.coo_matrix((np.ones(len(i)), (i, j)), shape=(len(nodes), len(nodes)))
    return connected_components(graph, directed=False)[1]


def _without(nodes: np.ndarray, a: np.ndarray, b: np.ndarray, removed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keep = ~np.isin(nodes, removed)
    edge = ~(np.isin(a, removed) | np.isin(b, removed))
    rest = nodes[keep]
    return rest, _labels(rest, a[edge], b[edge])


def _largest(labels: np.ndarray) -> int:
    return int(np.argmax(np.bincount(labels))) if len(labels) else -1


def removal(nodes: np.ndarray, a: np.ndarray, b: np.ndarray, removed: np.ndarray) -> dict[str, float]:
    """Largest-component share and fragmentation (Borgatti) before and after removing people."""
    out: dict[str, float] = {"removed": int(np.isin(nodes, removed).sum())}
    for when, gone in (("before", np.zeros(0, dtype=np.int64)), ("after", removed)):
        rest, labels = _without(nodes, a, b, gone)
        sizes = np.bincount(labels)
        out[f"largest_component_share_{when}"] = float(sizes.max() / sizes.sum())
        out[f"fragmentation_{when}"] = fragmentation_from_sizes(sizes)
    return out


def bridge_criticality(
    nodes: np.ndarray, a: np.ndarray, b: np.ndarray, country: np.ndarray, people: np.ndarray
) -> dict[int, dict]:
    """SPEC §3b people_cut_off, pieces and countries_cut_off of removing each of ``people``."""
    labels = _labels(nodes, a, b)
    big = nodes[labels == _largest(labels)]
    out = {}
    for v in people.tolist():
        rest, after = _without(nodes, a, b, np.array([v]))
        in_big = rest[after == _largest(after)]
        own = labels[np.searchsorted(nodes, v)]
        was_with_v = np.isin(rest, nodes[labels == own])
        out[v] = {
            "people_cut_off": int(np.isin(big, rest).sum() - np.isin(big, in_big).sum()),
            "pieces": int(len(np.unique(after[was_with_v]))),
            "countries_cut_off": sorted(set(country[big].tolist()) - set(country[in_big].tolist())),
        }
    return out


def participant_wave(
    trust: Nominations, member: np.ndarray, country: np.ndarray, baseline_keys: np.ndarray
) -> dict[str, float]:
    """The participant_network figures of one wave (participants all present)."""
    a, b = induced_edges(trust, member)
    participants = np.flatnonzero(member)
    tied = np.union1d(a, b)
    new = ~np.isin(edge_keys(a, b, len(member)), baseline_keys)
    bonded = np.union1d(a[new], b[new])
    return {
        "participants": int(len(participants)),
        "without_participant_tie": int(len(participants) - len(tied)),
        "ties": int(len(a)),
        "cross_country_ties": int((country[a] != country[b]).sum()),
        "new_bond_share": float(len(bonded) / len(participants)),
    }


def person_metrics(trust: Nominations, country: np.ndarray) -> dict[str, np.ndarray]:
    """strong_in_degree, cross_country_ties and countries_reached per person (SPEC §2)."""
    n = len(country)
    a, b = strong_edges(trust)
    cross = country[a] != country[b]
    # Distinct (person, other country) pairs over U's cross-country edges.
    ends = np.concatenate([a[cross] * n + country[b[cross]], b[cross] * n + country[a[cross]]])
    reached = np.bincount(unique_sorted(ends) // n, minlength=n)
    return {
        "strong_in_degree": strong_in_degree(trust, n),
        "cross_country_ties": cross_country_ties(a, b, country, n),
        "countries_reached": reached,
    }


def difference_in_differences(
    baseline: Nominations, now: Nominations, country: np.ndarray, treated: np.ndarray, control: np.ndarray
) -> dict[str, dict[str, float]]:
    """SPEC §3b difference-in-differences of the group means (people present in both waves)."""
    before, after = person_metrics(baseline, country), person_metrics(now, country)
    out = {}
    for metric in DID_METRICS:
        means = {
            f"{group}_{when}": float(values[metric][people].mean())
            for group, people in (("participants", treated), ("control", control))
            for when, values in (("baseline", before), ("now", after))
        }
        means["did"] = (means["participants_now"] - means["participants_baseline"]) - (
            means["control_now"] - means["control_baseline"]
        )
        out[metric] = means
    return out
