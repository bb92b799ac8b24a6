"""Network roles (SPEC §2 roles table) with every threshold configurable.

Percentiles are over the whole wave population, zeros included, numpy's default linear
interpolation. :func:`assign_roles` returns the flags per person and the thresholds actually
used (``marts.role_thresholds``), so a wave's roles can be reproduced from its own numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scl_pipeline.lib.network.snapshot import NODE_ID

ROLE_NAMES: tuple[str, ...] = (
    "central_connector",
    "boundary_spanner",
    "information_broker",
    "catalyst",
    "peripheral",
    "single_bridge",
)
THRESHOLD_COLUMNS: tuple[str, ...] = (
    "wave", "role", "metric", "percentile", "percentile_value", "floor", "threshold", "rule",
)
REQUIRED_METRICS: tuple[str, ...] = (
    NODE_ID, "strong_in_degree", "strong_out_degree", "degree_u", "betweenness",
    "cross_country_ties", "neighbour_communities", "articulation_point",
)


@dataclass(frozen=True)
class RoleConfig:
    """Role thresholds; defaults are SPEC §2's."""

    percentile: float = 90.0
    min_in_degree: int = 3  # central connector floor
    min_cross_country_ties: int = 1  # boundary spanner floor
    broker_min_communities: int = 2
    energy_relation: str = "energy"
    energy_min_rating: int = 4
    energy_floor: int = 3
    catalyst_percentile: float = 75.0  # rule without an energy relation
    catalyst_min_in_degree: int = 2
    catalyst_in_out_ratio: float = 2.0
    peripheral_max_degree: int = 1


def energy_in_degree(
    nodes: pd.DataFrame, ties: pd.DataFrame, config: RoleConfig = RoleConfig()
) -> pd.Series | None:
    """In-degree of energy ratings >= ``energy_min_rating`` per employee_id (order of ``nodes``),
    or ``None`` when the survey has no row of the energy relation. A rating without strength
    counts as energising, like a tie without strength counts as strong."""
    energy = ties[ties["relation"].astype(str) == config.energy_relation]
    if energy.empty:
        return None
    strength = pd.array(energy["strength"], dtype="Int64").fillna(config.energy_min_rating)
    named = energy.loc[np.asarray(strength >= config.energy_min_rating), "nominee_id"].astype(str)
    counts = named.value_counts()
    ids = nodes[NODE_ID].astype(str)
    return pd.Series(counts.reindex(ids).fillna(0).astype(np.int64).to_numpy(), index=ids, name="energy_in_degree")


def _pct(values: np.ndarray, q: float) -> float:
    return float(np.percentile(values, q)) if len(values) else float("nan")


def assign_roles(
    metrics: pd.DataFrame,
    config: RoleConfig = RoleConfig(),
    *,
    energy_in: pd.Series | None = None,
    wave: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Role flags per person and the thresholds table.

    ``metrics`` is :func:`person_metrics` output; ``energy_in`` (from :func:`energy_in_degree`,
    indexed by employee_id) switches the catalyst rule to the energy version.
    """
    missing = [c for c in REQUIRED_METRICS if c not in metrics.columns]
    if missing:
        raise ValueError(f"metrics: missing column(s) {missing} needed for roles")
    p = config.percentile
    strong_in = metrics["strong_in_degree"].to_numpy(np.float64)
    strong_out = metrics["strong_out_degree"].to_numpy(np.float64)
    cross = metrics["cross_country_ties"].to_numpy(np.float64)
    btw = metrics["betweenness"].to_numpy(np.float64)
    flags = pd.DataFrame({NODE_ID: metrics[NODE_ID].to_numpy(dtype=object)})
    rows: list[dict] = []

    def record(role, metric, percentile, value, floor, threshold, rule):
        rows.append(dict(wave=wave, role=role, metric=metric, percentile=percentile,
                         percentile_value=value, floor=floor, threshold=threshold, rule=rule))

    v = _pct(strong_in, p)
    thr = max(config.min_in_degree, v)
    flags["central_connector"] = strong_in >= thr
    record("central_connector", "strong_in_degree", p, v, config.min_in_degree, thr,
           "strong_in_degree >= max(floor, percentile_value)")

    v = _pct(cross, p)
    thr = max(config.min_cross_country_ties, v)
    flags["boundary_spanner"] = cross >= thr
    record("boundary_spanner", "cross_country_ties", p, v, config.min_cross_country_ties, thr,
           "cross_country_ties >= max(floor, percentile_value)")

    v = _pct(btw, p)
    flags["information_broker"] = (
        (btw >= v) & (btw > 0)
        & (metrics["neighbour_communities"].to_numpy() >= config.broker_min_communities)
    )
    record("information_broker", "betweenness", p, v, 0.0, v,
           f"betweenness >= percentile_value and > 0 and neighbours in >= "
           f"{config.broker_min_communities} communities")

    if energy_in is not None:
        energy = energy_in.reindex(metrics[NODE_ID].astype(str)).fillna(0).to_numpy(np.float64)
        v = _pct(energy, p)
        thr = max(config.energy_floor, v)
        flags["catalyst"] = energy >= thr
        record("catalyst", f"energy_in_degree(rating >= {config.energy_min_rating})", p, v,
               config.energy_floor, thr, "energy_in_degree >= max(floor, percentile_value)")
    else:
        q = config.catalyst_percentile
        v = _pct(strong_in, q)
        thr = max(config.catalyst_min_in_degree, v)
        flags["catalyst"] = (strong_in >= thr) & (strong_in >= config.catalyst_in_out_ratio * strong_out)
        record("catalyst", "strong_in_degree", q, v, config.catalyst_min_in_degree, thr,
               f"no energy relation: strong_in_degree >= max(floor, percentile_value) and >= "
               f"{config.catalyst_in_out_ratio:g} x strong_out_degree")

    flags["peripheral"] = metrics["degree_u"].to_numpy() <= config.peripheral_max_degree
    record("peripheral", "degree_u", float("nan"), float("nan"), float("nan"),
           float(config.peripheral_max_degree), "degree_u <= threshold")

    flags["single_bridge"] = metrics["articulation_point"].to_numpy(bool)
    record("single_bridge", "articulation_point", float("nan"), float("nan"), float("nan"),
           float("nan"), "articulation point of U")

    thresholds = pd.DataFrame(rows, columns=list(THRESHOLD_COLUMNS))
    return flags, thresholds
