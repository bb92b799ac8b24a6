"""Privacy through the pipeline: wave assets -> marts -> the serving asset, on a temporary lake.

Two stand-in marts (a person table and a group table, defined here) stand for the network marts so
the test does not depend on which marts exist yet; they are registered like real ones.
"""

import hashlib
import hmac
import logging

import dagster as dg
import duckdb
import pandas as pd
import pytest

from scl_pipeline.defs.resources import DataLakeResource
from scl_pipeline.defs.serving.assets import SERVING_KEY, build_serving_asset
from scl_pipeline.lib.serving.catalog import REGISTRY, group, person
from scl_pipeline.lib.serving.pseudonyms import ALLOW_DEMO_KEY_ENV, PSEUDONYM_KEY_ENV
from scl_pipeline.lib.serving.publication import current_parquet_dir
from scl_pipeline_tests.helpers.dagster import project_defs, resources_for, wave_asset_keys
from scl_pipeline_tests.helpers.landing import small_org, write_wave

KEY = "privacy-pipeline-key-5e1f0a9c7d"
WAVE = "2021-Q1"
PEOPLE = dg.AssetKey(["marts", "test_people"])
COUNTRIES = dg.AssetKey(["marts", "test_country_people"])
REGISTRY_WITH_STANDINS = {
    **REGISTRY,
    "test_people": person("test_people", "employee_id", "wave", ids=("employee_id", "manager_id")),
    "test_country_people": group("test_country_people", "country", "wave", size="people"),
}


@dg.asset(key=PEOPLE, deps=[dg.AssetKey(["staging", "hr"])], group_name="marts")
def people_mart(lake: DataLakeResource) -> None:
    """Person rows with an id and a reference to another person's id."""
    with lake.warehouse() as con:
        con.execute(
            "CREATE OR REPLACE TABLE marts.test_people AS SELECT employee_id, wave, country, "
            "lag(employee_id) OVER (PARTITION BY wave ORDER BY employee_id) AS manager_id FROM staging.hr"
        )


@dg.asset(key=COUNTRIES, deps=[dg.AssetKey(["staging", "hr"])], group_name="marts")
def country_mart(lake: DataLakeResource) -> None:
    """People per country and wave."""
    with lake.warehouse() as con:
        con.execute(
            "CREATE OR REPLACE TABLE marts.test_country_people AS SELECT country, wave, "
            "count(*) AS people, count(*) FILTER (WHERE level = 'IC') AS individual_contributors "
            "FROM staging.hr GROUP BY ALL"
        )


def _org() -> tuple[pd.DataFrame, pd.DataFrame]:
    """small_org plus four Swiss colleagues: CH 7 people (published), DE 2 and BR 3 (withheld)."""
    hr, survey = small_org()
    extra = pd.DataFrame(
        {"employee_id": [f"E{i}" for i in range(9, 13)], "country": "CH", "department": "R&D", "level": "IC"}
    )
    return pd.concat([hr, extra], ignore_index=True), survey


def _pipeline_assets():
    project = [a for a in project_defs().assets if SERVING_KEY not in a.keys]
    serving = build_serving_asset(
        [dg.AssetKey(["marts", "wave_summary"]), PEOPLE, COUNTRIES], registry=REGISTRY_WITH_STANDINS
    )
    return project, [people_mart, country_mart, serving]


def _run(lake, instance, raise_on_error=True):
    project, after_waves = _pipeline_assets()
    everything = project + after_waves
    dg.materialize(everything, selection=wave_asset_keys(), partition_key="2021-01-01",
                   resources=resources_for(lake), instance=instance)
    return dg.materialize(everything, selection=[PEOPLE, COUNTRIES, SERVING_KEY],
                          resources=resources_for(lake), instance=instance, raise_on_error=raise_on_error)


def _serving_metadata(result) -> dict:
    (event,) = [
        e for e in result.get_asset_materialization_events()
        if e.event_specific_data.materialization.asset_key == SERVING_KEY
    ]
    return event.event_specific_data.materialization.metadata


def _expected_pseudonym(employee_id: str) -> str:
    # The documented formula, recomputed here: "p_" + first 16 hex digits of HMAC-SHA256(key, id).
    return "p_" + hmac.new(KEY.encode(), employee_id.encode(), hashlib.sha256).hexdigest()[:16]


def _serving_values(lake) -> list[str]:
    """Every text value in the serving DuckDB copy and the current Parquet version."""
    values = []
    with duckdb.connect(str(lake.serving / "scl.duckdb"), read_only=True) as con:
        columns = con.execute(
            "SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE data_type IN ('VARCHAR', 'VARCHAR[]')"
        ).fetchall()
        for schema, table, column, dtype in columns:
            expr = f'unnest("{column}")' if dtype.endswith("[]") else f'"{column}"'
            values += [r[0] for r in con.execute(f'SELECT {expr} FROM "{schema}"."{table}"').fetchall()]
        parquet = current_parquet_dir(lake.serving)
        for path in parquet.rglob("*.parquet"):
            frame = con.execute("SELECT * FROM read_parquet($p)", {"p": str(path)}).df()
            for column in frame.columns:
                values += [v for v in frame[column] if isinstance(v, str)]
    return values


def test_serving_holds_pseudonyms_not_ids_and_withholds_small_groups(lake, monkeypatch, capfd, caplog):
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, KEY)
    monkeypatch.delenv(ALLOW_DEMO_KEY_ENV, raising=False)
    caplog.set_level(logging.DEBUG)
    hr, survey = _org()
    write_wave(lake, WAVE, hr, survey)
    instance = dg.DagsterInstance.ephemeral()
    result = _run(lake, instance)

    with duckdb.connect(str(lake.serving / "scl.duckdb"), read_only=True) as con:
        people = con.execute("SELECT employee_id, manager_id FROM marts.test_people").df()
        countries = con.execute("SELECT * FROM marts.test_country_people ORDER BY country").df()
    real_ids = sorted(hr["employee_id"])
    assert sorted(people["employee_id"]) == sorted(_expected_pseudonym(i) for i in real_ids)
    assert set(people["manager_id"].dropna()) <= {_expected_pseudonym(i) for i in real_ids}
    leaked = set(real_ids) & set(_serving_values(lake))
    assert not leaked, f"real employee ids in the serving copy: {sorted(leaked)}"

    by_country = countries.set_index("country")
    assert by_country.loc["CH", "people"] == 7 and not by_country.loc["CH", "suppressed"]
    for small in ("DE", "BR"):
        assert by_country.loc[small, "suppressed"]
        assert pd.isna(by_country.loc[small, "people"])
        assert pd.isna(by_country.loc[small, "individual_contributors"])

    metadata = _serving_metadata(result)
    assert metadata["suppressed_rows"].value["test_country_people"] == 2
    rows = metadata["rows_per_table"].value
    assert {t: rows[t] for t in ("test_people", "test_country_people", "wave_summary")} == {
        "test_people": 12, "test_country_people": 3, "wave_summary": 1}
    assert metadata["key_source"].value == "env"

    # The key appears nowhere: not in the event log of any run, metadata, console or Python logs,
    # nor in the published files.
    records = [str(r) for run in instance.get_runs() for r in instance.all_logs(run.run_id)]
    assert len(records) > 20
    out, err = capfd.readouterr()
    seen = "\n".join(records + [out, err, caplog.text, repr(metadata)])
    assert KEY not in seen
    for path in [lake.serving / "scl.duckdb", *current_parquet_dir(lake.serving).rglob("*")]:
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


def test_serving_refuses_without_a_key_and_demo_key_needs_explicit_consent(lake, monkeypatch):
    monkeypatch.delenv(PSEUDONYM_KEY_ENV, raising=False)
    monkeypatch.delenv(ALLOW_DEMO_KEY_ENV, raising=False)
    hr, survey = _org()
    write_wave(lake, WAVE, hr, survey)
    instance = dg.DagsterInstance.ephemeral()
    refused = _run(lake, instance, raise_on_error=False)
    assert not refused.success
    failure = next(e for e in refused.all_events if e.is_step_failure and "bi_copy" in e.step_key)
    assert "SCL_PSEUDONYM_KEY is not set" in str(failure.step_failure_data.user_failure_data.description)
    assert not (lake.serving / "scl.duckdb").exists()

    monkeypatch.setenv(ALLOW_DEMO_KEY_ENV, "1")
    demo = _run(lake, instance)
    metadata = _serving_metadata(demo)
    assert metadata["key_source"].value == "demo"
    with duckdb.connect(str(lake.serving / "scl.duckdb"), read_only=True) as con:
        assert con.execute("SELECT key_source FROM serving.publication").fetchall() == [("demo",)]


@pytest.mark.parametrize("value", ["0", "yes", ""])
def test_only_the_value_1_allows_the_demo_key(value):
    from scl_pipeline.lib.serving.pseudonyms import PseudonymKeyError, key_from_environment

    with pytest.raises(PseudonymKeyError):
        key_from_environment({ALLOW_DEMO_KEY_ENV: value})
    assert key_from_environment({ALLOW_DEMO_KEY_ENV: "1"}).is_demo
