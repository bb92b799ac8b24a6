"""Issue 14 end to end: landing files -> ingestion -> marts -> the serving publish.

Numeric employee ids (1..N) beside numeric job levels ("1".."3") publish; a mart carrying ids in
an undeclared column still stops the publish; e-mail addresses used as employee ids are loaded
as ids and reach serving only as pseudonyms.
"""

from __future__ import annotations

import random

import dagster as dg
import duckdb
import pandas as pd
import pytest

from scl_pipeline.defs.partitions import GRAIN_TAG
from scl_pipeline.defs.resources import DataLakeResource
from scl_pipeline.defs.serving.assets import SERVING_KEY, build_serving_asset, mart_asset_keys
from scl_pipeline.lib.serving.catalog import REGISTRY, person
from scl_pipeline.lib.serving.pseudonyms import ALLOW_DEMO_KEY_ENV, PSEUDONYM_KEY_ENV, PseudonymKey
from scl_pipeline_tests.helpers.dagster import project_defs, resources_for
from scl_pipeline_tests.helpers.landing import write_frame, write_wave

KEY = "serving-ids-test-key-0123456789abcdef"
WAVES = {"2021-Q1": "2021-01-01", "2021-Q2": "2021-04-01"}
PEOPLE = 40
REPORTING = dg.AssetKey(["marts", "test_reporting"])


def _org(ids: list[str], seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = random.Random(seed)
    hr = pd.DataFrame({
        "employee_id": ids,
        "country": ["CH"] * 20 + ["DE"] * 17 + ["LU"] * 3,
        "department": ["R&D", "Sales"] * (PEOPLE // 2),
        "level": [str(1 + i % 3) for i in range(PEOPLE)],
        "manager_id": [ids[0]] + [ids[i // 8] for i in range(1, PEOPLE)],
    })
    arcs = sorted({(a, b) for a in ids for b in rng.sample(ids, 5) if a != b})
    survey = pd.DataFrame([(a, b, rng.randint(1, 5)) for a, b in arcs], columns=["respondent_id", "nominee_id", "strength"])
    return hr, survey


def _land(lake, ids: list[str], hr_extra: dict | None = None) -> None:
    for seed, wave in enumerate(WAVES):
        hr, survey = _org(ids, seed)
        write_wave(lake, wave, hr.assign(**(hr_extra or {})), survey)
    write_frame(pd.DataFrame({"employee_id": ids[:12], "cohort": "C1"}), lake.program_folder / "participants.csv")


def _run_pipeline(lake, instance, assets=None, after=()) -> dg.ExecuteInProcessResult:
    """The program roster, every wave, then everything that reads every wave (serving too)."""
    assets = assets or list(project_defs().assets)
    resources = resources_for(lake)
    dg.materialize(assets, selection=dg.AssetSelection.tag(GRAIN_TAG, "program"), resources=resources, instance=instance)
    for partition in WAVES.values():
        dg.materialize(assets, selection=dg.AssetSelection.tag(GRAIN_TAG, "wave"), partition_key=partition,
                       resources=resources, instance=instance)
    selection = dg.AssetSelection.tag(GRAIN_TAG, "all_waves") | dg.AssetSelection.keys(*after)
    return dg.materialize(assets, selection=selection, resources=resources, instance=instance, raise_on_error=False)


def _serving_texts(lake) -> list[str]:
    """Every value of every table of the serving DuckDB copy and of every Parquet file, as text."""
    values: list[str] = []
    with duckdb.connect(str(lake.serving / "scl.duckdb"), read_only=True) as con:
        for schema, table in con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall():
            values += [str(v) for row in con.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall() for v in row]
        for path in lake.serving.rglob("*.parquet"):
            values += [str(v) for row in con.execute("SELECT * FROM read_parquet($p)", {"p": str(path)}).fetchall()
                       for v in row]
    return values


@pytest.fixture
def key_env(monkeypatch):
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, KEY)
    monkeypatch.delenv(ALLOW_DEMO_KEY_ENV, raising=False)


@dg.asset(key=REPORTING, deps=[dg.AssetKey(["staging", "hr"])], group_name="marts", tags={GRAIN_TAG: "all_waves"})
def reporting_mart(lake: DataLakeResource) -> None:
    """A mart that carries each person's manager under a name the id guard does not know."""
    with lake.warehouse() as con:
        con.execute("CREATE OR REPLACE TABLE marts.test_reporting AS "
                    "SELECT wave, employee_id, manager_id AS supervisor FROM staging.hr")


def test_numeric_ids_with_numeric_levels_publish_and_a_planted_id_column_does_not(lake, key_env):
    ids = [str(i) for i in range(1, PEOPLE + 1)]
    _land(lake, ids)
    instance = dg.DagsterInstance.ephemeral()
    published = _run_pipeline(lake, instance)
    assert published.success, [str(e.event_specific_data.error) for e in published.all_events if e.is_step_failure]

    pseudonyms = {PseudonymKey(KEY).pseudonym(i) for i in ids}
    with duckdb.connect(str(lake.serving / "scl.duckdb"), read_only=True) as con:
        people = con.execute("SELECT wave, employee_id, level FROM marts.person_wave_metrics").fetchall()
        version = con.execute("SELECT version FROM serving.publication").fetchall()[0][0]
    assert len(people) == PEOPLE * len(WAVES)
    assert {p for _, p, _ in people} == pseudonyms
    assert sorted({level for *_, level in people}) == ["1", "2", "3"]

    # The same lake with a mart carrying manager ids undeclared: the publish is refused and the
    # copy BI reads stays the one published above.
    defs = project_defs()
    assets = [a for a in defs.assets if SERVING_KEY not in a.keys] + [reporting_mart]
    registry = {**REGISTRY, "test_reporting": person("test_reporting", "wave", "employee_id")}
    serving = build_serving_asset([*mart_asset_keys(defs), REPORTING], registry=registry)
    refused = _run_pipeline(lake, instance, [*assets, serving], after=[REPORTING])
    assert not refused.success
    failures = " ".join(str(e.event_specific_data.error) for e in refused.all_events if e.is_step_failure)
    assert "marts.test_reporting.supervisor: 80 value(s) are employee ids but the column is not a declared id " \
           "column of a person table" in failures, failures
    with duckdb.connect(str(lake.serving / "scl.duckdb"), read_only=True) as con:
        assert con.execute("SELECT version FROM serving.publication").fetchall()[0][0] == version


def test_email_addresses_used_as_employee_ids_reach_serving_only_as_pseudonyms(lake, key_env):
    emails = [f"first{i}.last{i}@corp.example" for i in range(1, PEOPLE + 1)]
    _land(lake, emails, hr_extra={"E-mail": emails, "Full Name": [f"Name{i} Surname{i}" for i in range(PEOPLE)]})
    result = _run_pipeline(lake, dg.DagsterInstance.ephemeral())
    assert result.success, [str(e.event_specific_data.error) for e in result.all_events if e.is_step_failure]

    # Ingestion keeps e-mail ids as ids (the warehouse, never published, holds them) ...
    with duckdb.connect(str(lake.warehouse_path), read_only=True) as con:
        loaded = {r[0] for r in con.execute("SELECT employee_id FROM raw.hr_export").fetchall()}
    assert loaded == set(emails)
    # ... and the serving copy holds their pseudonyms, never an address, a name or the domain.
    with duckdb.connect(str(lake.serving / "scl.duckdb"), read_only=True) as con:
        served = {r[0] for r in con.execute("SELECT employee_id FROM marts.person_wave_metrics").fetchall()}
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'")
                  .fetchall()}
    assert served == {PseudonymKey(KEY).pseudonym(e) for e in emails}
    assert {"person_wave_metrics", "bridge_criticality", "participant_network", "data_quality"} <= tables
    texts = _serving_texts(lake)
    assert not [t for t in texts if "@" in t or "corp.example" in t or "Surname" in t]
    stored = b"".join(p.read_bytes() for p in lake.serving.rglob("*") if p.is_file() and not p.is_symlink())
    assert b"corp.example" not in stored
