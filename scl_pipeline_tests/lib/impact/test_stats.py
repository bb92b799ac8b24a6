"""Wilson interval, two-proportion test and bootstrap against published values, scipy and closed forms."""

import math

import numpy as np
import pytest
from scipy.stats import chi2_contingency

from scl_pipeline.lib.impact.stats import bootstrap_did, two_proportion_test, wilson_interval

# Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison of seven
# methods", Statistics in Medicine 17:857-872, Table II, method 3 (Wilson score, no continuity correction).
NEWCOMBE_WILSON = {(81, 263): (0.2553, 0.3662), (15, 148): (0.0624, 0.1605), (0, 20): (0.0, 0.1611), (1, 29): (0.0061, 0.1718)}


@pytest.mark.parametrize(("k", "n"), sorted(NEWCOMBE_WILSON))
def test_wilson_matches_the_published_table(k, n):
    low, high = wilson_interval(k, n)
    assert (round(low, 4), round(high, 4)) == NEWCOMBE_WILSON[(k, n)]


@pytest.mark.parametrize(("k", "n"), [(0, 1), (3, 8), (41, 63), (83, 330), (330, 330), (7, 7)])
def test_wilson_matches_the_closed_form(k, n):
    # Wilson (1927) score interval written out, independent of scipy (which stats.py calls).
    z, p = 1.959963984540054, k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert wilson_interval(k, n) == pytest.approx((max(centre - half, 0.0), min(centre + half, 1.0)), abs=1e-9)


def test_wilson_empty_group_and_bad_count():
    assert all(math.isnan(x) for x in wilson_interval(0, 0))
    with pytest.raises(ValueError, match="between 0 and n"):
        wilson_interval(5, 4)


@pytest.mark.parametrize(("a", "na", "b", "nb"), [(41, 63, 83, 330), (3, 8, 3, 40), (10, 20, 9, 25), (1, 5, 4, 5)])
def test_p_value_equals_the_uncorrected_chi_square_of_the_2x2_table(a, na, b, nb):
    diff, p = two_proportion_test(a, na, b, nb)
    chi2, p_chi2, _, _ = chi2_contingency([[a, na - a], [b, nb - b]], correction=False)
    assert diff == pytest.approx(a / na - b / nb)
    assert p == pytest.approx(p_chi2, rel=1e-9)
    # Closed form by hand for the first case: pooled 124/393.
    if (a, na, b, nb) == (41, 63, 83, 330):
        pooled = 124 / 393
        z = (41 / 63 - 83 / 330) / math.sqrt(pooled * (1 - pooled) * (1 / 63 + 1 / 330))
        assert p == pytest.approx(math.erfc(abs(z) / math.sqrt(2)), rel=1e-12)


def test_p_value_without_variation_and_for_an_empty_group():
    assert two_proportion_test(0, 10, 0, 20) == (0.0, 1.0)
    assert two_proportion_test(10, 10, 20, 20) == (0.0, 1.0)
    assert all(math.isnan(x) for x in two_proportion_test(1, 0, 2, 5))


def test_bootstrap_is_reproducible_and_seed_dependent():
    rng = np.random.default_rng(5)
    treated, control = rng.normal(2, 1, 30), rng.normal(0, 1.5, 120)
    first = bootstrap_did(treated, control, draws=2000, seed=7)
    assert bootstrap_did(treated, control, draws=2000, seed=7) == first
    assert bootstrap_did(treated, control, draws=2000, seed=8) != first
    estimate = treated.mean() - control.mean()
    assert first[0] < estimate < first[1]


def test_bootstrap_spread_matches_the_standard_error_of_a_difference_of_means():
    # The bootstrap distribution of mean(T) - mean(C) has variance var(T)/nT + var(C)/nC
    # (population variances of the samples); a percentile 95 % interval spans about 2 x 1.96 SE.
    rng = np.random.default_rng(11)
    treated, control = rng.exponential(2.0, 400), rng.normal(1.0, 3.0, 900)
    se = math.sqrt(treated.var() / len(treated) + control.var() / len(control))
    low, high = bootstrap_did(treated, control, draws=4000, seed=3)
    assert (high - low) == pytest.approx(2 * 1.959964 * se, rel=0.08)
    centre = treated.mean() - control.mean()
    assert (low + high) / 2 == pytest.approx(centre, abs=0.15 * se * 2)


def test_bootstrap_blocks_do_not_change_the_result(monkeypatch):
    # Many people force several blocks of draws; the interval is the same as in one block.
    import scl_pipeline.lib.impact.stats as stats

    values = np.arange(50, dtype=float)
    one_block = bootstrap_did(values, values[::-1] * 0.5, draws=2000, seed=1)
    monkeypatch.setattr(stats, "_BLOCK_CELLS", 50 * 7)
    assert bootstrap_did(values, values[::-1] * 0.5, draws=2000, seed=1) == one_block


def test_bootstrap_empty_group_and_single_person():
    assert all(math.isnan(x) for x in bootstrap_did(np.array([]), np.array([1.0, 2.0])))
    # One person per group: every draw is the same difference.
    assert bootstrap_did(np.array([3.0]), np.array([1.0])) == (2.0, 2.0)
