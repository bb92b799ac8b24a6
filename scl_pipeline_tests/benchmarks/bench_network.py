"""Benchmark: network metrics of one 13,000-person wave (~130k strong arcs, 89 countries).

Run: ``python -m scl_pipeline_tests.benchmarks.bench_network [--people N] [--arcs-per-person K]``.
Prints seconds per metric, the total for the person metrics of a wave and the peak resident
memory of the process.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from scl_pipeline.lib.network import person_metrics as pm
from scl_pipeline.lib.network.brokerage import brokerage
from scl_pipeline.lib.network.roles import assign_roles
from scl_pipeline.lib.network.snapshot import build_snapshot
from scl_pipeline_tests.helpers.staging import stage_ties
from scl_pipeline.lib.marts.country_tables import country_mixing, country_wave_bonds
from scl_pipeline.lib.network.wave_stats import graph_stats
from scl_pipeline_tests.benchmarks.timing import Timings


def synthetic_wave(people: int, arcs_per_person: float, countries: int, seed: int = 7):
    """Population clustered by country (Zipf-like sizes); ~85% of arcs stay in the country."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, countries + 1) ** 0.8
    country = rng.choice(countries, size=people, p=weights / weights.sum())
    codes = np.array([f"C{c:02d}" for c in range(countries)], dtype=object)
    members = [np.flatnonzero(country == c) for c in range(countries)]
    m = int(people * arcs_per_person * 1.05)
    src = rng.integers(0, people, m)
    local = rng.random(m) < 0.85
    dst = rng.integers(0, people, m)
    for c in range(countries):
        pick = local & (country[src] == c)
        dst[pick] = rng.choice(members[c], size=int(pick.sum()))
    keep = src != dst
    pairs = np.unique(np.column_stack([src[keep], dst[keep]]), axis=0)
    ids = np.array([f"E{i:06d}" for i in range(people)], dtype=object)
    nodes = pd.DataFrame({"employee_id": ids, "country": codes[country], "department": "d", "level": "3"})
    ties = pd.DataFrame({
        "respondent_id": ids[pairs[:, 0]], "nominee_id": ids[pairs[:, 1]], "relation": "trust",
        "strength": pd.array(rng.integers(3, 6, len(pairs)), dtype="Int64"),
    })
    return nodes, ties


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=13_000)
    parser.add_argument("--arcs-per-person", type=float, default=15.0)  # 2/3 strong -> ~130k
    parser.add_argument("--countries", type=int, default=89)
    args = parser.parse_args()
    nodes, survey = synthetic_wave(args.people, args.arcs_per_person, args.countries)
    ties = stage_ties(nodes, survey)  # the staging SQL flags strong ties, as in the pipeline
    timed = Timings()

    snap = timed("build snapshot + graphs", lambda: (s := build_snapshot(nodes, ties), s.graph_u, s.graph_d, s.adjacency_u)[0])
    print(f"people {snap.n:,}  ties {len(snap.arcs):,}  strong arcs {len(snap.strong_arcs[0]):,}  "
          f"edges of U {len(snap.undirected_edges[0]):,}  countries {nodes['country'].nunique()}")
    config = pm.MetricsConfig()
    timed("degrees", pm.degrees, snap)
    timed("betweenness (exact, igraph)", pm.betweenness, snap, config)
    timed("betweenness (1000 sampled sources)", pm.betweenness, snap,
          pm.MetricsConfig(exact_betweenness_max_nodes=0))
    timed("pagerank", pm.pagerank, snap)
    timed("clustering", pm.clustering, snap)
    timed("constraint (sparse)", pm.constraint, snap)
    community = timed("communities (Leiden)", pm.communities, snap, config)
    timed("neighbour counts", pm.neighbour_counts, snap, community)
    timed("articulation points", pm.articulation_points, snap)
    metrics = timed("person_metrics (total, exact betweenness)", pm.person_metrics, snap, config)
    timed("brokerage (Gould-Fernandez)", brokerage, snap)
    timed("roles", assign_roles, metrics)
    timed("graph_stats", graph_stats, snap)
    timed("country_wave_bonds", country_wave_bonds, snap)
    timed("country_mixing", country_mixing, snap)
    timed.report()


if __name__ == "__main__":
    main()
