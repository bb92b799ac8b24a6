"""``raw.quarantine``: the union of the ingestion steps' quarantine tables, as a SQL model
(``dbt_like_sql/raw/``), in the ingestion group. Each step writes only its own table
(lib.ingestion.check_tables); this model is their one reader-facing table, rebuilt by the
cross-wave job. Its metadata counts rows by file and reason: the rows themselves hold ids."""

from scl_pipeline.defs.sql_models import sql_model_assets
from scl_pipeline.lib.ingestion.check_tables import quarantine_counts

raw_models = sql_model_assets("raw", group="ingestion", preview=lambda con, model, _: quarantine_counts(con, model.name))
