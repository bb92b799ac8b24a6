"""Runs and their processes: who runs a pipeline run (``processes``), which runs died without
saying so (``recovery``), what a run waiting for a concurrency slot waits for (``pool_wait``) and
the progress lines of long steps (``progress``).
Pure logic; the Dagster calls are in ``defs/runs/``."""
