"""Project-wide resources: the data lake (paths and the warehouse connection) and settings."""


import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from scl_pipeline.lib.lake import DataLake, default_root


class DataLakeResource(dg.ConfigurableResource):
    """The data lake root; the warehouse is ``<root>/warehouse/scl.duckdb``."""

    root: str

    @property
    def lake(self) -> DataLake:
        return DataLake(Path(self.root))

    @contextmanager
    def warehouse(self, read_only: bool = False, lock_timeout_s: float = 120.0) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short-lived warehouse connection. Waits for another process's lock, then fails clearly."""
        path = self.lake.warehouse_path
        path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + lock_timeout_s
        while True:
            try:
                con = duckdb.connect(str(path), read_only=read_only)
                break
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        try:
            yield con
        finally:
            con.close()


class NetworkSettings(dg.ConfigurableResource):
    """How ties become a network (SPEC §2). Changing them changes every metric: re-run all waves."""

    primary_relation: str = "trust"
    strong_threshold: int = 4

    def sql_parameters(self) -> dict[str, object]:
        return {"primary_relation": self.primary_relation, "strong_threshold": self.strong_threshold}


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "lake": DataLakeResource(root=str(default_root())),
            "settings": NetworkSettings(),
        }
    )
