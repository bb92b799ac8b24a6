"""Publishing the warehouse marts to BI: a pseudonymised, small-group-suppressed DuckDB copy and
Parquet folder, each swapped in atomically so readers never see a half-built state."""
