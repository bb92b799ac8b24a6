"""Project-wide resources: the data lake (paths and the warehouse connection) and settings."""

from contextlib import AbstractContextManager
from pathlib import Path

import dagster as dg
import duckdb

from scl_pipeline.lib.lake import DataLake, default_root
from scl_pipeline.lib.warehouse.connection import connect
from scl_pipeline.lib.network.person_metrics import MetricsConfig
from scl_pipeline.lib.network.roles import RoleConfig


class DataLakeResource(dg.ConfigurableResource):
    """The data lake root; the warehouse is ``<root>/warehouse/scl.duckdb``."""

    root: str

    @property
    def lake(self) -> DataLake:
        return DataLake(Path(self.root))

    def warehouse(self, read_only: bool = False) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """A short-lived warehouse connection; waits while another process holds the file lock."""
        return connect(self.lake.warehouse_path, read_only=read_only)


class NetworkSettings(dg.ConfigurableResource):
    """How ties become a network (SPEC §2). Changing them changes every metric: re-run all waves."""

    primary_relation: str = "trust"
    strong_threshold: int = 4

    def sql_parameters(self) -> dict[str, object]:
        return {"primary_relation": self.primary_relation, "strong_threshold": self.strong_threshold}


class RoleSettings(dg.ConfigurableResource):
    """Role thresholds (SPEC §2 roles; fields of ``RoleConfig``, same defaults). The thresholds
    actually used are stored per wave in ``marts.role_thresholds``."""

    percentile: float = RoleConfig.percentile
    min_in_degree: int = RoleConfig.min_in_degree
    min_cross_country_ties: int = RoleConfig.min_cross_country_ties
    broker_min_communities: int = RoleConfig.broker_min_communities
    energy_relation: str = RoleConfig.energy_relation
    energy_min_rating: int = RoleConfig.energy_min_rating
    energy_floor: int = RoleConfig.energy_floor
    catalyst_percentile: float = RoleConfig.catalyst_percentile
    catalyst_min_in_degree: int = RoleConfig.catalyst_min_in_degree
    catalyst_in_out_ratio: float = RoleConfig.catalyst_in_out_ratio
    peripheral_max_degree: int = RoleConfig.peripheral_max_degree

    def role_config(self, strong_threshold: int) -> RoleConfig:
        return RoleConfig(strong_threshold=strong_threshold, **self.model_dump())


class MetricsSettings(dg.ConfigurableResource):
    """Person-metric knobs (fields of ``MetricsConfig``): exact vs sampled betweenness, seed."""

    exact_betweenness_max_nodes: int = MetricsConfig.exact_betweenness_max_nodes
    betweenness_samples: int = MetricsConfig.betweenness_samples
    betweenness_confidence: float = MetricsConfig.betweenness_confidence
    seed: int = MetricsConfig.seed
    leiden_iterations: int = MetricsConfig.leiden_iterations

    def metrics_config(self) -> MetricsConfig:
        return MetricsConfig(**self.model_dump())


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "lake": DataLakeResource(root=str(default_root())),
            "settings": NetworkSettings(),
            "roles": RoleSettings(),
            "metrics": MetricsSettings(),
        }
    )
