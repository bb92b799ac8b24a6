"""The SQL-model asset factory: ``dbt_like_sql/<schema>/<table>.sql`` as the asset ``<schema>/<table>``.

Used by the staging and marts folders (one call each, for their schema). Dependencies come from
the tables each model's SQL reads (parsed with sqlglot); a model that binds ``$wave`` is
partitioned by wave. The asset group is the schema.
"""

from pathlib import Path

import dagster as dg

from scl_pipeline.defs.partitions import ALL_WAVES_GRAIN, WAREHOUSE_POOL, WAVE_GRAIN, wave_partitions
from scl_pipeline.defs.resources import DataLakeResource, NetworkSettings
from scl_pipeline.lib.contract import is_person_id_column
from scl_pipeline.lib.project_files import REPO_ROOT
from scl_pipeline.lib.warehouse.nothing_to_measure import METADATA_KEY, no_wave_reason
from scl_pipeline.lib.warehouse.sql_models import SQL_ROOT, SqlModel, load_models, run_model
from scl_pipeline.lib.waves import partition_key_to_wave


def _shown_path(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path)


def build_sql_asset(model: SqlModel) -> dg.AssetsDefinition:
    @dg.asset(
        key=dg.AssetKey([model.schema, model.table]),
        deps=[dg.AssetKey(dep.split(".")) for dep in sorted(model.depends_on)],
        partitions_def=wave_partitions if model.wave_grained else None,
        group_name=model.schema,
        description=model.description,
        kinds={"duckdb", "sql"},
        tags=WAVE_GRAIN if model.wave_grained else ALL_WAVES_GRAIN,
        pool=WAREHOUSE_POOL,
        metadata={"sql_file": dg.MetadataValue.path(_shown_path(model.path))},
    )
    def _sql_asset(context: dg.AssetExecutionContext, lake: DataLakeResource, network: NetworkSettings) -> dg.MaterializeResult:
        parameters = network.sql_parameters()
        if model.wave_grained:
            parameters["wave"] = partition_key_to_wave(context.partition_key)
        with lake.warehouse() as con:
            # A cross-wave model on a lake where no wave loaded reads tables no wave created.
            nothing = None if model.wave_grained else no_wave_reason(con)
            if nothing is not None:
                return dg.MaterializeResult(
                    metadata={"dagster/row_count": dg.MetadataValue.int(0), METADATA_KEY: dg.MetadataValue.text(nothing)}
                )
            rows = run_model(con, model, parameters)
            preview = con.execute(
                f"SELECT * FROM {model.name} {'WHERE wave = $wave' if model.wave_grained else ''} LIMIT 10",
                {"wave": parameters["wave"]} if model.wave_grained else {},
            ).df()
        # Event metadata lives in DAGSTER_HOME: the preview never shows employee ids (issue 15.2).
        preview = preview.drop(columns=[c for c in preview.columns if is_person_id_column(c)])
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": dg.MetadataValue.int(rows),
                "preview": dg.MetadataValue.md(preview.to_markdown(index=False)),
            }
        )

    return _sql_asset


def sql_model_assets(schema: str) -> list[dg.AssetsDefinition]:
    """An asset for every model of ``dbt_like_sql/<schema>/``."""
    return [build_sql_asset(model) for model in load_models(SQL_ROOT).values() if model.schema == schema]
