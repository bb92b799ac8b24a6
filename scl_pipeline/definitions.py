"""The code location: everything under ``defs/`` plus the serving copy and project-wide settings."""

from pathlib import Path

import dagster as dg

from scl_pipeline.defs.serving.automation import with_cross_wave_automation
from scl_pipeline.defs.serving.assets import build_serving_asset, mart_asset_keys


@dg.definitions
def defs() -> dg.Definitions:
    loaded = dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
    # Serving depends on every mart asset that exists, read off the loaded graph, so marts added
    # by any defs/ folder feed the BI copy without a hand-kept list.
    serving = build_serving_asset(mart_asset_keys(loaded))
    return with_cross_wave_automation(
        dg.Definitions.merge(
            loaded,
            dg.Definitions(
                assets=[serving],
                # One step at a time inside a run: runs are serialised on the warehouse by the
                # pool, and steps share the machine's two cores with igraph.
                executor=dg.in_process_executor,
            ),
        )
    )
