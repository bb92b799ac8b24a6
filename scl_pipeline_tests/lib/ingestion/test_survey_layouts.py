"""Recognising and reshaping survey tool exports: header rows, respondent and answer time
(lib/ingestion/survey_recognition.py, survey_layouts.py, survey_config.py). The column groups:
test_survey_groups.py."""

import pytest

from scl_pipeline.lib.ingestion.aliases import AliasMap
from scl_pipeline.lib.contract import ONA_SURVEY
from scl_pipeline.lib.ingestion.errors import LandingFileError
from scl_pipeline.lib.ingestion.readers import read_as_written
from scl_pipeline.lib.ingestion.survey_config import SurveyLayoutConfig, SurveyLayouts
from scl_pipeline.lib.ingestion.survey_layouts import COLUMN, FILE_ROW, reshape
from scl_pipeline.lib.ingestion.survey_recognition import recognise
from scl_pipeline_tests.helpers.survey_tools import forms_xlsx, qualtrics_csv, surveymonkey_csv
from scl_pipeline_tests.lib.ingestion.survey_people import NAMED_HR, SURVEY

ALIASES = AliasMap.default()
NAMES = set(NAMED_HR["full_name"]) | set(NAMED_HR["email"])


def _names(value: str) -> bool:
    return value in NAMES


def _read(path, config=SurveyLayoutConfig()):
    headers, rows = read_as_written(path, ONA_SURVEY, ALIASES)
    return recognise(headers, rows, config, ALIASES, _names)


def test_qualtrics_three_header_rows_are_recognised_never_read_as_answers(tmp_path):
    path = qualtrics_csv(tmp_path / "ona_survey.csv", NAMED_HR, SURVEY)
    recognised, answers = _read(path)
    assert recognised.header_rows == 3 and recognised.layout == "wide"
    assert recognised.respondent[0] == "RecipientEmail" and recognised.answered_at[0] == "EndDate"
    (group,) = recognised.groups
    assert group.relation == "trust" and group.nominees[0][1] == "Q1_1" and group.strength_columns[0] == "Q2_1"
    long = reshape(recognised, answers)
    assert len(long) == len(SURVEY)
    assert long[FILE_ROW].min() == 1 and long[COLUMN].iloc[0] == "Q1_1"
    assert set(long["strength"]) <= {"Never", "Seldom", "Sometimes", "Often", "Very often"}
    assert "layout wide" in recognised.describe() and "3 header row(s)" in recognised.describe()


def test_surveymonkey_two_header_rows_read_as_one_header(tmp_path):
    path = surveymonkey_csv(tmp_path / "ona_survey.csv", NAMED_HR, SURVEY)
    recognised, answers = _read(path)
    assert recognised.header_rows == 2
    assert recognised.respondent[0] == "Email Address"  # not SurveyMonkey's own "Respondent ID"
    (group,) = recognised.groups
    assert group.nominees[0][1] == "Who do you trust? Give their work e-mail. - Colleague 1"
    assert group.strength_columns[0] == "How strongly? - Colleague 1"
    assert len(reshape(recognised, answers)) == len(SURVEY)


def test_forms_multiselect_cells_split_on_semicolons_with_a_trailing_one(tmp_path):
    path = forms_xlsx(tmp_path / "ona_survey.xlsx", NAMED_HR, SURVEY)
    recognised, answers = _read(path)
    assert recognised.layout == "multiselect" and recognised.respondent[0] == "Email"
    assert recognised.answered_at is None  # "8/2/21 9:12:41" is not ISO 8601: not read
    (group,) = recognised.groups
    assert group.separator == ";" and group.strength is None
    long = reshape(recognised, answers)
    assert len(long) == len(SURVEY) and long["nominee_id"].notna().all() and long["strength"].isna().all()


def test_the_configuration_is_checked_when_read(tmp_path):
    (tmp_path / "survey_layout.toml").write_text('[[questions]]\nrelation = "gossip"\nnominees = "Q1_*"\n')
    with pytest.raises(LandingFileError, match="relation = 'gossip'; use one of advice"):
        SurveyLayouts.for_landing_root(tmp_path)
    (tmp_path / "survey_layout.toml").write_text('layout = "tall"\n')
    with pytest.raises(LandingFileError, match="layout = 'tall'"):
        SurveyLayouts.for_landing_root(tmp_path)
    (tmp_path / "survey_layout.toml").write_text('header_rows = 2\n[waves."2021-Q3"]\nheader_rows = 3\npeople = "name"\n')
    layouts = SurveyLayouts.for_landing_root(tmp_path)
    assert layouts.for_wave("2021-Q2").header_rows == 2
    assert (layouts.for_wave("2021-Q3").header_rows, layouts.for_wave("2021-Q3").people) == (3, "name")


def test_an_older_qualtrics_export_of_two_header_rows_is_configured(tmp_path):
    path = qualtrics_csv(tmp_path / "ona_survey.csv", NAMED_HR, SURVEY)
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:2] + lines[3:]))  # no {"ImportId": ...} row
    config = SurveyLayouts.from_toml("header_rows = 2\n").common
    recognised, answers = _read(path, config)
    assert recognised.header_rows == 2 and recognised.groups[0].nominees[0][1] == "Q1_1"
    assert len(reshape(recognised, answers)) == len(SURVEY)
