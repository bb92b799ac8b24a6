"""Robustness curves against a networkx removal-and-recount at every k."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from scl_pipeline.lib.network.snapshot import build_snapshot
from scl_pipeline.lib.resilience.curves import (
    CURVE_COLUMNS, SUMMARY_COLUMNS, critical_k, max_k_for, removal_curve, robustness_curves,
)
from scl_pipeline.lib.resilience.scopes import organisation_scope, participants_scope
from scl_pipeline_tests.helpers.datasets import kapferer, lazega, network_inputs
from scl_pipeline_tests.lib.resilience import reference as ref


def _k(value):
    return None if pd.isna(value) else int(value)


def _assert_curve(got, expected):
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12, equal_nan=True)


def test_path_by_degree_written_out():
    graph = nx.path_graph(10)
    scope = ref.scope_of(graph, {v: "AR" for v in graph})
    share, frag = removal_curve(scope, scope.order_by(scope.degree), 3)
    # degree 2 everywhere inside: "1", "2", "3" go first (id order)
    assert list(scope.employee_id[scope.order_by(scope.degree)[:3]]) == ["1", "2", "3"]
    _assert_curve(share, [1.0, 8 / 9, 7 / 8, 6 / 7])
    _assert_curve(frag, [0.0, 1 - 56 / 72, 1 - 42 / 56, 1 - 30 / 42])


def test_star_critical_k():
    graph = nx.star_graph(8)
    scope = ref.scope_of(graph, {v: "AR" for v in graph})
    share, frag = removal_curve(scope, scope.order_by(scope.degree), 2)
    _assert_curve(share, [1.0, 1 / 8, 1 / 7])
    _assert_curve(frag, [0.0, 1.0, 1.0])
    assert critical_k(share) == 1
    assert critical_k(np.array([1.0, 0.9, np.nan])) is None
    assert critical_k(np.array([0.4, 0.9])) == 0


def test_max_k():
    assert max_k_for(200, 0.05) == 10
    assert max_k_for(13_000, 0.05) == 650
    assert max_k_for(201, 0.05) == 11  # ceil
    assert max_k_for(30, 0.05, max_k=50) == 30
    assert max_k_for(0, 0.05) == 0


def test_order_must_be_distinct_people():
    scope = ref.scope_of(nx.path_graph(4), {v: "AR" for v in range(4)})
    with pytest.raises(ValueError, match="distinct people"):
        removal_curve(scope, np.array([1, 1, 2]), 3)


def _check_all_strategies(scope, score, max_k, draws=20, seed=7):
    graph = ref.undirected(scope)
    curve, summary = robustness_curves(scope, np.array([score[p] for p in scope.employee_id]), max_k, draws, seed)
    assert tuple(curve.columns) == CURVE_COLUMNS and tuple(summary.columns) == SUMMARY_COLUMNS
    curves = {s: c.reset_index(drop=True) for s, c in curve.groupby("strategy")}
    assert (curve["people"] == scope.n).all()
    degree = dict(graph.degree)
    for strategy, order in (("betweenness", ref.ranked(graph, score)), ("degree", ref.ranked(graph, degree))):
        share, frag = ref.curve(graph, order, max_k)
        got = curves[strategy]
        assert list(got["k"]) == list(range(max_k + 1))
        _assert_curve(got["largest_component_share"], share)
        _assert_curve(got["fragmentation"], frag)
        assert got["largest_component_share_p05"].isna().all() and (got["draws"] == 1).all()
        row = summary.set_index("strategy").loc[strategy]
        assert (row["max_k"], row["people"]) == (max_k, scope.n)
        assert _k(row["critical_k"]) == next((k for k in range(max_k + 1) if share[k] < 0.5), None)
    # random: draw d removes the first max_k of the d-th permutation of default_rng(seed)
    rng = np.random.default_rng(seed)
    runs = [ref.curve(graph, list(scope.employee_id[rng.permutation(scope.n)[:max_k]]), max_k) for _ in range(draws)]
    shares, frags = np.array([r[0] for r in runs]), np.array([r[1] for r in runs])
    got = curves["random"]
    _assert_curve(got["largest_component_share"], shares.mean(axis=0))
    _assert_curve(got["fragmentation"], frags.mean(axis=0))
    _assert_curve(got["largest_component_share_p05"], np.percentile(shares, 5, axis=0))
    _assert_curve(got["largest_component_share_p95"], np.percentile(shares, 95, axis=0))
    _assert_curve(got["fragmentation_p05"], np.percentile(frags, 5, axis=0))
    _assert_curve(got["fragmentation_p95"], np.percentile(frags, 95, axis=0))
    assert (got["draws"] == draws).all()
    mean = shares.mean(axis=0)
    assert _k(summary.set_index("strategy").loc["random", "critical_k"]) == next(
        (k for k in range(max_k + 1) if mean[k] < 0.5), None)
    return curve, summary


def test_random_graphs_every_strategy_every_k():
    rng = np.random.default_rng(11)
    for seed in range(12):
        n = int(rng.integers(5, 40))
        graph = nx.gnm_random_graph(n, int(rng.integers(n // 2, 3 * n)), seed=seed)
        scope = ref.scope_of(graph, {v: "AR" for v in graph})
        _check_all_strategies(scope, nx.betweenness_centrality(ref.undirected(scope)), int(rng.integers(0, n + 1)))


def test_lazega_and_kapferer_scopes():
    data = lazega("friendship")
    snap = build_snapshot(*network_inputs(data))
    partners = data.hr.loc[data.hr["level"] == "partner", "employee_id"]
    for scope in (organisation_scope(snap), participants_scope(snap, partners)):
        score = nx.betweenness_centrality(ref.undirected(scope))
        _check_all_strategies(scope, score, 12)
    snap = build_snapshot(*network_inputs(kapferer(1)))
    scope = organisation_scope(snap)
    curve, summary = _check_all_strategies(scope, nx.betweenness_centrality(ref.undirected(scope)), 39)
    # removing everyone: targeted orders break the shop apart long before the end
    assert summary.set_index("strategy").loc["betweenness", "critical_k"] < 39


def test_same_seed_same_curve_and_another_seed_another_curve():
    graph = nx.gnm_random_graph(40, 60, seed=1)
    scope = ref.scope_of(graph, {v: "AR" for v in graph})
    score = np.zeros(scope.n)
    first, _ = robustness_curves(scope, score, 10, 20, 5)
    again, _ = robustness_curves(scope, score, 10, 20, 5)
    other, _ = robustness_curves(scope, score, 10, 20, 6)
    assert first.equals(again)
    assert not first.equals(other)
