"""Runs: which died without saying so (``run_locks``), what one waiting for a concurrency slot
waits for (``pool_wait``), what its result depends on (``inputs``) and the progress lines of long
steps (``progress``). Pure logic; the Dagster calls are in ``defs/runs/``."""
