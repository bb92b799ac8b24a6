import os

import pytest

os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "yes")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

from scl_pipeline.lib.lake import DataLake  # noqa: E402
from scl_pipeline_tests.helpers.run_order import load_table, longest_files_first  # noqa: E402


def pytest_collection_modifyitems(config, items):
    """Slow and long test files first (helpers/run_order.py): with xdist's ``--dist loadfile``
    (dev.py) the two workers then finish together instead of one waiting on a late long file."""
    items[:] = longest_files_first(
        items, lambda item: item.nodeid, load_table(), lambda item: item.get_closest_marker("slow") is not None
    )


@pytest.fixture
def lake(tmp_path) -> DataLake:
    return DataLake(tmp_path / "lake")
