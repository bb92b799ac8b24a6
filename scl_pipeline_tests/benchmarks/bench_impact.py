"""Benchmark: the impact marts on the demo organisation (default 13,000 people, the case study's size).

Run: ``python -m scl_pipeline_tests.benchmarks.bench_impact [--people N] [--seed S]``.
Prints the planted figures next to the measured ones, and seconds per impact function (the
person metrics of the baseline and last wave, which the pipeline computes anyway, are timed apart).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

from scl_pipeline.lib.demo import generate_demo_org
from scl_pipeline.lib.impact import headlines
from scl_pipeline.lib.impact.baseline import resolve_baseline
from scl_pipeline.lib.impact.balance import impact_balance
from scl_pipeline.lib.impact.did import CONTROL_DEFINITIONS, KEY_COLLABORATORS, MATCHED, NON_PARTICIPANTS, ControlGroup, impact_did
from scl_pipeline.lib.impact.kbis import experiment_kbis
from scl_pipeline.lib.impact.participant_network import participant_network
from scl_pipeline.lib.impact.roi import roi_table
from scl_pipeline.lib.impact.roi_config import load_roi_assumptions
from scl_pipeline_tests.lib.impact.demo_org import read_demo_lake


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=13_000)
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 30)
    timings: dict[str, float] = {}

    def timed(name, fn, *a, **k):
        timings[name] = -time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            timings[name] += time.perf_counter()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        truth = timed("generate demo", generate_demo_org, root, people=args.people, seed=args.seed)
        base_w, last_w = truth.baseline_wave, truth.waves[-1]
        lake = timed("read waves + person metrics of 2 waves", read_demo_lake, root, metrics_waves=[base_w, last_w])
    baseline = resolve_baseline(lake.snapshots, lake.roster)
    network = timed("participant_network (all waves)", participant_network, lake.snapshots, lake.roster, baseline.wave)
    matching = timed("matching (k=3, without replacement, caliper 1.5)", ControlGroup(MATCHED).match_at, lake.metrics[base_w])
    did_matched = timed("impact_did (matched control, given the matching)", impact_did, lake.metrics[last_w],
                        lake.metrics[base_w], matching=matching)
    did = timed("impact_did (key-collaborator control)", impact_did, lake.metrics[last_w], lake.metrics[base_w],
                control=ControlGroup(KEY_COLLABORATORS))
    did_all = timed("impact_did (all non-participants)", impact_did, lake.metrics[last_w], lake.metrics[base_w],
                    control=ControlGroup(NON_PARTICIPANTS))
    base_ids = lake.metrics[base_w]["employee_id"]
    balance = timed("impact_balance (3 control definitions, one wave)", impact_balance, lake.metrics[base_w], base_ids,
                    wave=base_w, baseline_wave=base_w, controls={r: ControlGroup(r) for r in CONTROL_DEFINITIONS},
                    matching=matching)
    kbis = timed("experiment_kbis", experiment_kbis, lake.assignment, lake.interactions, lake.snapshots)
    roi = timed("roi_table", roi_table, lake.snapshots[last_w], lake.snapshots[base_w], lake.metrics[last_w],
                lake.metrics[base_w], lake.roster, load_roi_assumptions())

    by_wave = {row["wave"]: row for _, row in network.iterrows()}
    first, last = by_wave[base_w], by_wave[last_w]
    print(f"people {args.people}, seed {args.seed}, baseline {baseline.wave} ({baseline.reason})")
    print(f"participants without a participant tie at baseline: planted "
          f"{len(truth.participants_without_participant_tie_at_baseline)}, measured "
          f"{first['participants_without_participant_tie']} of {first['participants']}")
    print(f"new bond share at {last_w}: planted {len(truth.participants_planned_to_bond) / len(truth.participants):.3f}, "
          f"measured {last['new_bond_share']:.3f}")
    print(f"cross-country participant ties: baseline planted {truth.baseline_cross_country_participant_ties}, "
          f"measured {first['cross_country_ties']}; at {last_w} {last['cross_country_ties']} "
          f"= {last['cross_country_ratio_to_baseline']:.1f}x (planted 10x)")
    print(headlines.participant_network_headline(last))
    print("\n" + network.to_string(index=False))
    print(f"\nmatching: {matching.participants} participants, {matching.unmatched} without an acceptable match, "
          f"{matching.short} with fewer than 3 controls, {len(matching.pairs)} pairs")
    print("\nDiD, matched control\n" + did_matched[["metric", "participants", "controls", "unmatched", "did", "ci_low",
                                                     "ci_high"]].to_string(index=False))
    print("\nbalance at the baseline\n" + balance[["control_group", "covariate", "participants_mean", "controls_mean",
                                                     "smd_before", "smd_after", "imbalanced"]].to_string(index=False))
    print("\nDiD, key-collaborator control\n" + did.drop(columns=["control_definition", "wave", "baseline_wave"]).to_string(index=False))
    print("\nDiD, all non-participants\n" + did_all[["metric", "controls", "did", "ci_low", "ci_high"]].to_string(index=False))
    print("\nKBIs (SPEC definitions, K=2); planted rates (generator, same definitions):", truth.kbi_rates)
    print(kbis.drop(columns=["activity_measure", "experiment_id"]).to_string(index=False))
    print(headlines.kbi_headline(kbis))
    print("\nROI\n" + roi.T.to_string())
    print(f"ROI range {headlines.roi_range(roi)}")
    print("\nseconds")
    for name, seconds in timings.items():
        print(f"  {name:45s} {seconds:8.2f}")


if __name__ == "__main__":
    main()
