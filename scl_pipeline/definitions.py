"""The code location: everything under ``defs/`` plus project-wide execution settings."""

from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions.merge(
        dg.load_from_defs_folder(path_within_project=Path(__file__).parent),
        # One step at a time inside a run: runs are serialised on the warehouse by the pool,
        # and steps share the machine's two cores with igraph.
        dg.Definitions(executor=dg.in_process_executor),
    )
