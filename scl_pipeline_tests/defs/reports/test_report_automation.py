"""Each wave's report follows the cross-wave marts: requested for the loaded waves only, once
they are re-built, and not again until they change."""

import dagster as dg

from scl_pipeline.defs.reports.pages import WAVE_REPORT_KEY
from scl_pipeline.lib.serving.pseudonyms import PSEUDONYM_KEY_ENV
from scl_pipeline.lib.waves import wave_to_partition_key
from scl_pipeline_tests.helpers.dagster import project_defs, resources_for, wave_asset_keys
from scl_pipeline_tests.helpers.landing import small_org, write_wave

WAVES = ("2021-Q1", "2021-Q3")


def _cross_wave_keys(defs: dg.Definitions) -> list[dg.AssetKey]:
    graph = defs.resolve_asset_graph()
    return [k for k in graph.materializable_asset_keys if graph.get(k).tags.get("scl/grain") == "all_waves"]


def _requested(result) -> set[str]:
    return set(result.get_requested_partitions(WAVE_REPORT_KEY))


def test_wave_reports_are_requested_after_the_cross_wave_marts_for_loaded_waves_only(lake, monkeypatch):
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, "automation-test-key-0123456789")
    defs, instance = project_defs(), dg.DagsterInstance.ephemeral()
    reports_only = dg.AssetSelection.keys(WAVE_REPORT_KEY)
    everything = list(defs.assets)
    hr, survey = small_org()
    for wave in WAVES:
        write_wave(lake, wave, hr, survey)
        dg.materialize(everything, selection=wave_asset_keys(), partition_key=wave_to_partition_key(wave),
                       resources=resources_for(lake), instance=instance)
    first = dg.evaluate_automation_conditions(defs, instance, asset_selection=reports_only)
    assert _requested(first) == set()  # the cross-wave marts they read do not exist yet

    dg.materialize(everything, selection=_cross_wave_keys(defs), resources=resources_for(lake), instance=instance)
    after = dg.evaluate_automation_conditions(defs, instance, asset_selection=reports_only, cursor=first.cursor)
    # Two waves loaded among the quarters from 2020-Q4 on: their pages, not the others'.
    assert _requested(after) == {wave_to_partition_key(w) for w in WAVES}

    for wave in WAVES:
        dg.materialize(everything, selection=[WAVE_REPORT_KEY], partition_key=wave_to_partition_key(wave),
                       resources=resources_for(lake), instance=instance)
    quiet = dg.evaluate_automation_conditions(defs, instance, asset_selection=reports_only, cursor=after.cursor)
    assert _requested(quiet) == set()
    assert sorted(p.parent.name for p in lake.reports.glob("*/report.html")) == list(WAVES)
