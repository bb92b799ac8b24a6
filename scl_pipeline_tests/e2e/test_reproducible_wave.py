"""Issue 22 §2: the same landing files give the same bytes. A wave of the demo organisation is
run three times on unchanged files (the third time with its betweenness split over two worker
processes instead of computed in one) and every table it writes (the graph snapshot's
``network.nodes`` / ``network.arcs`` / ``network.snapshots`` among them: the graph is stored nowhere
else) must hash the same.

Columns left out, because they are meant to change with the run, not with the data:
- ``raw.*.loaded_at``: the wall-clock time the rows were stored (when, not what), and
  ``staging.wave_vitals.loaded_at``, that of the raw rows it counted.
- the data-quality tables' ``run_id`` and ``checked_at`` (``raw.<grain>_data_quality``, whose
  union is ``marts.data_quality``): which run checked and when; only the latest run's rows are
  compared.
- the quarantine tables' ``run_id`` and ``quarantined_at`` (``raw.<grain>_quarantine``, whose union
  is ``raw.quarantine``): which run set a row aside and when.
Every other column of every table must be identical to the bit.
"""

import pytest

from scl_pipeline.lib.demo import generate_demo_org
from scl_pipeline.lib.ingestion.check_tables import CHECK_TABLES
from scl_pipeline.lib.network import source_betweenness
from scl_pipeline_tests.helpers.content_hashes import differences, warehouse_hashes
from scl_pipeline_tests.helpers.dagster import materialize_unpartitioned, materialize_wave

pytestmark = pytest.mark.slow

WAVE = "2021-Q2"
RUN_COLUMNS = {
    "raw.hr_export": {"loaded_at"},
    "raw.ona_survey": {"loaded_at"},
    "raw.participants": {"loaded_at"},
    "raw.experiment_assignment": {"loaded_at"},
    "raw.experiment_interactions": {"loaded_at"},
    "staging.wave_vitals": {"loaded_at"},
    **{tables.quarantine: {"run_id", "quarantined_at"} for tables in CHECK_TABLES.values()},
    **{tables.quality: {"run_id", "checked_at"} for tables in CHECK_TABLES.values()},
}
LATEST_RUN = {
    tables.quality: f"run_id = (SELECT run_id FROM {tables.quality} ORDER BY checked_at DESC LIMIT 1)"
    for tables in CHECK_TABLES.values()
}


GRAPH_TABLES = {"network.nodes", "network.arcs", "network.snapshots"}


def _written(lake) -> dict:
    return warehouse_hashes(lake.warehouse_path, RUN_COLUMNS, LATEST_RUN)


def test_a_wave_rerun_on_the_same_files_writes_the_same_bytes(lake, monkeypatch):
    generate_demo_org(lake.landing, people=1_000, first_wave="2021-Q1", last_wave="2021-Q3")
    materialize_unpartitioned(lake, ["raw/participants"])
    # Below 5,000 people betweenness is one call in process; lowered so that the chunked sum and
    # the worker processes are what is compared.
    monkeypatch.setattr(source_betweenness, "MIN_PARALLEL_NODES", 0)

    materialize_wave(lake, WAVE, metrics={"betweenness_workers": 1})
    first_tables = _written(lake)
    materialize_wave(lake, WAVE, metrics={"betweenness_workers": 1})
    again_tables = _written(lake)
    materialize_wave(lake, WAVE, metrics={"betweenness_workers": 2})
    parallel_tables = _written(lake)

    assert "marts.person_wave_metrics" in first_tables and "pagerank" in first_tables["marts.person_wave_metrics"]
    assert len(first_tables) >= 15 and GRAPH_TABLES <= set(first_tables)
    assert differences(first_tables, again_tables) == {}
    assert differences(first_tables, parallel_tables) == {}
