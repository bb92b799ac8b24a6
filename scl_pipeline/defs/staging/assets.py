"""Staging: the wave's population and cleaned ties, as SQL models (``dbt_like_sql/staging/``).

``staging.ties`` owns the tie rules of SPEC §2 (deduplication, self-nominations, strong ties);
the graph snapshot reads its ``is_strong`` flag rather than applying a rule of its own.
"""

from scl_pipeline.defs.sql_models import sql_model_assets

staging_models = sql_model_assets("staging")
