"""The marts written in SQL (``dbt_like_sql/marts/``), e.g. ``marts.wave_summary``."""

from scl_pipeline.defs.sql_models import sql_model_assets

mart_models = sql_model_assets("marts")
