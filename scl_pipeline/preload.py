"""Imported once by the server that forks each run's child process (defs/runs/supervision.py):
what it builds here, every child inherits instead of building it again."""

import great_expectations.expectations  # noqa: F401  (imported when a wave is validated: 3-4 s)

from scl_pipeline.definitions import component_defs

component_defs()
