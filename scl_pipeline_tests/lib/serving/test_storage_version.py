"""The serving copy is written in the documented DuckDB storage format (``SERVING_STORAGE_VERSION``)
whatever format the project's DuckDB writes by default; the warehouse keeps the newest. That older
DuckDB releases really open it is tested in scl_pipeline_tests/e2e/test_bi_clients.py."""

import duckdb
import pytest

from scl_pipeline.lib.serving import publish as publish_module
from scl_pipeline.lib.serving.pseudonyms import PseudonymKey
from scl_pipeline.lib.serving.publication import SERVING_STORAGE_VERSION, PublishError
from scl_pipeline.lib.serving.publish import publish_serving
from scl_pipeline_tests.lib.serving.helpers import TEST_KEY, build_warehouse


def _storage_version(path) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        (tags,) = con.execute(
            "select tags from duckdb_databases() where database_name = current_database()"
        ).fetchone()
    return dict(tags)["storage_version"]


def test_serving_copy_is_written_in_the_documented_storage_version(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    build_warehouse(warehouse)
    report = publish_serving(warehouse, tmp_path / "serving", PseudonymKey(TEST_KEY))
    assert SERVING_STORAGE_VERSION == "v1.0.0"
    assert _storage_version(tmp_path / "serving" / "scl.duckdb") == "v1.0.0+" == report.storage_version
    # The warehouse stays in the project's DuckDB's own (newer) format: only the copy is pinned.
    assert _storage_version(warehouse) != "v1.0.0+"


def test_a_copy_in_another_storage_version_is_refused(tmp_path, monkeypatch):
    # A DuckDB that writes another format than asked (here: asked for the newest) must not publish.
    warehouse = tmp_path / "warehouse.duckdb"
    build_warehouse(warehouse)
    monkeypatch.setattr(publish_module, "SERVING_STORAGE_VERSION", "latest")
    with pytest.raises(PublishError, match="storage format v.* not latest: BI tools"):
        publish_serving(warehouse, tmp_path / "serving", PseudonymKey(TEST_KEY))
    assert not (tmp_path / "serving" / "scl.duckdb").exists()
