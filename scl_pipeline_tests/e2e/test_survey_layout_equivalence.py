"""The same demo organisation with its surveys exported as the tools do (long, wide,
multi-select; people by employee id, e-mail address or full name) loads to the same warehouse:
every mart, row for row, equals the long form's (issue 21).

Compared: every ``marts`` table but ``marts.data_quality`` (it records the run: run ids, times,
and which read checks ran, which differ by design), the network tables, ``staging.ties`` and
the raw survey rows without their lineage (``source_row`` numbers a wide file's nominations,
not its lines). Paths into the lake (graph folders) are compared relative to it.
"""

from __future__ import annotations

import dagster as dg
import pandas as pd
import pytest

from scl_pipeline.lib.demo import generate_demo_org
from scl_pipeline.lib.lake import DataLake
from scl_pipeline_tests.helpers.dagster import materialize_unpartitioned, materialize_wave
from scl_pipeline_tests.helpers.warehouse_tables import warehouse_tables

pytestmark = pytest.mark.slow

PEOPLE = 1_000
WAVES = ("2020-Q4", "2021-Q1")
REFERENCE = ("long", "id")
VARIANTS = (("wide", "name"), ("multiselect", "email"), ("long", "name"), ("wide", "id"))


def _load(root, layout: str, people_by: str) -> DataLake:
    lake = DataLake(root / f"{layout}-{people_by}")
    generate_demo_org(
        lake.landing, people=PEOPLE, first_wave="2020-Q4", last_wave="2021-Q2", survey_layout=layout, people_by=people_by
    )
    materialize_unpartitioned(lake, [dg.AssetKey(["raw", "participants"])])
    for wave in WAVES:
        materialize_wave(lake, wave)
    return lake


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    lake = _load(tmp_path_factory.mktemp("layouts"), *REFERENCE)
    return warehouse_tables(lake)


@pytest.mark.parametrize("layout,people_by", VARIANTS, ids=lambda v: str(v))
def test_every_layout_and_naming_loads_the_long_forms_warehouse(reference, tmp_path_factory, layout, people_by):
    tables = warehouse_tables(_load(tmp_path_factory.mktemp("layouts"), layout, people_by))
    assert set(tables) == set(reference)
    assert len(reference["raw.ona_survey"]) > 10_000 and len(reference["marts.person_wave_metrics"]) > 1_000
    for name, expected in reference.items():
        pd.testing.assert_frame_equal(tables[name], expected, check_dtype=False, obj=name)
