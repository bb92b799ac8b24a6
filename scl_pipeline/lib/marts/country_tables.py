"""Country marts of one wave (SPEC §3): ``marts.country_wave_bonds`` and ``marts.country_mixing``.

Both are computed from the wave's graph snapshot; the E-I formulas (and their expected values
under random mixing) are those of :mod:`scl_pipeline.lib.network.wave_stats`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scl_pipeline.lib.network.snapshot import GraphSnapshot
from scl_pipeline.lib.network.wave_stats import expected_ei_by_country

BOND_COLUMNS: tuple[str, ...] = (
    "wave", "country", "people", "internal_edges", "external_edges", "ei_index", "ei_expected",
    "people_with_cross_country_tie", "single_bridge_people",
)
MIXING_COLUMNS: tuple[str, ...] = ("wave", "country", "other_country", "arcs", "row_share", "smaller_country_people")


def country_wave_bonds(
    snapshot: GraphSnapshot, articulation_point: np.ndarray | None = None
) -> pd.DataFrame:
    """``marts.country_wave_bonds`` rows: one per country of the population."""
    country, labels = snapshot.country_codes
    k = len(labels)
    u, v = snapshot.undirected_edges
    cross = country[u] != country[v]
    people = np.bincount(country, minlength=k)
    internal = np.bincount(country[u[~cross]], minlength=k)
    external = np.bincount(country[u[cross]], minlength=k) + np.bincount(country[v[cross]], minlength=k)
    has_cross = np.zeros(snapshot.n, dtype=bool)
    has_cross[u[cross]] = True
    has_cross[v[cross]] = True
    if articulation_point is None:
        articulation_point = np.zeros(snapshot.n, dtype=bool)
        articulation_point[snapshot.graph_u.articulation_points()] = True
    with np.errstate(invalid="ignore", divide="ignore"):
        ei = np.where(internal + external > 0, (external - internal) / (internal + external), np.nan)
    return pd.DataFrame(
        {
            "wave": snapshot.wave,
            "country": labels,
            "people": people,
            "internal_edges": internal,
            "external_edges": external,
            "ei_index": ei,
            "ei_expected": expected_ei_by_country(people),
            "people_with_cross_country_tie": np.bincount(country[has_cross], minlength=k),
            "single_bridge_people": np.bincount(country[articulation_point], minlength=k),
        },
        columns=list(BOND_COLUMNS),
    )


def country_mixing(snapshot: GraphSnapshot) -> pd.DataFrame:
    """``marts.country_mixing``: arcs of D by (country of i, country of j) as (``country``,
    ``other_country``), non-zero pairs only; row_share = arcs / all arcs sent from ``country``;
    smaller_country_people = people in the smaller of the two countries."""
    country, labels = snapshot.country_codes
    src, dst = snapshot.strong_arcs
    k = len(labels)
    keys, counts = np.unique(country[src] * k + country[dst], return_counts=True)
    frm, to = keys // max(k, 1), keys % max(k, 1)
    row_total = np.bincount(frm, weights=counts, minlength=k)
    people = np.bincount(country, minlength=k)
    return pd.DataFrame(
        {
            "wave": snapshot.wave,
            "country": labels[frm] if len(keys) else np.array([], dtype=object),
            "other_country": labels[to] if len(keys) else np.array([], dtype=object),
            "arcs": counts.astype(np.int64),
            "row_share": counts / row_total[frm] if len(keys) else np.array([]),
            # For small-group suppression in the BI copy: a pair is as identifying as its smaller side.
            "smaller_country_people": np.minimum(people[frm], people[to]).astype(np.int64),
        },
        columns=list(MIXING_COLUMNS),
    )
