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
