"""Runs and their processes: who runs a pipeline run (``processes``), which runs died without
saying so (``recovery``), and what a run waiting for a concurrency slot waits for (``pool_wait``).
Pure logic; the Dagster calls are in ``defs/runs/``."""
