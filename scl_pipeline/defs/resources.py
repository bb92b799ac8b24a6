"""Project-wide resources: the data lake (paths and the warehouse connection) and settings.

The role, metric, resilience, impact, gate and ingestion settings are generated from the
library's config dataclasses (:func:`settings_resource`): one definition of each knob, its default
and its type; the Dagster resource only adds ``config()`` to hand the dataclass to the library.
"""

from __future__ import annotations

import dataclasses
import os
import typing
from contextlib import AbstractContextManager
from pathlib import Path

import dagster as dg
import duckdb
import pydantic

from scl_pipeline.defs.network.snapshot_io import SNAPSHOT_IO_MANAGER, SnapshotIOManager
from scl_pipeline.defs.runs.recovery import tag_run_with_process
from scl_pipeline.lib.contract import DEFAULT_STRONG_THRESHOLD
from scl_pipeline.lib.impact.config import ImpactConfig
from scl_pipeline.lib.ingestion.gates import GateConfig
from scl_pipeline.lib.ingestion.settings import IngestionConfig
from scl_pipeline.lib.lake import DataLake
from scl_pipeline.lib.lake_access import PRIVATE_UMASK, exposed_paths, exposed_warning, make_private_folder
from scl_pipeline.lib.network.person_metrics import MetricsConfig
from scl_pipeline.lib.network.roles import RoleConfig
from scl_pipeline.lib.resilience.tables import ResilienceConfig
from scl_pipeline.lib.warehouse.connection import connect


class DataLakeResource(dg.ConfigurableResource):
    """The data lake root; the warehouse is ``<root>/warehouse/scl.duckdb``."""

    root: str

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # Every warehouse step uses this resource, so every run that can hold the warehouse pool's
        # slot records the process executing it, however it was launched (UI, sensor, `scl run`):
        # a run whose process is killed is then recognised and its slot freed (defs/runs/recovery.py).
        if context.instance is not None and context.run_id is not None:
            tag_run_with_process(context.instance, context.run_id)
        if context.run_id is None:
            return  # a sensor or schedule tick: it reads the landing folder, writes nothing
        # Whatever writes during the run (DuckDB, Parquet, temporary files) creates private
        # files; the serving copy and the reports are opened to the serving group explicitly. The
        # umask is the process's and stays set: a run's process is the pipeline's (a teardown that
        # gave it back would make this a context-manager resource, which sensors and schedules
        # built outside a `with` cannot open).
        os.umask(PRIVATE_UMASK)
        make_private_folder(self.lake.warehouse_path.parent)
        warning = exposed_warning(exposed_paths(self.lake), self.lake)
        if warning:
            context.log.warning(warning)

    @property
    def lake(self) -> DataLake:
        return DataLake(Path(self.root))

    def warehouse(self, read_only: bool = False) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """A short-lived warehouse connection; waits while another process holds the file lock."""
        return connect(self.lake.warehouse_path, read_only=read_only)


class NetworkSettings(dg.ConfigurableResource):
    """How ties become a network (SPEC §2). Changing them changes every metric: re-run all waves."""

    primary_relation: str = "trust"
    strong_threshold: int = DEFAULT_STRONG_THRESHOLD

    def sql_parameters(self) -> dict[str, object]:
        return {"primary_relation": self.primary_relation, "strong_threshold": self.strong_threshold}


class ServingSettings(dg.ConfigurableResource):
    """How the BI copy is published. ``allow_demo_key``: without ``SCL_PSEUDONYM_KEY``, publish
    with the public, labelled demo key (``scl demo`` only; ``SCL_ALLOW_DEMO_KEY=1`` also allows it)."""

    allow_demo_key: bool = False


class _DataclassSettings(dg.ConfigurableResource):
    """Base of the generated settings resources: ``config()`` is the library's dataclass."""

    def config(self):
        return type(self).config_type(**self.model_dump())


def settings_resource(config_type: type, name: str) -> type[_DataclassSettings]:
    """A resource class named ``name`` whose fields are ``config_type``'s, with its defaults."""
    hints = typing.get_type_hints(config_type)
    fields = {f.name: (hints[f.name], f.default) for f in dataclasses.fields(config_type)}
    resource = pydantic.create_model(
        name, __base__=_DataclassSettings, __module__=__name__, __doc__=config_type.__doc__, **fields
    )
    resource.config_type = config_type
    return resource


RoleSettings = settings_resource(RoleConfig, "RoleSettings")
MetricsSettings = settings_resource(MetricsConfig, "MetricsSettings")
ImpactSettings = settings_resource(ImpactConfig, "ImpactSettings")
ResilienceSettings = settings_resource(ResilienceConfig, "ResilienceSettings")
GateSettings = settings_resource(GateConfig, "GateSettings")
IngestionSettings = settings_resource(IngestionConfig, "IngestionSettings")


# Resource keys renamed since an earlier release (issue 25: the network settings were "settings"):
# a run config or ``scl run --set`` still using the old key is told the new one.
RENAMED_RESOURCES = {"settings": "network"}


def renamed_resource_hint(keys: list[str]) -> str:
    """`` ('settings' is now 'network')`` for the renamed keys among ``keys``, else ``""``."""
    renamed = [f"{key!r} is now {RENAMED_RESOURCES[key]!r}" for key in keys if key in RENAMED_RESOURCES]
    return f" ({'; '.join(renamed)})" if renamed else ""


def project_resources(
    lake_root: Path | str, allow_demo_key: bool = False, **settings: dict
) -> dict[str, dg.ConfigurableResource | dg.ConfigurableIOManager]:
    """Every resource the assets use (and the IO manager the graph snapshots travel by), for the data lake at ``lake_root``. ``settings`` overrides
    fields per resource, e.g. ``roles={"percentile": 80.0}``."""
    kinds = {"network": NetworkSettings, "roles": RoleSettings, "metrics": MetricsSettings, "impact": ImpactSettings,
             "resilience": ResilienceSettings, "gates": GateSettings, "ingestion": IngestionSettings}
    unknown = sorted(set(settings) - set(kinds))
    if unknown:
        raise ValueError(f"no settings resource(s) {unknown}; they are {sorted(kinds)}{renamed_resource_hint(unknown)}")
    return {
        "lake": DataLakeResource(root=str(lake_root)),
        "serving": ServingSettings(allow_demo_key=allow_demo_key),
        SNAPSHOT_IO_MANAGER: SnapshotIOManager(root=str(lake_root)),
        **{key: _configured(kind, settings.get(key, {})) for key, kind in kinds.items()},
    }


def _configured(kind: type[dg.ConfigurableResource], fields: dict) -> dg.ConfigurableResource:
    """``kind(**fields)``, refusing a field it does not have (pydantic would ignore a typo)."""
    unknown = sorted(set(fields) - set(kind.model_fields))
    if unknown:
        raise ValueError(f"{kind.__name__} has no setting(s) {unknown}; its settings are {sorted(kind.model_fields)}")
    return kind(**fields)
