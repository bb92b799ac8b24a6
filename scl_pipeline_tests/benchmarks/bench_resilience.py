"""Benchmark: the resilience tables of one wave (issue 9: <= 5 s at 13,000 people, <= 60 s at 100,000).

Run: ``python -m scl_pipeline_tests.benchmarks.bench_resilience [--people N ...] [--countries C]``
(default: 13,000 and 100,000). Builds a realistic wave (a giant component with communities by
country, hubs, one-colleague threads, small countries hanging on one liaison, a few small
separate groups and isolates), then prints seconds per part and the total of
``wave_resilience`` (both scopes, every country, three strategies), and the peak resident
memory. The organisation's betweenness is an input of the resilience step (the person metrics
compute it); here it is sampled from 100 sources and not part of the timings.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from scl_pipeline.lib.network import person_metrics as pm
from scl_pipeline.lib.network.snapshot import build_snapshot
from scl_pipeline.lib.resilience.bridges import bridge_criticality
from scl_pipeline.lib.resilience.curves import max_k_for, removal_curve
from scl_pipeline.lib.resilience.scenarios import (
    country_cross_country_holders, country_single_bridges, evaluate_removals,
)
from scl_pipeline.lib.resilience.scopes import wave_scopes
from scl_pipeline.lib.resilience.tables import ResilienceConfig, scope_betweenness, wave_resilience
from scl_pipeline_tests.benchmarks.timing import Timings
from scl_pipeline_tests.helpers.staging import stage_ties


def realistic_wave(people: int, countries: int, seed: int = 9):
    """(nodes, ties, participant ids) of a wave shaped like a real trust survey."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, countries + 1) ** 1.1
    country = np.sort(rng.choice(countries, size=people, p=weights / weights.sum()))
    role = rng.random(people)
    core = np.flatnonzero(role < 0.86)  # the connected body of the organisation
    pendant = np.flatnonzero((role >= 0.86) & (role < 0.94))  # one colleague each
    thread = np.flatnonzero((role >= 0.94) & (role < 0.97))  # short chains off one person
    groups = np.flatnonzero((role >= 0.97) & (role < 0.99))  # dyads and triads on their own
    members = {c: core[country[core] == c] for c in range(countries)}

    # Core ties: heavy-tailed activity, 85% inside the country (communities by country).
    out_deg = np.minimum(rng.pareto(2.2, len(core)) * 8 + 6, 80).astype(np.int64)
    src = np.repeat(core, out_deg)
    dst = rng.choice(core, size=len(src))
    local = rng.random(len(src)) < 0.85
    for c, pool in members.items():
        pick = local & (country[src] == c)
        if len(pool) > 1 and pick.any():
            dst[pick] = rng.choice(pool, size=int(pick.sum()))
    # The 25 smallest countries reach the rest only through one liaison each.
    liaison = {}
    for c in range(countries - 25, countries):
        pool = members[c]
        if len(pool) == 0:
            continue
        liaison[c] = pool[0]
        cross = (country[src] == c) & (country[dst] != c) & (src != pool[0])
        src[cross] = pool[0]
        cross_in = (country[dst] == c) & (country[src] != c) & (dst != pool[0])
        dst[cross_in] = pool[0]
    arcs = [np.column_stack([src, dst])]
    # Pendants hold one colleague, mostly of their own country.
    anchors = rng.choice(core, size=len(pendant))
    for c, pool in members.items():
        pick = (country[pendant] == c) & (rng.random(len(pendant)) < 0.6)
        if len(pool) and pick.any():
            anchors[pick] = rng.choice(pool, size=int(pick.sum()))
    arcs.append(np.column_stack([pendant, anchors]))
    for chain in np.array_split(thread, max(1, len(thread) // 3)):
        if len(chain):
            arcs.append(np.column_stack([chain, np.r_[rng.choice(core), chain[:-1]]]))
    for group in np.array_split(groups, max(1, len(groups) // 3)):
        if len(group) > 1:
            arcs.append(np.column_stack([group[1:], group[:-1]]))
    pairs = np.concatenate(arcs)
    pairs = np.unique(pairs[pairs[:, 0] != pairs[:, 1]], axis=0)
    ids = np.array([f"E{i:06d}" for i in range(people)], dtype=object)
    codes = np.array([f"C{c:02d}" for c in range(countries)], dtype=object)
    nodes = pd.DataFrame({"employee_id": ids, "country": codes[country], "department": "d", "level": "3"})
    ties = pd.DataFrame({
        "respondent_id": ids[pairs[:, 0]], "nominee_id": ids[pairs[:, 1]], "relation": "trust",
        "strength": pd.array(rng.integers(4, 6, len(pairs)), dtype="Int64"),
    })
    # Participants: key collaborators by degree plus the liaisons, about 1.5% of the people.
    degree = np.bincount(pairs.ravel(), minlength=people)
    chosen = set(np.argsort(-degree, kind="stable")[: int(people * 0.012)]) | set(liaison.values())
    chosen |= set(rng.choice(core, size=int(people * 0.004), replace=False))
    return nodes, ties, list(ids[sorted(chosen)])


def run(people: int, countries: int) -> None:
    nodes, survey, participants = realistic_wave(people, countries)
    ties = stage_ties(nodes, survey)  # the staging SQL flags strong ties, as in the pipeline
    snap = build_snapshot(nodes, ties, wave="bench")
    snap.graph_u  # built by the network step before resilience runs
    between = pm.betweenness(snap, pm.MetricsConfig(exact_betweenness_max_nodes=0, betweenness_samples=100))
    organisation_betweenness = pd.Series(between["betweenness"].to_numpy(), index=snap.index)
    settings = ResilienceConfig()
    timed = Timings()

    scopes = timed("scopes (both)", wave_scopes, snap, participants)
    for name, scope in scopes.items():
        score = timed(f"{name}: betweenness for ranking", scope_betweenness, scope, organisation_betweenness)
        table = timed(f"{name}: bridge_criticality", bridge_criticality, scope, settings.critical_min_people)
        removals = timed(f"{name}: scenario builders", lambda s=scope: country_cross_country_holders(s) + country_single_bridges(s))
        timed(f"{name}: evaluate {len(removals)} scenarios", evaluate_removals, scope, removals)
        max_k = max_k_for(scope.n, settings.max_k_share)
        timed(f"{name}: curve betweenness (k<={max_k})", removal_curve, scope, scope.order_by(score), max_k)
        timed(f"{name}: curve degree", removal_curve, scope, scope.order_by(scope.degree), max_k)
        rng = np.random.default_rng(settings.seed)
        timed(f"{name}: curve random x{settings.random_draws}", lambda s=scope, m=max_k: [
            removal_curve(s, rng.permutation(s.n)[:m], m) for _ in range(settings.random_draws)])
        u, _ = scope.edges
        print(f"{name}: people {scope.n:,}  edges {len(u):,}  articulation points {len(table):,}  "
              f"critical {int(table['critical'].sum()):,}  countries {len(np.unique(scope.country))}")
    fresh = build_snapshot(nodes, ties, wave="bench")
    fresh.graph_u
    result = timed("wave_resilience TOTAL (both scopes, 4 tables)", wave_resilience, fresh, participants,
                   organisation_betweenness, None, None, settings)
    print("headline:", {k: v for k, v in result.headline.items() if k != "worst_country_scenario"})
    timed.report()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, nargs="+", default=[13_000, 100_000])
    parser.add_argument("--countries", type=int, default=89)
    args = parser.parse_args()
    for people in args.people:
        print(f"\n--- {people:,} people, {args.countries} countries ---", flush=True)
        run(people, args.countries)


if __name__ == "__main__":
    main()
