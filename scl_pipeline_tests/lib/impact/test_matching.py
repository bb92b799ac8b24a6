"""Matched controls: the Mahalanobis distance against scipy's, the optimal assignment against a
brute-force search, the caliper, exact strata, replacement, and unmatched participants counted."""

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import mahalanobis

from scl_pipeline.lib.impact.matching import (
    MATCH_COVARIATES,
    MatchSettings,
    covariate_matrix,
    distance_space,
    match_controls,
    whiten,
)


def people(n_treated: int, n_pool: int, seed: int = 0, shift: float = 0.8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = n_treated + n_pool
    frame = pd.DataFrame({
        "employee_id": [f"E{i:03d}" for i in range(n)],
        "participant": np.arange(n) < n_treated,
        "country": rng.choice(["DE", "FR"], size=n),
    })
    for j, column in enumerate(MATCH_COVARIATES):
        values = rng.normal(size=n) + shift * frame["participant"].to_numpy()
        frame[column] = values > 0.5 if j >= 5 else values * (1 + j)
    return frame


def test_whitened_distance_is_the_mahalanobis_distance():
    rng = np.random.default_rng(3)
    t, c = rng.normal(size=(4, 3)), rng.normal(size=(30, 3)) @ np.array([[1, 0.5, 0], [0, 1, 0.2], [0, 0, 2]])
    tz, cz = whiten(t, c)
    inverse = np.linalg.inv(np.cov(np.vstack([t, c]), rowvar=False))
    for i, j in itertools.product(range(4), range(30)):
        assert np.linalg.norm(tz[i] - cz[j]) == pytest.approx(mahalanobis(t[i], c[j], inverse))


def test_skewed_covariates_are_compared_on_a_log_scale():
    t, c = np.array([[100.0, 0.3]]), np.array([[1.0, 0.3], [9.0, 0.5], [0.0, 0.1]])
    covariates = ("strong_in_degree", "constraint")
    logged, _ = distance_space(t, c, covariates)
    mean = (100 + 1 + 9 + 0) / 4
    expected = np.log1p(np.array([100.0, 1, 9, 0]) / mean)
    manual, _ = whiten(np.column_stack([expected[:1], [0.3]]), np.column_stack([expected[1:], [0.3, 0.5, 0.1]]))
    assert logged == pytest.approx(manual)


def test_optimal_matching_without_replacement_minimises_the_total_distance():
    frame = people(3, 7, seed=1)
    settings = MatchSettings(k=2, caliper=None)
    match = match_controls(frame, frame["employee_id"][:3], frame["employee_id"][3:], settings)
    assert len(match.pairs) == 6 and match.pairs["control"].is_unique and match.unmatched == 0
    # Brute force: every way of giving the three participants two distinct controls each.
    x = covariate_matrix(frame, MATCH_COVARIATES)
    tz, cz = distance_space(x[:3], x[3:], MATCH_COVARIATES)
    dist = np.linalg.norm(tz[:, None, :] - cz[None, :, :], axis=2)
    best = min(sum(dist[slot // 2, c] for slot, c in enumerate(order))
               for order in itertools.permutations(range(7), 6))
    assert match.pairs["distance"].sum() == pytest.approx(best)


def test_caliper_leaves_participants_unmatched_and_counts_them():
    frame = people(5, 40, seed=2, shift=6.0)  # participants far from everyone
    tight = match_controls(frame, frame["employee_id"][:5], frame["employee_id"][5:], MatchSettings(caliper=0.5))
    assert tight.participants == 5 and tight.unmatched == 5 and tight.pairs.empty
    loose = match_controls(frame, frame["employee_id"][:5], frame["employee_id"][5:], MatchSettings(caliper=None))
    assert loose.unmatched == 0 and len(loose.pairs) == 15
    some = MatchSettings(caliper=float(np.sort(loose.pairs["distance"])[7]))
    partial = match_controls(frame, frame["employee_id"][:5], frame["employee_id"][5:], some)
    assert (partial.pairs["distance"] <= some.caliper).all()
    per = partial.pairs.groupby("participant").size()
    assert partial.unmatched == 5 - len(per) and partial.short == int((per < 3).sum())


def test_exact_strata_and_replacement():
    frame = people(6, 60, seed=4)
    exact = match_controls(frame, frame["employee_id"][:6], frame["employee_id"][6:],
                           MatchSettings(caliper=None, exact=("country",)))
    country = frame.set_index("employee_id")["country"]
    assert (country.loc[exact.pairs["participant"]].to_numpy() == country.loc[exact.pairs["control"]].to_numpy()).all()
    # With replacement every participant takes its own 3 nearest, shared or not; without, the
    # controls are distinct and the total distance can only be larger.
    shared = match_controls(frame, frame["employee_id"][:6], frame["employee_id"][6:],
                            MatchSettings(caliper=None, replace=True))
    alone = match_controls(frame, frame["employee_id"][:6], frame["employee_id"][6:], MatchSettings(caliper=None))
    assert alone.pairs["control"].is_unique
    assert shared.pairs["distance"].sum() <= alone.pairs["distance"].sum() + 1e-9
    assert shared.weights().sum() == pytest.approx(6.0)


def test_participants_without_a_baseline_row_or_candidates_are_unmatched():
    frame = people(3, 10)
    match = match_controls(frame, [*frame["employee_id"][:3], "NOT-THERE"], frame["employee_id"][3:])
    assert match.participants == 4 and match.unmatched >= 1
    nobody = match_controls(frame, frame["employee_id"][:3], [])
    assert nobody.unmatched == 3 and nobody.pairs.empty
    # A participant offered as a candidate is never its own (or anyone's) control.
    itself = match_controls(frame, frame["employee_id"][:3], frame["employee_id"], MatchSettings(caliper=None))
    assert not itself.pairs["control"].isin(frame["employee_id"][:3]).any()


def test_bad_settings_and_missing_columns_are_named():
    with pytest.raises(ValueError, match="match_k=0"):
        MatchSettings(k=0)
    with pytest.raises(ValueError, match="match_caliper=-1"):
        MatchSettings(caliper=-1)
    frame = people(2, 5)
    with pytest.raises(ValueError, match=r"missing column\(s\) \['catalyst'\]"):
        match_controls(frame.drop(columns=["catalyst"]), ["E000"], ["E003"])


def test_covariates_without_variance_match_at_distance_zero():
    frame = people(2, 6)
    for column in MATCH_COVARIATES:
        frame[column] = 1.0
    for replace in (False, True):
        match = match_controls(frame, frame["employee_id"][:2], frame["employee_id"][2:], MatchSettings(replace=replace))
        assert match.unmatched == 0 and len(match.pairs) == 6 and (match.pairs["distance"] == 0).all()
