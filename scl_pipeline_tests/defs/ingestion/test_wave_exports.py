import dagster as dg
import pytest

from scl_pipeline_tests.helpers.dagster import materialize_wave, query
from scl_pipeline_tests.helpers.landing import small_org, write_wave

INGESTION = [dg.AssetKey(["raw", "hr_export"]), dg.AssetKey(["raw", "ona_survey"])]
CONTENT = "select * exclude (loaded_at) from {table} order by all"


def test_ingesting_a_wave_twice_leaves_identical_tables(lake):
    hr, survey = small_org()
    write_wave(lake, "2021-Q1", hr, survey)
    write_wave(lake, "2021-Q2", hr, survey.iloc[:4])
    materialize_wave(lake, "2021-Q1", INGESTION)
    # A 4-row survey after a 13-row one would (rightly) fail the comparison gates.
    materialize_wave(lake, "2021-Q2", INGESTION, gates={"min_response_rate_ratio": 0, "min_arcs_ratio": 0})
    before = {t: query(lake, CONTENT.format(table=t)) for t in ("raw.hr_export", "raw.ona_survey")}
    materialize_wave(lake, "2021-Q1", INGESTION)
    for table, frame in before.items():
        assert query(lake, CONTENT.format(table=table)).equals(frame), table
    counts = query(lake, "select wave, count(*) as n from raw.ona_survey group by wave order by wave")
    assert counts["n"].tolist() == [len(survey), 4]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_rows_keep_source_file_row_and_load_time(lake, fmt):
    hr, survey = small_org()
    write_wave(lake, "2021-Q1", hr, survey, fmt=fmt)
    materialize_wave(lake, "2021-Q1", INGESTION)
    rows = query(lake, "select source_file, source_row, loaded_at, strength from raw.ona_survey order by source_row")
    assert rows["source_file"].str.endswith(f"2021-Q1/ona_survey.{fmt}").all()
    assert rows["source_row"].tolist() == list(range(1, len(survey) + 1))
    assert rows["strength"].tolist() == survey["strength"].tolist()
    assert rows["loaded_at"].notna().all()


def test_pii_never_reaches_duckdb(lake):
    hr, survey = small_org()
    hr["Full Name"] = [f"Secret Person {i}" for i in range(len(hr))]
    hr["email"] = [f"p{i}@corp.example" for i in range(len(hr))]
    write_wave(lake, "2021-Q1", hr, survey)
    result = materialize_wave(lake, "2021-Q1", INGESTION)
    columns = query(lake, "select table_schema || '.' || table_name as t, column_name from information_schema.columns")
    assert not columns["column_name"].isin(["Full Name", "full_name", "email"]).any()
    for table in columns["t"].unique():
        everything = query(lake, f"select * from {table}").astype(str).to_numpy().ravel()
        assert not any("Secret" in v or "@corp" in v for v in everything), table
    metadata = result.asset_materializations_for_node("wave_exports")[0].metadata
    assert sorted(metadata["dropped_pii_columns"].value) == ["Full Name", "email"]


def test_missing_wave_folder_fails_with_the_folder_named(lake):
    hr, survey = small_org()
    write_wave(lake, "2021-Q1", hr, survey)
    materialize_wave(lake, "2021-Q1", INGESTION)
    result = materialize_wave(lake, "2021-Q2", INGESTION, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "2021-Q2: folder is missing" in failure.step_failure_data.user_failure_data.description
    assert query(lake, "select count(*) as n from raw.hr_export")["n"][0] == len(hr)


def test_a_survey_streamed_in_chunks_loads_the_same_rows_and_says_its_progress(lake, monkeypatch):
    from scl_pipeline.lib.ingestion import survey_stream
    from scl_pipeline_tests.helpers.dagster import _INSTANCE

    # Progress is told from 500,000 rows on: the threshold is lowered for the 8-person org.
    monkeypatch.setattr(survey_stream, "PROGRESS_MIN_ROWS", 0)

    hr, survey = small_org()
    survey = survey.assign(strength=survey["strength"].astype(str))
    # A duplicate nomination whose kept row (strength 5) is two chunks after the dropped one.
    survey.loc[len(survey)] = {**survey.iloc[0].to_dict(), "strength": "5"}
    write_wave(lake, "2021-Q1", hr, survey)
    materialize_wave(lake, "2021-Q1", INGESTION)
    tables = {
        "raw.hr_export": CONTENT.format(table="raw.hr_export"),
        "raw.ona_survey": CONTENT.format(table="raw.ona_survey"),
        "raw.wave_quarantine": "select file, source_row, expectation, reason, values from raw.wave_quarantine order by all",
    }
    whole = {table: query(lake, sql) for table, sql in tables.items()}
    assert len(whole["raw.wave_quarantine"]) == 1
    result = materialize_wave(lake, "2021-Q1", INGESTION, ingestion={"chunk_rows": 4})
    for table, sql in tables.items():
        assert query(lake, sql).equals(whole[table]), table
    lines = [e.user_message for e in _INSTANCE.all_logs(result.run_id) if e.dagster_event is None]
    rows = len(survey)
    for stage in ("duplicate check", "validation"):
        progress = [line for line in lines if line.startswith(f"progress: survey of wave 2021-Q1, {stage}:")]
        assert progress and progress[-1].endswith(f": {rows}/{rows} rows (100%)"), lines


def test_the_wave_step_declares_its_check_tables_with_counts_and_previews(lake):
    from scl_pipeline_tests.helpers.dagster import materialization_metadata

    hr, survey = small_org()
    survey.loc[0, "nominee_id"] = "E99"  # not in the HR export: quarantined
    write_wave(lake, "2021-Q1", hr, survey)
    metadata = materialization_metadata(materialize_wave(lake, "2021-Q1", INGESTION))
    quarantine = metadata[dg.AssetKey(["raw", "wave_quarantine"])]
    assert quarantine["dagster/row_count"].value == 1
    assert "ona_survey.nominee_id_in_hr" in quarantine["rows_by_reason"].value
    assert "E99" not in str(quarantine), "counts only: quarantined rows hold ids"
    quality = metadata[dg.AssetKey(["raw", "wave_data_quality"])]
    rows = query(lake, "select count(*) as n from raw.wave_data_quality where scope = '2021-Q1'")["n"][0]
    assert quality["dagster/row_count"].value == rows > 0
    assert "ona_survey.nominee_id_in_hr" in quality["preview"].value and "quarantined" in quality["preview"].value
