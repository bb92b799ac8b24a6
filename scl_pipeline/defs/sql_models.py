"""The SQL-model asset factory: ``dbt_like_sql/<schema>/<table>.sql`` as the asset ``<schema>/<table>``.

Used by the ingestion, staging and marts folders (one call each, for their schema). Dependencies
come from the tables each model's SQL reads (parsed with sqlglot); a model that binds ``$wave`` is
partitioned by wave. The asset group is the schema unless the folder names another.
"""

from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

from scl_pipeline.defs.partitions import ALL_WAVES_GRAIN, WAREHOUSE_POOL, WAVE_GRAIN, wave_partitions
from scl_pipeline.defs.resources import DataLakeResource, NetworkSettings
from scl_pipeline.lib.contract import is_person_id_column
from scl_pipeline.lib.ingestion.check_tables import CHECK_TABLE_NAMES
from scl_pipeline.lib.project_files import REPO_ROOT
from scl_pipeline.lib.warehouse.nothing_to_measure import METADATA_KEY, no_wave_reason
from scl_pipeline.lib.warehouse.sql_models import SQL_ROOT, SqlModel, load_models, run_model
from scl_pipeline.lib.waves import partition_key_to_wave


def _shown_path(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path)


# The rows an asset's metadata shows, read from the table the model just wrote.
Preview = Callable[[duckdb.DuckDBPyConnection, SqlModel, dict], pd.DataFrame]


def first_rows(con: duckdb.DuckDBPyConnection, model: SqlModel, parameters: dict) -> pd.DataFrame:
    """The model's first 10 rows (of the wave, for a wave model)."""
    return con.execute(
        f"SELECT * FROM {model.name} {'WHERE wave = $wave' if model.wave_grained else ''} LIMIT 10",
        {"wave": parameters["wave"]} if model.wave_grained else {},
    ).df()


def build_sql_asset(model: SqlModel, group: str | None = None, preview: Preview = first_rows) -> dg.AssetsDefinition:
    # What the ingestion steps checked is there whether or not any wave loaded (the rejected
    # attempts say why none did): a model of the check tables alone always has rows to show.
    needs_a_wave = not model.wave_grained and not model.depends_on <= CHECK_TABLE_NAMES

    @dg.asset(
        key=dg.AssetKey([model.schema, model.table]),
        deps=[dg.AssetKey(dep.split(".")) for dep in sorted(model.depends_on)],
        partitions_def=wave_partitions if model.wave_grained else None,
        group_name=group or model.schema,
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
            nothing = no_wave_reason(con) if needs_a_wave else None
            if nothing is not None:
                return dg.MaterializeResult(
                    metadata={"dagster/row_count": dg.MetadataValue.int(0), METADATA_KEY: dg.MetadataValue.text(nothing)}
                )
            rows = run_model(con, model, parameters)
            shown = preview(con, model, parameters)
        # Event metadata lives in DAGSTER_HOME: the preview never shows employee ids (issue 15.2).
        shown = shown.drop(columns=[c for c in shown.columns if is_person_id_column(c)])
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": dg.MetadataValue.int(rows),
                "preview": dg.MetadataValue.md(shown.to_markdown(index=False)),
            }
        )

    return _sql_asset


def sql_model_assets(schema: str, group: str | None = None, preview: Preview = first_rows) -> list[dg.AssetsDefinition]:
    """An asset for every model of ``dbt_like_sql/<schema>/``, in asset group ``group`` (default:
    the schema), its metadata showing ``preview``'s rows."""
    return [build_sql_asset(model, group, preview) for model in load_models(SQL_ROOT).values() if model.schema == schema]
