"""Issue 22 §1: inputs that loaded quietly wrong (or were refused with a misleading message), run
through the bad-input catalogue's checks (test_bad_inputs.py): the exact outcome, the warehouse
never damaged. Kept apart from that catalogue so its table stays one list per issue."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

from scl_pipeline.lib.lake import DataLake
from scl_pipeline_tests.defs.ingestion import test_bad_inputs as catalogue
from scl_pipeline_tests.defs.ingestion.test_bad_inputs import (  # noqa: F401 (fixture)
    GATES,
    WAVE,
    Loaded,
    Rejected,
    _edit,
    _set,
    _survey_ids,
    good_wave,
    loaded,
    loaded_template,
)
from scl_pipeline_tests.helpers.dagster import materialize_wave, query
from scl_pipeline_tests.helpers.landing import write_wave


def _european_survey(lake: DataLake) -> None:
    """European Excel: ';' between cells, ',' as the decimal mark of the strengths."""
    hr, survey = good_wave()
    write_wave(lake, WAVE, hr, survey)
    survey = survey.assign(strength=survey["strength"].map(lambda s: f"{s},0"))
    survey.to_csv(lake.wave_folder(WAVE) / "ona_survey.csv", sep=";", index=False)


def _titled_hr_workbook(lake: DataLake) -> None:
    """An HR workbook as report tools save it: a title, a blank row, then the header."""
    hr, survey = good_wave()
    write_wave(lake, WAVE, hr, survey)
    _hr_as_titled_workbook(lake)


def _hr_as_titled_workbook(lake: DataLake) -> None:
    from openpyxl import Workbook

    hr, _ = good_wave()
    (lake.wave_folder(WAVE) / "hr_export.csv").unlink()
    book = Workbook()
    sheet = book.active
    sheet["A1"] = "Headcount report, all countries, as of 2021-03-31"
    sheet.append([])
    sheet.append(list(hr.columns))
    for row in hr.itertuples(index=False):
        sheet.append(list(row))
    book.save(lake.wave_folder(WAVE) / "hr_export.xlsx")


def _titled_survey_csv(lake: DataLake) -> None:
    hr, survey = good_wave()
    write_wave(lake, WAVE, hr, survey)
    path = lake.wave_folder(WAVE) / "ona_survey.csv"
    path.write_text("Survey tool export\n\n" + path.read_text())


def _titled_survey_missing_column(lake: DataLake) -> None:
    hr, survey = good_wave()
    write_wave(lake, WAVE, hr, survey.rename(columns={"nominee_id": "colleague"}))
    path = lake.wave_folder(WAVE) / "ona_survey.csv"
    path.write_text("Survey tool export\n\n" + path.read_text())


def _partly_blank_strength(lake: DataLake) -> pd.DataFrame:
    """A survey of 200 trust rows (60 people) whose strength is blank on 30% of them."""
    people = [f"E{i}" for i in range(1, 61)]
    hr = pd.DataFrame({"employee_id": people, "country": "CH", "department": "D", "level": "L", "hire_date": "2019-06-01"})
    survey = pd.DataFrame({"respondent_id": [people[i % 60] for i in range(200)],
                           "nominee_id": [people[(i % 60 + 1 + i // 60) % 60] for i in range(200)],
                           "relation": "trust", "strength": [None if i % 10 < 3 else 4 + i % 2 for i in range(200)]})
    write_wave(lake, WAVE, hr, survey)
    return survey


CASES: dict[str, tuple[Callable[[DataLake], None], Rejected | Loaded]] = {
    "zero-width (non-)joiners and word joiners pasted into ids": (
        _edit(survey_edit=_survey_ids(lambda i: f"{i[0]}\u200d{i[1:]}\u200c\u2060", slice(0, 9))), Loaded({})
    ),
    "decimal comma in a semicolon-delimited survey": (_european_survey, Loaded({})),
    "strength blank on part of the survey": (
        _edit(survey_edit=lambda s: _set("strength", 7, None)(_set("strength", 3, " ")(s))),
        Loaded({"ona_survey.strength_not_blank": (4, 8)}),
    ),
    "relation blank on part of the survey": (
        _edit(survey_edit=_set("relation", 5, "")), Loaded({"ona_survey.relation_not_blank": (6,)})
    ),
    "strength blank on 30% of the survey": (
        _partly_blank_strength,
        Rejected("60 by ona_survey.strength_not_blank (blank on 60 trust rows; quarantined", GATES, "wave.quarantined_share"),
    ),
    "a title and a blank row above the HR workbook's header": (_titled_hr_workbook, Loaded({})),
    "a title and a blank row above the survey CSV's header": (_titled_survey_csv, Loaded({})),
    "a title above a survey header lacking a column": (
        _titled_survey_missing_column, Rejected("header seems to be on row 3 (the 2 row(s) above it look like a title")
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_quiet_wrong_answer_outcome(lake, loaded, name, monkeypatch):  # noqa: F811 (fixture)
    monkeypatch.setitem(catalogue.CASES, name, CASES[name])
    catalogue.test_bad_input_outcome(lake, loaded, name)
    if name.startswith("decimal comma"):
        strengths = query(lake, "select strength from raw.ona_survey where wave = $w order by source_row", {"w": WAVE})
        assert strengths["strength"].tolist() == good_wave()[1]["strength"].tolist()


def test_the_header_row_used_is_in_the_raw_assets_metadata(lake):
    _titled_survey_csv(lake)
    _hr_as_titled_workbook(lake)
    result = materialize_wave(lake, WAVE, catalogue.INGESTION)
    metadata = {e.asset_key.path[-1]: e.materialization.metadata for e in result.get_asset_materialization_events()}
    assert metadata["hr_export"]["header_row"].value == {str(lake.wave_folder(WAVE) / "hr_export.xlsx"): 3}
    assert metadata["ona_survey"]["header_row"].value == {str(lake.wave_folder(WAVE) / "ona_survey.csv"): 3}


@pytest.mark.parametrize(("policy", "loaded_as"), [("not_strong", None), ("strong", 4)])
def test_a_blank_strength_setting_loads_the_rows_and_counts_them(lake, policy, loaded_as):
    survey = _partly_blank_strength(lake)
    result = materialize_wave(lake, WAVE, catalogue.INGESTION, ingestion={"blank_strength": policy})
    loaded = query(lake, "select source_row, strength from raw.ona_survey where wave = $w order by source_row", {"w": WAVE})
    assert len(loaded) == len(survey) and query(lake, "select count(*) as n from raw.wave_quarantine")["n"][0] == 0
    blank = survey["strength"].isna().to_numpy()
    assert blank.sum() == 60
    assert loaded["strength"][blank].isna().all() if loaded_as is None else (loaded["strength"][blank] == loaded_as).all()
    row = query(lake, "select * from raw.wave_data_quality where check_name = 'ona_survey.strength_not_blank'").iloc[0]
    assert (row["outcome"], row["rows_failed"], row["severity"]) == ("loaded_by_setting", 60, "WARNING")
    assert f"ingestion.blank_strength = {policy}" in row["detail"]
    check = {e.check_name: e for e in result.get_asset_check_evaluations()}["ona_survey_quarantine"]
    assert check.metadata["loaded_by_setting"].value == {"ona_survey.strength_not_blank": 60}
    assert check.metadata["quarantined_by"].value == {}


def _renumbered_wave(lake: DataLake, wave: str) -> None:
    """The next wave after an HR system migration: ``E1`` became ``1`` in both files."""
    hr, survey = good_wave()
    hr["employee_id"] = hr["employee_id"].str.lstrip("E")
    for column in ("respondent_id", "nominee_id"):
        survey[column] = survey[column].str.lstrip("E")
    write_wave(lake, wave, hr, survey)


def test_participants_missing_from_a_wave_are_counted_warned_and_gated(lake, loaded, caplog):  # noqa: F811 (fixture)
    # `loaded`: 2021-Q1 and a roster of E1 and E6. 2021-Q2's ids are renumbered.
    _renumbered_wave(lake, "2021-Q2")
    result = materialize_wave(lake, "2021-Q2", catalogue.INGESTION, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure).step_failure_data.user_failure_data.description
    assert "0 of 2 roster participants are in the 2021-Q2 population; 2 were in 2021-Q1" in failure
    rows = query(lake, "select * from raw.wave_data_quality where scope = '2021-Q2' and check_name = 'wave.roster_presence'")
    assert rows["outcome"].tolist() == ["failed"] and rows["load_status"].tolist() == ["rejected"]
    assert query(lake, "select count(*) as n from raw.hr_export where wave = '2021-Q2'")["n"][0] == 0

    # A real drop (the gate widened): the wave loads, with the warning and the data-quality row.
    with caplog.at_level("WARNING"):
        result = materialize_wave(lake, "2021-Q2", catalogue.INGESTION, gates={"min_roster_presence_ratio": 0})
    assert result.success
    assert "0 of 2 roster participants are in the 2021-Q2 population; 2 were in 2021-Q1" in caplog.text
    row = query(lake, "select * from raw.wave_data_quality where scope = '2021-Q2' and check_name = 'wave.roster_presence'")
    assert row[["outcome", "rows_checked", "load_status"]].values.tolist() == [["passed", 2, "loaded"]]
    assert row["detail"][0].startswith("0 of 2 roster participants are in the 2021-Q2 population; 2 were in 2021-Q1")
