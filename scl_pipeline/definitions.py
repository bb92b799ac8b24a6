"""The code location: everything under ``defs/`` plus the serving copy and project-wide settings."""

import functools
import warnings
from pathlib import Path

import dagster as dg

import scl_pipeline.defs
from scl_pipeline.defs.resources import project_resources
from scl_pipeline.defs.serving.assets import build_serving_asset, mart_asset_keys
from scl_pipeline.defs.serving.automation import with_cross_wave_automation
from scl_pipeline.lib.lake import default_root
from scl_pipeline.lib.project_files import REPO_ROOT
from scl_pipeline.lib.runs.inputs import code_version


def build_defs(
    lake_root: Path | str | None = None, allow_demo_key: bool = False, settings: dict[str, dict] | None = None
) -> dg.Definitions:
    """The project's definitions, reading and writing the data lake at ``lake_root`` (default
    ``$SCL_DATA_LAKE`` or ``./data_lake``). The UI, the schedule, the sensor and ``scl run`` all
    use these, so they run the same jobs. ``allow_demo_key``: the demo's serving copy may use the
    public demo pseudonym key when no key is set. ``settings``: fields of the settings resources
    by resource key (``{"gates": {"max_population_change": 0.5}}``, ``scl run --set``)."""
    root = lake_root if lake_root is not None else default_root()
    loaded = dg.Definitions.merge(
        component_defs(),
        dg.Definitions(
            resources=project_resources(root, allow_demo_key, **(settings or {})),
            # One step at a time inside a run: runs are serialised on the warehouse by the pool,
            # and steps share the machine's two cores with igraph.
            executor=dg.in_process_executor,
        ),
    )
    # Serving depends on every mart asset that exists, read off the loaded graph, so marts added
    # by any defs/ folder feed the BI copy without a hand-kept list.
    serving = build_serving_asset(mart_asset_keys(loaded))
    return with_code_version(with_cross_wave_automation(dg.Definitions.merge(loaded, dg.Definitions(assets=[serving]))))


@functools.cache
def component_defs() -> dg.Definitions:
    """Everything under ``defs/``, built once per process: it depends on no lake and no setting,
    and takes seconds (importing the defs modules, parsing the SQL models, Dagster's catalogue
    of component types). The server that forks each run's child process builds it before it
    forks (``preload.py``)."""
    # What load_from_defs_folder builds, from the package itself rather than from the [tool.dg]
    # table of a pyproject.toml above it: an installed wheel has none. The code location's name
    # is the one it is loaded under (workspace.yaml, dagster dev -m).
    return dg.ComponentTree.from_module(defs_module=scl_pipeline.defs, project_root=REPO_ROOT).build_defs()


def with_code_version(defs: dg.Definitions) -> dg.Definitions:
    """Every asset's Dagster ``code_version`` is the project's code version (its sources and its
    libraries' versions, lib/runs/inputs.py): after an upgrade the UI marks each asset "code
    version changed", as ``scl run`` recomputes it (defs/runs/incremental.py)."""
    version = code_version()
    with warnings.catch_warnings():
        # Definitions.map_asset_specs goes through map_resolved_asset_specs, marked preview in 1.13
        # (dagster is pinned in requirements.lock).
        warnings.simplefilter("ignore", dg.PreviewWarning)
        return defs.map_asset_specs(func=lambda spec: spec.replace_attributes(code_version=version))


@dg.definitions
def defs() -> dg.Definitions:
    return build_defs()
