"""Removal scenarios on a scope graph (SPEC §3b): who leaves, and what the network looks like after.

A :class:`Removal` is a scenario resolved for one scope (the people it asks to remove). Builders
make the built-in kinds; :func:`evaluate_removals` measures any list of them against the
scope's intact graph, computed once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from scl_pipeline.lib.resilience.components import (
    component_labels, country_pairs_connected, fragmentation_from_sizes, largest_share,
)
from scl_pipeline.lib.resilience.scenario_file import ScenarioSpec
from scl_pipeline.lib.resilience.scopes import ScopeGraph

CROSS_COUNTRY_HOLDERS = "country_cross_country_holders"
SINGLE_BRIDGES = "country_single_bridges"
BASELINE_SINGLE_BRIDGES = "baseline_single_bridges"
USER = "user"
SCENARIO_COLUMNS: tuple[str, ...] = (
    "scenario", "kind", "country", "requested_people", "removed_people", "missing_people",
    "people_before", "components_before", "components_after", "largest_component_share_before",
    "largest_component_share_after", "fragmentation_before", "fragmentation_after",
    "country_pairs_disconnected",
)
_TEXT = ("scenario", "kind", "country")
_SHARES = ("largest_component_share_before", "largest_component_share_after", "fragmentation_before",
           "fragmentation_after")
# Fixed types, so a table with no rows yet (no baseline, no scenario) is created with the types
# of the tables it is unioned with.
SCENARIO_DTYPES: dict[str, str] = {
    c: ("object" if c in _TEXT else "float64" if c in _SHARES else "int64") for c in SCENARIO_COLUMNS
}


@dataclass(frozen=True)
class Removal:
    """One scenario for one scope: remove ``employee_ids`` (ids absent from the scope are
    reported as missing). ``requested_people`` is what the scenario asked for: the number of
    ids, or k for a country's top k."""

    name: str
    kind: str
    country: str | None
    employee_ids: tuple[str, ...]
    requested_people: int


@dataclass(frozen=True)
class _Intact:
    labels: np.ndarray
    sizes: np.ndarray
    pairs: np.ndarray


def _intact(scope: ScopeGraph) -> _Intact:
    labels, sizes = component_labels(scope)
    return _Intact(labels, sizes, country_pairs_connected(labels, scope.country, scope.n_countries))


def _per_country(scope: ScopeGraph, kind: str, flagged: np.ndarray) -> list[Removal]:
    """One removal per country present in the scope: its people with ``flagged`` set."""
    out = []
    for code in np.unique(scope.country):
        ids = scope.employee_id[(scope.country == code) & flagged]
        country = str(scope.country_labels[code])
        out.append(Removal(f"{kind}:{country}", kind, country, tuple(ids), len(ids)))
    return out


def country_cross_country_holders(scope: ScopeGraph) -> list[Removal]:
    """Per country: everyone of it holding a tie (in this scope) to someone of another country."""
    u, v = scope.edges
    cross = scope.country[u] != scope.country[v]
    holders = np.zeros(scope.n, dtype=bool)
    holders[u[cross]] = True
    holders[v[cross]] = True
    return _per_country(scope, CROSS_COUNTRY_HOLDERS, holders)


def country_single_bridges(scope: ScopeGraph) -> list[Removal]:
    """Per country: its articulation points of the scope graph."""
    flags = np.zeros(scope.n, dtype=bool)
    flags[scope.graph.articulation_points()] = True
    return _per_country(scope, SINGLE_BRIDGES, flags)


def baseline_single_bridges(employee_ids: Iterable) -> Removal:
    """The baseline wave's single bridges of this scope, removed again (country: none)."""
    ids = tuple(dict.fromkeys(str(i) for i in employee_ids))
    return Removal(BASELINE_SINGLE_BRIDGES, BASELINE_SINGLE_BRIDGES, None, ids, len(ids))


def user_removals(scope: ScopeGraph, specs: Sequence[ScenarioSpec], betweenness: np.ndarray) -> list[Removal]:
    """The user scenarios that apply to ``scope``. A country's top k: its people in the scope by
    decreasing ``betweenness`` (positional in the scope), equal values in employee_id order."""
    order = scope.order_by(betweenness)
    out = []
    for spec in specs:
        if scope.name not in spec.scopes:
            continue
        if spec.employee_ids is not None:
            out.append(Removal(spec.name, USER, None, spec.employee_ids, len(spec.employee_ids)))
            continue
        code = np.flatnonzero(scope.country_labels == spec.country)
        in_country = order[scope.country[order] == code[0]] if len(code) else order[:0]
        ids = tuple(scope.employee_id[in_country[: spec.top_k]])
        out.append(Removal(spec.name, USER, spec.country, ids, spec.top_k))
    return out


def evaluate_removals(scope: ScopeGraph, removals: Sequence[Removal]) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """One row per removal (columns SCENARIO_COLUMNS) and, per scenario name, the ids it named
    that are not in this scope (never dropped silently: counted in ``missing_people``)."""
    names = [r.name for r in removals]
    if len(set(names)) != len(names):
        raise ValueError(f"scope {scope.name}: scenario names must be unique, got duplicates "
                         f"{sorted({x for x in names if names.count(x) > 1})}")
    intact = _intact(scope)
    before = {
        "people_before": scope.n,
        "components_before": len(intact.sizes),
        "largest_component_share_before": largest_share(intact.sizes),
        "fragmentation_before": fragmentation_from_sizes(intact.sizes),
    }
    rows, missing = [], {}
    for removal in removals:
        gone, absent = scope.present(removal.employee_ids)
        if absent:
            missing[removal.name] = absent
        row = {"scenario": removal.name, "kind": removal.kind, "country": removal.country,
               "requested_people": removal.requested_people, "removed_people": len(gone),
               "missing_people": len(absent), **before}
        if len(gone):
            labels, sizes = component_labels(scope, gone)
            pairs = country_pairs_connected(labels, scope.country, scope.n_countries)
        else:
            labels, sizes, pairs = intact.labels, intact.sizes, intact.pairs
        present = np.bincount(scope.country[labels >= 0], minlength=scope.n_countries) > 0
        lost = intact.pairs & ~pairs & np.outer(present, present)
        row.update({
            "components_after": len(sizes),
            "largest_component_share_after": largest_share(sizes),
            "fragmentation_after": fragmentation_from_sizes(sizes),
            "country_pairs_disconnected": int(np.triu(lost, 1).sum()),
        })
        rows.append(row)
    return pd.DataFrame(rows, columns=list(SCENARIO_COLUMNS)).astype(SCENARIO_DTYPES), missing


def empty_scenarios() -> pd.DataFrame:
    """A scenario table without rows, with the columns and types of :func:`evaluate_removals`."""
    return pd.DataFrame(columns=list(SCENARIO_COLUMNS)).astype(SCENARIO_DTYPES)
