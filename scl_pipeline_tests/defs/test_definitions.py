import dagster as dg

from scl_pipeline_tests.helpers.dagster import project_defs


def test_definitions_load():
    dg.Definitions.validate_loadable(project_defs())


def test_every_asset_has_a_group_and_description():
    graph = project_defs().resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if not node.is_materializable:
            continue
        assert node.group_name and node.group_name != "default", key
        assert node.description, key


def test_wave_assets_are_quarterly_partitioned_and_in_the_warehouse_pool():
    graph = project_defs().resolve_asset_graph()
    wave_keys = [dg.AssetKey(["raw", "hr_export"]), dg.AssetKey(["staging", "ties"]), dg.AssetKey(["marts", "wave_summary"])]
    for key in wave_keys:
        partitions = graph.get(key).partitions_def
        assert partitions is not None
        keys = partitions.get_partition_keys()
        assert keys[:2] == ["2020-10-01", "2021-01-01"]
    for assets_def in project_defs().assets:
        assert assets_def.op.pool == "duckdb", assets_def.keys


def test_sql_asset_dependencies_follow_the_sql():
    graph = project_defs().resolve_asset_graph()
    # wave_summary reads the vital counts (staging.wave_vitals), which read the population, the
    # ties and the survey's respondents.
    assert graph.get(dg.AssetKey(["marts", "wave_summary"])).parent_keys >= {
        dg.AssetKey(["staging", "wave_vitals"]),
        dg.AssetKey(["staging", "ties"]),
    }
    assert graph.get(dg.AssetKey(["staging", "wave_vitals"])).parent_keys >= {
        dg.AssetKey(["staging", "hr"]),
        dg.AssetKey(["staging", "ties"]),
        dg.AssetKey(["raw", "ona_survey"]),
    }
