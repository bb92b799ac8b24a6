"""The warehouse file ``<lake>/warehouse/scl.duckdb``: every read and write of it goes through here.

``connection`` (open with retry on DuckDB's lock, transactions), ``tables`` (replace one
partition of a table from a frame or a query; append; rebuild), ``reads`` (the queries the
assets make), ``sql_models`` (``dbt_like_sql/`` models parsed and run).
"""
