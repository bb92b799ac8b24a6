import duckdb
import pandas as pd
import pytest

from scl_pipeline.lib.ingestion.coerce import coerce_frame
from scl_pipeline.lib.contract import HR_EXPORT, ONA_SURVEY
from scl_pipeline.lib.ingestion.raw_tables import ensure_raw_tables, replace_slice_rows
from scl_pipeline.lib.warehouse.connection import transaction


def _typed(spec, **columns):
    n = len(next(iter(columns.values())))
    return coerce_frame(pd.DataFrame({"source_file": ["f"] * n, "source_row": range(1, n + 1), **columns}), spec)


HR = _typed(HR_EXPORT, employee_id=["a", "b"], country=["CH", "DE"], department=["d", "d"], level=["1", "2"])
SURVEY = _typed(ONA_SURVEY, respondent_id=["a"], nominee_id=["b"], strength=["5"])
NOW = pd.Timestamp("2024-01-01")


def replace_slice(con, frames, wave, now):
    """One slice's load as ingestion does it: the raw tables, then all files in one transaction."""
    ensure_raw_tables(con)
    with transaction(con):
        return replace_slice_rows(con, frames, wave, now)


def test_replace_slice_touches_only_its_wave():
    con = duckdb.connect()
    replace_slice(con, {HR_EXPORT: HR, ONA_SURVEY: SURVEY}, "2021-Q1", NOW)
    replace_slice(con, {HR_EXPORT: HR, ONA_SURVEY: SURVEY}, "2021-Q2", NOW)
    replace_slice(con, {HR_EXPORT: HR.iloc[:1], ONA_SURVEY: SURVEY}, "2021-Q2", NOW)
    counts = con.execute("select wave, count(*) from raw.hr_export group by wave order by wave").fetchall()
    assert counts == [("2021-Q1", 2), ("2021-Q2", 1)]


def test_failure_in_second_table_rolls_back_the_first():
    con = duckdb.connect()
    replace_slice(con, {HR_EXPORT: HR, ONA_SURVEY: SURVEY}, "2021-Q1", NOW)
    broken = SURVEY.drop(columns=["nominee_id"])
    with pytest.raises(KeyError):
        replace_slice(con, {HR_EXPORT: HR.iloc[:1], ONA_SURVEY: broken}, "2021-Q1", NOW)
    assert con.execute("select count(*) from raw.hr_export").fetchone()[0] == 2
    assert con.execute("select count(*) from raw.ona_survey").fetchone()[0] == 1
