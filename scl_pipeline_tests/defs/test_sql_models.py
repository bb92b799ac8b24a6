"""SQL models as assets: their order and dependencies come from the parsed SQL."""

from pathlib import Path

import dagster as dg
import pytest

from scl_pipeline.defs.resources import DataLakeResource, NetworkSettings
from scl_pipeline.defs.sql_models import SQL_ROOT, build_sql_asset
from scl_pipeline.lib.warehouse.sql_models import load_models


def _write(root: Path, name: str, sql: str) -> None:
    schema, table = name.split(".")
    (root / schema).mkdir(parents=True, exist_ok=True)
    (root / schema / f"{table}.sql").write_text(sql)


def _defs(root: Path) -> dg.Definitions:
    return dg.Definitions(
        assets=[build_sql_asset(model) for model in load_models(root).values()],
        resources={"lake": DataLakeResource(root=str(root)), "network": NetworkSettings()},
    )


def _order(defs: dg.Definitions) -> list[str]:
    graph = defs.resolve_asset_graph()
    return [k.to_user_string() for k in graph.toposorted_asset_keys if graph.get(k).is_materializable]


def test_models_are_ordered_by_parsed_dependencies(tmp_path):
    # File names sort opposite to the dependency order, so ordering by name would fail.
    _write(tmp_path, "a.final", "select * from b.middle")
    _write(tmp_path, "b.middle", "select * from c.first")
    _write(tmp_path, "c.first", "select * from raw.source")
    defs = _defs(tmp_path)
    assert _order(defs) == ["c/first", "b/middle", "a/final"]
    assert defs.resolve_asset_graph().get(dg.AssetKey(["c", "first"])).parent_keys == {dg.AssetKey(["raw", "source"])}


def test_models_reading_each_other_in_a_cycle_do_not_load(tmp_path):
    _write(tmp_path, "s.a", "select * from s.b")
    _write(tmp_path, "s.b", "select * from s.a")
    with pytest.raises(Exception, match="Circular dependencies"):
        dg.Definitions.validate_loadable(_defs(tmp_path))


def test_project_models_parse_and_order():
    order = _order(_defs(SQL_ROOT))
    assert order.index("staging/hr") < order.index("staging/ties") < order.index("marts/wave_summary")


def test_the_check_unions_are_cross_wave_models_of_the_steps_tables():
    from scl_pipeline.lib.ingestion.check_tables import CHECK_TABLES
    from scl_pipeline_tests.helpers.dagster import project_defs

    graph = project_defs().resolve_asset_graph()
    for union, part in (("raw/quarantine", "quarantine"), ("marts/data_quality", "quality")):
        node = graph.get(dg.AssetKey.from_user_string(union))
        assert node.parent_keys == {dg.AssetKey(getattr(t, part).split(".")) for t in CHECK_TABLES.values()}
        assert node.partitions_def is None and node.tags["scl/grain"] == "all_waves"
    assert graph.get(dg.AssetKey(["raw", "quarantine"])).group_name == "ingestion"


def test_a_model_of_the_check_tables_builds_with_no_wave_loaded_and_its_preview_is_chosen(tmp_path):
    import duckdb
    import pandas as pd

    from scl_pipeline.lib.ingestion.check_tables import write_quarantine
    from scl_pipeline.lib.ingestion.validation.records import quarantine_rows

    _write(tmp_path, "raw.quarantine_count", "select scope, count(*) as n from raw.wave_quarantine group by all")
    _write(tmp_path, "marts.needs_waves", "select * from raw.hr_export")
    lake = DataLakeResource(root=str(tmp_path / "lake"))
    lake.lake.warehouse_path.parent.mkdir(parents=True)
    with duckdb.connect(str(lake.lake.warehouse_path)) as con:  # a rejected-only lake: check tables, no loaded wave
        write_quarantine(con, quarantine_rows([], "run-1", pd.Timestamp(2024, 1, 1)), "2021-Q1")
    models = load_models(tmp_path)
    shown = pd.DataFrame({"what": ["counts only"]})
    assets = [build_sql_asset(models["raw.quarantine_count"], "ingestion", preview=lambda con, model, _: shown),
              build_sql_asset(models["marts.needs_waves"])]
    result = dg.materialize(assets, resources={"lake": lake, "network": NetworkSettings()})
    metadata = {e.asset_key.to_user_string(): e.materialization.metadata for e in result.get_asset_materialization_events()}
    assert "nothing_to_measure" not in metadata["raw/quarantine_count"]
    assert metadata["raw/quarantine_count"]["preview"].value == shown.to_markdown(index=False)
    assert "nothing_to_measure" in metadata["marts/needs_waves"]
