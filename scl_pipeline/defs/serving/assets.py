"""The serving copy for BI: pseudonymised, small-group-suppressed marts in ``<lake>/serving/``.

The asset is built by :func:`build_serving_asset` from the mart keys of the loaded code location
(``definitions.py`` passes every ``marts/*`` asset), not from a hand-kept list: a mart added in any
``defs/`` folder is upstream of serving without touching this file. Which marts are *published*,
and how, is the serving registry's business (``lib/serving/catalog.py``).
"""

from collections.abc import Iterable, Mapping

import dagster as dg

from scl_pipeline.defs.serving.automation import AFTER_UPSTREAM_UPDATES
from scl_pipeline.defs.partitions import ALL_WAVES_GRAIN, WAREHOUSE_POOL
from scl_pipeline.defs.resources import DataLakeResource, ServingSettings
from scl_pipeline.lib.serving.catalog import MARTS_SCHEMA, REGISTRY, MartTable
from scl_pipeline.lib.serving.pseudonyms import PseudonymKeyError, key_from_environment
from scl_pipeline.lib.lake_access import AccessSettingError, serving_group
from scl_pipeline.lib.serving.publish import publish_serving
from scl_pipeline.lib.warehouse.connection import retry_on_lock

GROUP = "serving"
SERVING_KEY = dg.AssetKey([GROUP, "bi_copy"])


def mart_asset_keys(defs: dg.Definitions) -> list[dg.AssetKey]:
    """Every materialisable ``marts/*`` asset of ``defs``, sorted."""
    graph = defs.resolve_asset_graph()
    return sorted(
        (k for k in graph.materializable_asset_keys if k.path[0] == MARTS_SCHEMA),
        key=lambda k: k.to_user_string(),
    )


def build_serving_asset(
    mart_keys: Iterable[dg.AssetKey], registry: Mapping[str, MartTable] = REGISTRY
) -> dg.AssetsDefinition:
    """The ``serving/bi_copy`` asset, downstream of ``mart_keys``."""

    @dg.asset(
        key=SERVING_KEY,
        deps=list(mart_keys),
        group_name=GROUP,
        tags=ALL_WAVES_GRAIN,
        kinds={"duckdb", "parquet"},
        pool=WAREHOUSE_POOL,
        automation_condition=AFTER_UPSTREAM_UPDATES,
    )
    def bi_copy(context: dg.AssetExecutionContext, lake: DataLakeResource, serving: ServingSettings) -> dg.MaterializeResult:
        """Publish the registered marts to BI: ``serving/scl.duckdb`` and ``serving/parquet/``
        (pseudonymised employee ids, groups under 5 people withheld and flagged), swapped in
        atomically. The key comes from SCL_PSEUDONYM_KEY; only `scl demo` (or SCL_ALLOW_DEMO_KEY=1)
        allows the public demo key."""
        if not lake.lake.warehouse_path.exists():
            raise dg.Failure(description=f"no warehouse at {lake.lake.warehouse_path}: run the waves first")
        try:
            key = key_from_environment(allow_demo_key=serving.allow_demo_key)
            group = serving_group()
            warehouse = lake.lake.warehouse_path
            # Another process (a CLI run beside the UI) may hold the warehouse's write lock for a moment.
            report = retry_on_lock(
                lambda: publish_serving(warehouse, lake.lake.serving, key, registry=registry, group=group), warehouse
            )
        except (PseudonymKeyError, AccessSettingError) as exc:
            raise dg.Failure(description=str(exc)) from None
        if report.key_source == "demo":
            context.log.warning(
                "published with the PUBLIC DEMO pseudonym key (scl demo or SCL_ALLOW_DEMO_KEY=1): pseudonyms are "
                "not protected; set SCL_PSEUDONYM_KEY for real data"
            )
        for name in report.unclassified:
            context.log.warning(f"marts.{name} is not in the serving registry and was NOT published")
        return dg.MaterializeResult(
            metadata={
                "version": report.version,
                "published_at": report.published_at,
                "key_source": report.key_source,
                "dagster/row_count": sum(report.row_counts.values()),
                "rows_per_table": dg.MetadataValue.json(report.row_counts),
                "suppressed_rows": dg.MetadataValue.json({t.name: t.suppressed_rows for t in report.tables}),
                "pseudonymised_columns": dg.MetadataValue.json(
                    {t.name: list(t.pseudonymised_columns) for t in report.tables if t.pseudonymised_columns}
                ),
                "duckdb_path": dg.MetadataValue.path(report.duckdb_path),
                # Which DuckDB releases can open it (docs/bi_serving.md): v1.0.0+ = DuckDB 1.0 and later.
                "duckdb_storage_version": report.storage_version,
                "parquet_path": dg.MetadataValue.path(report.parquet_path),
                "registered_but_absent": dg.MetadataValue.json(list(report.registered_but_absent)),
                "unclassified_not_published": dg.MetadataValue.json(list(report.unclassified)),
                "seconds": report.seconds,
            }
        )

    return bi_copy
