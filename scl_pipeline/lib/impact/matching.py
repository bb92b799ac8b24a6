"""Matched controls: for each participant the k nearest non-participants at the baseline wave.

Method (docs/impact.md, "Matched controls"): nearest-neighbour matching on the Mahalanobis
distance of the baseline covariates that predict change (Rubin 1980; Stuart 2010, "Matching
methods for causal inference"), with a caliper on that distance:

* the skewed covariates (the counts and betweenness, where a few people hold most of the ties)
  are put on a log scale first, log(1 + x / mean x), so a hub does not make every distance about
  itself (Rosenbaum & Rubin 1985 transform skewed covariates the same way); then all are
  whitened with the pooled covariance of participants and candidates (eigen-decomposition,
  directions without variance dropped), so the Euclidean distance of the whitened rows is the
  Mahalanobis distance;
* **without replacement** (the default) the k controls of every participant are chosen together
  by optimal matching: the minimum-total-distance assignment of k slots per participant to
  distinct candidates (``scipy.optimize.linear_sum_assignment``, as R's MatchIt
  ``method = "optimal"``), pairs beyond the caliper costing more than any set of acceptable
  pairs, so the number of acceptable pairs is maximised first;
* **with replacement**, each participant's k nearest candidates within the caliper
  (``scipy.spatial.cKDTree``);
* **exact** columns (country, level, ...) split participants and candidates into strata matched
  separately.

A participant with fewer than k acceptable controls keeps those it has; one with none is
*unmatched*: counted, never silently dropped (:class:`Matching`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scl_pipeline.lib.network.snapshot import NODE_ID

# Baseline metrics that predict a person's change (the DiD metrics) and the role flags.
MATCH_METRICS: tuple[str, ...] = (
    "strong_in_degree", "cross_country_ties", "countries_reached", "betweenness", "constraint",
)
MATCH_FLAGS: tuple[str, ...] = ("central_connector", "boundary_spanner", "information_broker", "catalyst")
MATCH_COVARIATES: tuple[str, ...] = (*MATCH_METRICS, *MATCH_FLAGS)
# Non-negative and right-skewed: compared on a log scale (constraint is a bounded share, flags 0/1).
LOG_SCALE: frozenset[str] = frozenset({"strong_in_degree", "cross_country_ties", "countries_reached", "betweenness"})
DEFAULT_MATCH_K = 3
# Mahalanobis distance: with the 9 covariates two people drawn at random are about 4 apart
# (sqrt(2 x 9)); 1.5 keeps pairs within about a third of that (docs/impact.md: on the
# 13,000-person demo every |SMD| <= 0.1 after matching).
DEFAULT_CALIPER = 1.5
# Constraint is undefined for an isolate; for the distance an isolate counts as fully
# constrained (1, the value of someone with a single tie), not as missing.
ISOLATE_CONSTRAINT = 1.0
PAIR_COLUMNS: tuple[str, ...] = ("participant", "control", "distance")


@dataclass(frozen=True)
class MatchSettings:
    """k controls per participant, with or without replacement, a caliper (Mahalanobis
    distance, None for none), exact-match columns and the covariates."""

    k: int = DEFAULT_MATCH_K
    replace: bool = False
    caliper: float | None = DEFAULT_CALIPER
    exact: tuple[str, ...] = ()
    covariates: tuple[str, ...] = MATCH_COVARIATES

    def __post_init__(self) -> None:
        if self.k < 1:
            raise ValueError(f"impact match_k={self.k}: at least 1 control per participant")
        if self.caliper is not None and not self.caliper > 0:
            raise ValueError(f"impact match_caliper={self.caliper}: a positive Mahalanobis distance, or none")
        if not self.covariates:
            raise ValueError("matching needs at least one covariate")

    @property
    def columns(self) -> tuple[str, ...]:
        """The person_wave_metrics columns matching reads."""
        return (*self.covariates, *self.exact)


@dataclass(frozen=True)
class Matching:
    """Who each participant was matched with, and who could not be."""

    pairs: pd.DataFrame  # participant, control, distance: one row per pair
    participants: int  # participants offered for matching
    unmatched: int  # of them, with no acceptable control (left out of the matched comparison)
    short: int  # matched with fewer than k controls
    settings: MatchSettings

    @property
    def matched(self) -> pd.Index:
        return pd.Index(self.pairs["participant"].unique())

    @property
    def controls(self) -> pd.Index:
        return pd.Index(self.pairs["control"].unique())

    def weights(self) -> pd.Series:
        """Control weight: each participant's controls share a weight of 1 (1/k each when it
        has k); a control used by several participants adds up their shares."""
        sizes = self.pairs.groupby("participant")["control"].transform("size")
        return (1.0 / sizes).groupby(self.pairs["control"]).sum()


def covariate_matrix(frame: pd.DataFrame, covariates: Iterable[str]) -> np.ndarray:
    """The covariates as floats (flags as 0/1); an isolate's constraint as :data:`ISOLATE_CONSTRAINT`,
    any other missing value as the column's median (0 when the column has none)."""
    covariates = list(covariates)
    missing = [c for c in covariates if c not in frame.columns]
    if missing:
        raise ValueError(f"baseline wave person metrics: missing column(s) {missing} needed for matching")
    columns = []
    for column in covariates:
        values = pd.to_numeric(frame[column].astype("Float64"), errors="coerce").astype(np.float64).to_numpy()
        if np.isnan(values).any():
            fill = ISOLATE_CONSTRAINT if column == "constraint" else np.nanmedian(values) if (~np.isnan(values)).any() else 0.0
            values = np.where(np.isnan(values), fill, values)
        columns.append(values)
    return np.column_stack(columns) if columns else np.zeros((len(frame), 0))


def distance_space(
    treated: np.ndarray, pool: np.ndarray, covariates: Iterable[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Both covariate matrices in coordinates where Euclidean distance is the matching distance:
    the :data:`LOG_SCALE` columns as log(1 + x / mean x) over both sets, then :func:`whiten`."""
    treated, pool = treated.astype(np.float64, copy=True), pool.astype(np.float64, copy=True)
    for j, name in enumerate(covariates):
        if name not in LOG_SCALE:
            continue
        mean = float(np.concatenate([treated[:, j], pool[:, j]]).mean()) if len(treated) + len(pool) else 0.0
        if mean > 0:
            treated[:, j] = np.log1p(np.clip(treated[:, j], 0, None) / mean)
            pool[:, j] = np.log1p(np.clip(pool[:, j], 0, None) / mean)
    return whiten(treated, pool)


def whiten(treated: np.ndarray, pool: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both sets in coordinates where Euclidean distance is the Mahalanobis distance under the
    pooled covariance of the two sets (a direction without variance carries no distance)."""
    both = np.vstack([treated, pool])
    centre = both.mean(axis=0)
    cov = np.atleast_2d(np.cov(both, rowvar=False)) if len(both) > 1 else np.zeros((both.shape[1],) * 2)
    values, vectors = np.linalg.eigh(cov)
    keep = values > 1e-12 * max(float(values.max(initial=0.0)), 1.0)
    transform = vectors[:, keep] / np.sqrt(values[keep])
    return (treated - centre) @ transform, (pool - centre) @ transform


def _optimal(t: np.ndarray, c: np.ndarray, k: int, caliper: float | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(participant row, control row, distance) of the minimum-total-distance assignment of k
    slots per participant to distinct controls; pairs beyond the caliper are left out."""
    # scipy's optimize/spatial are imported here, not at module level: every process that loads
    # the code location (CLI, daemon, webserver) would otherwise pay for them.
    from scipy.optimize import linear_sum_assignment
    from scipy.spatial.distance import cdist

    dist = cdist(t, c) if t.shape[1] else np.zeros((len(t), len(c)))
    cost = np.repeat(dist, k, axis=0)
    if caliper is not None:
        # An unacceptable pair costs more than every acceptable pair together: the assignment
        # maximises the number of acceptable pairs first, then minimises their total distance.
        penalty = caliper * cost.shape[0] + 1.0
        cost = np.where(cost <= caliper, cost, penalty + cost)
    rows, cols = linear_sum_assignment(cost)
    who = rows // k
    d = dist[who, cols]
    ok = d <= caliper if caliper is not None else np.ones(len(d), dtype=bool)
    return who[ok], cols[ok], d[ok]


def _nearest(t: np.ndarray, c: np.ndarray, k: int, caliper: float | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each participant's k nearest controls within the caliper (controls may repeat)."""
    from scipy.spatial import cKDTree

    k = min(k, len(c))
    if not t.shape[1]:  # no covariate varies: every candidate is at distance 0
        return np.repeat(np.arange(len(t)), k), np.tile(np.arange(k), len(t)), np.zeros(len(t) * k)
    d, idx = cKDTree(c).query(t, k=k, distance_upper_bound=np.inf if caliper is None else caliper)
    d, idx = np.asarray(d).reshape(len(t), k), np.asarray(idx).reshape(len(t), k)
    ok = np.isfinite(d)
    who = np.repeat(np.arange(len(t)), k).reshape(len(t), k)
    return who[ok], idx[ok], d[ok]


def match_controls(
    baseline: pd.DataFrame, participants: Iterable[str], candidates: Iterable[str], settings: MatchSettings = MatchSettings()
) -> Matching:
    """Match each of ``participants`` with up to k of ``candidates`` on their ``baseline``
    rows (person_wave_metrics of the baseline wave). A participant is never a candidate; people
    without a baseline row cannot be matched (participants among them count as unmatched)."""
    missing = [c for c in (NODE_ID, *settings.columns) if c not in baseline.columns]
    if missing:
        raise ValueError(f"baseline wave person metrics: missing column(s) {missing} needed for matching")
    rows = baseline.assign(**{NODE_ID: baseline[NODE_ID].astype(str)}).drop_duplicates(NODE_ID).set_index(NODE_ID)
    wanted = pd.Index([str(p) for p in participants]).unique()
    treated_ids = wanted[wanted.isin(rows.index)]
    pool_ids = pd.Index([str(c) for c in candidates]).unique()
    pool_ids = pool_ids[pool_ids.isin(rows.index) & ~pool_ids.isin(wanted)]
    t_all = covariate_matrix(rows.loc[treated_ids], settings.covariates)
    c_all = covariate_matrix(rows.loc[pool_ids], settings.covariates)
    t_z, c_z = distance_space(t_all, c_all, settings.covariates) if len(treated_ids) and len(pool_ids) else (t_all, c_all)

    strata_t = _strata(rows.loc[treated_ids], settings.exact)
    strata_c = _strata(rows.loc[pool_ids], settings.exact)
    parts = []
    for key in np.unique(strata_t):
        ti, ci = np.flatnonzero(strata_t == key), np.flatnonzero(strata_c == key)
        if not len(ci):
            continue
        method = _nearest if settings.replace else _optimal
        who, col, d = method(t_z[ti], c_z[ci], settings.k, settings.caliper)
        parts.append(pd.DataFrame({"participant": treated_ids[ti[who]], "control": pool_ids[ci[col]], "distance": d}))
    pairs = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(PAIR_COLUMNS))
    pairs = pairs.sort_values(["participant", "distance", "control"], ignore_index=True)
    per = pairs.groupby("participant").size()
    return Matching(
        pairs=pairs[list(PAIR_COLUMNS)],
        participants=len(wanted),
        unmatched=len(wanted) - len(per),
        short=int((per < settings.k).sum()),
        settings=settings,
    )


def _strata(frame: pd.DataFrame, exact: tuple[str, ...]) -> np.ndarray:
    """One label per row: the combination of its exact-match values (missing is a value)."""
    if not exact:
        return np.zeros(len(frame), dtype=np.int64)
    keys = frame[list(exact)].astype(str).agg("\x1f".join, axis=1) if len(frame) else pd.Series([], dtype=str)
    return keys.to_numpy(dtype=object)
