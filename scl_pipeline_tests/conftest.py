import os

import pytest

os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "yes")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

from scl_pipeline.lib.lake import DataLake  # noqa: E402


@pytest.fixture
def lake(tmp_path) -> DataLake:
    return DataLake(tmp_path / "lake")
