"""The one-wave benchmark (``dev.py bench wave``): its arguments and a tiny run. No timing is
asserted; the figures are printed for people to read (docs/scaling.md)."""

from __future__ import annotations

import pytest

from scl_pipeline.lib.lake import DataLake
from scl_pipeline.lib.network.person_metrics import MetricsConfig
from scl_pipeline_tests.benchmarks import __main__ as bench_main
from scl_pipeline_tests.benchmarks import bench_wave


def test_arguments_and_their_defaults():
    args = bench_wave.parse_args([])
    assert (args.people, args.wave, args.exact) == (13_000, None, False)
    assert args.yardstick_limit == 600.0
    args = bench_wave.parse_args(["--people", "100000", "--exact", "--yardstick-limit", "30", "--wave", "2021-Q1"])
    assert (args.people, args.exact, args.yardstick_limit, args.wave) == (100_000, True, 30.0, "2021-Q1")


def test_settings_are_set_from_the_command_line(capsys):
    assert bench_wave.parse_args([]).settings is None
    args = bench_wave.parse_args(["--set", "metrics.betweenness_workers=1", "--set", "network.primary_relation=advice"])
    assert args.settings == {"metrics": {"betweenness_workers": 1}, "network": {"primary_relation": "advice"}}
    args = bench_wave.parse_args(["--exact", "--set", "metrics.betweenness_workers=2"])
    assert args.settings == {"metrics": {"exact_betweenness_max_nodes": 10**9, "betweenness_workers": 2}}
    with pytest.raises(SystemExit):
        bench_wave.parse_args(["--set", "betweenness_workers=1"])
    assert "expected RESOURCE.FIELD=VALUE" in capsys.readouterr().err


def test_too_small_an_organisation_is_refused(capsys):
    with pytest.raises(SystemExit):
        bench_wave.parse_args(["--people", "300"])
    assert "at least 1000 people" in capsys.readouterr().err


def test_dev_bench_passes_the_arguments_to_the_chosen_benchmark(monkeypatch):
    calls = []
    monkeypatch.setattr(bench_main.subprocess, "call", lambda argv: calls.append(argv) or 0)
    assert bench_main.main(["wave", "--people", "2000"]) == 0
    assert [argv[2:] for argv in calls] == [["scl_pipeline_tests.benchmarks.bench_wave", "--people", "2000"]]


@pytest.mark.slow
def test_a_tiny_wave_runs_end_to_end_and_prints_the_table(capsys, tmp_path):
    figures = bench_wave.run(bench_wave.parse_args(["--people", "1000", "--lake", str(tmp_path / "lake")]))
    out = capsys.readouterr().out
    for stage in ("ingestion", "staging", "network", "marts", "WHOLE WAVE", "yardstick", "ratio whole wave"):
        assert stage in out, stage
    assert figures["people"] == figures["nodes"] > 900 and figures["edges"] > 0
    assert {"ingestion", "staging", "network", "marts"} <= set(figures["stages"])
    assert "person_wave_metrics" in figures["steps"] and "resilience_removals" in figures["steps"]
    assert figures["yardstick_seconds"] is not None and figures["ratio"] > 0
    assert not figures["betweenness_approx"]
    assert figures["peak_bytes"] is None or figures["peak_bytes"] > 0
    assert figures["agreement"] is None  # exact betweenness: nothing to check

    # The check the benchmark prints when the wave's betweenness was sampled.
    agreement = bench_wave.broker_agreement(
        DataLake(tmp_path / "lake"), figures["wave"], MetricsConfig(betweenness_samples=300), people=800
    )
    assert (agreement["nodes"], agreement["samples"]) == (800, 300)
    assert set(agreement["overlap"]) == {10, 20, 100} and all(0 <= v <= 1 for v in agreement["overlap"].values())
    assert 0 < agreement["max_error"] <= agreement["bound"]
