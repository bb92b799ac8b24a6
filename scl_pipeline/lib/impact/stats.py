"""The few statistics the impact marts rest on, each a closed form or a seeded resampling.

- :func:`wilson_interval`: the Wilson score interval of a proportion (Wilson 1927), which keeps
  its coverage near 95 % for the small groups and extreme shares of an experiment, where the
  textbook normal ("Wald") interval collapses to a point at 0 % or 100 %; scipy's
  ``binomtest(k, n).proportion_ci(method="wilson")`` computes it, this adds the empty group.
- :func:`two_proportion_test`: difference of two shares and the two-sided p-value of the pooled
  two-proportion z-test (the chi-square test of a 2 x 2 table without continuity correction).
- :func:`bootstrap_did`: the percentile interval of a difference in mean changes, resampling
  the two groups' people separately, vectorised in blocks of draws;
  :func:`bootstrap_mean`: the same for the mean of one set of per-unit differences (matched sets).

Why the bootstrap is not ``scipy.stats.bootstrap`` (scipy 1.17): it refuses a sample of one
observation, and a group of one participant (or one matched set) must still get its interval
(here a point); and to bound memory at 13,000 people x 2,000 draws it must run in batches, and
scipy draws the samples batch by batch (treated, control, treated, ...), so its interval would
depend on the batch size. Here the treated group's draws all come first, then the control's,
whatever the block size (the tests pin both).
"""

from __future__ import annotations

import math

import numpy as np

# Draws x people resampled at once; caps memory near 32 MB of int64 indices per block.
_BLOCK_CELLS = 4_000_000


def wilson_interval(count: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """(low, high) of the Wilson score interval for ``count`` successes in ``n`` trials.

    NaNs when ``n`` is 0: a share of nobody has no interval.
    """
    if n <= 0:
        return float("nan"), float("nan")
    if not 0 <= count <= n:
        raise ValueError(f"count {count} is not between 0 and n = {n}")
    from scipy.stats import binomtest  # scipy.stats costs ~1 s to import: only where a run needs it

    ci = binomtest(count, n).proportion_ci(confidence_level=confidence, method="wilson")
    return float(ci.low), float(ci.high)  # scipy returns exactly 0 and 1 at count 0 and n


def two_proportion_test(count_a: int, n_a: int, count_b: int, n_b: int) -> tuple[float, float]:
    """(share_a - share_b, two-sided p-value of the pooled two-proportion z-test).

    NaNs when a group is empty. When both groups are all-yes or all-no the difference is 0 and
    there is no evidence of one: the p-value is 1.
    """
    if n_a <= 0 or n_b <= 0:
        return float("nan"), float("nan")
    diff = count_a / n_a - count_b / n_b
    pooled = (count_a + count_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if se == 0:
        return diff, 1.0
    from scipy.stats import norm

    return diff, float(2 * norm.sf(abs(diff) / se))


def _bootstrap_means(values: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
    """Mean of ``values`` resampled with replacement, once per draw."""
    n = len(values)
    out = np.empty(draws, dtype=np.float64)
    block = max(1, _BLOCK_CELLS // max(n, 1))
    for start in range(0, draws, block):
        stop = min(draws, start + block)
        picks = rng.integers(0, n, size=(stop - start, n))
        out[start:stop] = values[picks].mean(axis=1)
    return out


def bootstrap_did(
    change_treated: np.ndarray,
    change_control: np.ndarray,
    *,
    draws: int = 2_000,
    seed: int = 0,
    confidence: float = 0.95,
) -> tuple[float, float]:
    """Percentile interval of mean(change_treated) - mean(change_control).

    People are resampled with replacement within their own group (group sizes stay fixed, as in
    the design: the program chose its participants, the comparison its controls). The treated
    group's draws come first from ``np.random.default_rng(seed)``, then the control group's, so
    one seed gives one interval. NaNs when a group is empty.
    """
    treated = np.asarray(change_treated, dtype=np.float64)
    control = np.asarray(change_control, dtype=np.float64)
    if len(treated) == 0 or len(control) == 0:
        return float("nan"), float("nan")
    if draws < 1:
        raise ValueError(f"draws must be at least 1, got {draws}")
    rng = np.random.default_rng(seed)
    did = _bootstrap_means(treated, draws, rng) - _bootstrap_means(control, draws, rng)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(did, [tail, 100 - tail])
    return float(low), float(high)


def bootstrap_mean(
    values: np.ndarray, *, draws: int = 2_000, seed: int = 0, confidence: float = 0.95
) -> tuple[float, float]:
    """Percentile interval of mean(``values``), resampling the values (one per unit: a matched
    participant's change minus its controls' mean change) with replacement, from
    ``np.random.default_rng(seed)``. NaNs when there is no value."""
    values = np.asarray(values, dtype=np.float64)
    if len(values) == 0:
        return float("nan"), float("nan")
    if draws < 1:
        raise ValueError(f"draws must be at least 1, got {draws}")
    means = _bootstrap_means(values, draws, np.random.default_rng(seed))
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(low), float(high)
