"""The serving asset's place in the graph, and the automation that publishes after waves update."""

import dagster as dg

from scl_pipeline.defs.serving.automation import CROSS_WAVE_SELECTION, cross_wave_automation_sensor
from scl_pipeline.defs.partitions import GRAIN_TAG, WAREHOUSE_POOL
from scl_pipeline.defs.serving.assets import SERVING_KEY, mart_asset_keys
from scl_pipeline.lib.serving.catalog import REGISTRY
from scl_pipeline_tests.helpers.dagster import project_defs, resources_for, wave_asset_keys
from scl_pipeline_tests.helpers.landing import small_org, write_wave


def test_every_mart_asset_is_upstream_of_serving():
    graph = project_defs().resolve_asset_graph()
    marts = {k for k in graph.materializable_asset_keys if k.path[0] == "marts"}
    assert dg.AssetKey(["marts", "wave_summary"]) in marts
    assert marts <= graph.get(SERVING_KEY).parent_keys


def test_every_mart_asset_is_classified_for_serving():
    # A mart asset missing from the serving registry would never reach BI (publish skips it).
    graph = project_defs().resolve_asset_graph()
    names = {k.path[-1] for k in graph.materializable_asset_keys if k.path[0] == "marts"}
    assert names <= set(REGISTRY), sorted(names - set(REGISTRY))


def test_every_registered_mart_is_built():
    # Registered when built: every registered mart, data_quality among them (the union of the
    # ingestion steps' check tables), is a marts/* asset.
    graph = project_defs().resolve_asset_graph()
    names = {k.path[-1] for k in graph.materializable_asset_keys if k.path[0] == "marts"}
    assert set(REGISTRY) == names


def test_mart_keys_come_from_whatever_is_defined():
    @dg.asset(key=["marts", "brand_new"])
    def brand_new() -> None: ...

    @dg.asset(key=["staging", "other"])
    def other() -> None: ...

    keys = mart_asset_keys(dg.Definitions(assets=[brand_new, other]))
    assert keys == [dg.AssetKey(["marts", "brand_new"])]


def test_serving_asset_grain_group_and_pool():
    graph = project_defs().resolve_asset_graph()
    node = graph.get(SERVING_KEY)
    assert node.group_name == "serving"
    assert node.tags[GRAIN_TAG] == "all_waves"
    assert node.partitions_def is None
    assets_def = next(a for a in project_defs().assets if SERVING_KEY in a.keys)
    assert assets_def.op.pool == WAREHOUSE_POOL


def test_automation_sensor_runs_by_default_and_covers_every_automated_asset():
    repo = project_defs().get_repository_def()
    sensors = {s.name: s for s in repo.sensor_defs}
    assert "default_automation_condition_sensor" not in sensors  # Dagster would create it STOPPED
    sensor = sensors[cross_wave_automation_sensor.name]
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    graph = project_defs().resolve_asset_graph()
    automated = {k for k in graph.materializable_asset_keys if graph.get(k).automation_condition}
    after_waves = {k for k in graph.materializable_asset_keys
                   if graph.get(k).tags.get(GRAIN_TAG) in ("all_waves", "wave_after_all_waves")}
    assert SERVING_KEY in automated
    assert automated == after_waves
    assert sensor.asset_selection.resolve(graph) >= automated


def test_serving_is_requested_after_a_wave_updates_and_not_again(lake, monkeypatch):
    monkeypatch.setenv("SCL_PSEUDONYM_KEY", "automation-test-key-0123456789")
    defs = project_defs()
    instance = dg.DagsterInstance.ephemeral()
    # The sensor's whole target: serving waits for cross-wave marts that were never materialised
    # unless they are requested on the same tick (then they run together, marts first).
    cross_wave = CROSS_WAVE_SELECTION
    first = dg.evaluate_automation_conditions(defs, instance, asset_selection=cross_wave)
    assert first.get_num_requested(SERVING_KEY) == 0  # nothing upstream happened yet

    hr, survey = small_org()
    write_wave(lake, "2021-Q1", hr, survey)
    dg.materialize(
        list(defs.assets), selection=wave_asset_keys(), partition_key="2021-01-01",
        resources=resources_for(lake), instance=instance,
    )
    after_wave = dg.evaluate_automation_conditions(defs, instance, asset_selection=cross_wave, cursor=first.cursor)
    assert after_wave.get_num_requested(SERVING_KEY) == 1

    dg.materialize(list(defs.assets), selection=[SERVING_KEY], resources=resources_for(lake), instance=instance)
    quiet = dg.evaluate_automation_conditions(defs, instance, asset_selection=cross_wave, cursor=after_wave.cursor)
    assert quiet.get_num_requested(SERVING_KEY) == 0
