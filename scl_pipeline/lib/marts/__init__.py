"""Mart tables computed in Python from a wave's graph snapshot (the SQL marts live in ``dbt_like_sql/marts/``)."""
