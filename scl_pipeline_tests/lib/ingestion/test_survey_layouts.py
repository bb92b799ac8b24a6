"""Recognising and reshaping survey tool exports (lib/ingestion/survey_layouts.py, survey_config.py)."""

import pandas as pd
import pytest

from scl_pipeline.lib.ingestion.aliases import AliasMap
from scl_pipeline.lib.contract import ONA_SURVEY
from scl_pipeline.lib.ingestion.errors import LandingFileError
from scl_pipeline.lib.ingestion.readers import read_as_written
from scl_pipeline.lib.ingestion.survey_config import SurveyLayoutConfig, SurveyLayouts
from scl_pipeline.lib.ingestion.survey_layouts import COLUMN, FILE_ROW, LayoutError, recognise, reshape
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


def test_several_questions_become_relations_by_their_headers():
    headers = ["Email", "Whom do you trust?", "Whose advice do you seek?"]
    rows = pd.DataFrame([["zoe.muller@example.com", "Ana Berg;Li Wei;", "Li Wei;"]], columns=range(3))
    recognised, answers = recognise(headers, rows, SurveyLayoutConfig(), ALIASES, lambda v: v in {"Ana Berg", "Li Wei"})
    long = reshape(recognised, answers)
    assert long[["nominee_id", "relation"]].values.tolist() == [["Ana Berg", "trust"], ["Li Wei", "trust"], ["Li Wei", "advice"]]


def test_configured_questions_with_a_fixed_strength_and_commas():
    config = SurveyLayouts.from_toml(
        'respondent = "Who"\nseparator = ","\n'
        '[[questions]]\nrelation = "trust"\nnominees = "Daily"\nstrength = 5\n'
        '[[questions]]\nrelation = "trust"\nnominees = "Monthly"\nstrength = 2\n'
    ).for_wave("2021-Q3")
    rows = pd.DataFrame([["E1", "E2, E3", "E4"]], columns=range(3))
    recognised, answers = recognise(["Who", "Daily", "Monthly"], rows, config, ALIASES, lambda v: False)
    long = reshape(recognised, answers)
    assert long[["nominee_id", "strength"]].values.tolist() == [["E2", "5"], ["E3", "5"], ["E4", "2"]]


def test_a_slot_without_its_strength_column_is_named():
    config = SurveyLayouts.from_toml('[[questions]]\nrelation = "trust"\nnominees = "Q1_*"\nstrength = "Q2_*"\n').common
    headers = ["RecipientEmail", "Q1_1", "Q1_2", "Q1_3", "Q2_1", "Q2_2"]
    rows = pd.DataFrame([["a@x.org", "E1", "E2", "E3", "4", "5"]], columns=range(6))
    with pytest.raises(LayoutError, match=r"nominee column\(s\) 'Q1_3' have no strength column in the group 'Q2_\*'"):
        recognise(headers, rows, config, ALIASES, lambda v: True)


def test_a_configured_group_the_file_lacks_is_named():
    config = SurveyLayouts.from_toml('[[questions]]\nrelation = "advice"\nnominees = "Q3_*"\n').common
    rows = pd.DataFrame([["a@x.org", "E1"]], columns=range(2))
    with pytest.raises(LayoutError, match=r"no column matching nominees = 'Q3_\*' \(question of relation 'advice'"):
        recognise(["RecipientEmail", "Q1_1"], rows, config, ALIASES, lambda v: True)


def test_an_unrecognisable_layout_says_what_to_configure():
    rows = pd.DataFrame([["a@x.org", "blue", "42"]], columns=range(3))
    with pytest.raises(LayoutError, match="cannot tell its layout.*survey_layout.toml"):
        recognise(["Email", "Favourite colour", "Age"], rows, SurveyLayoutConfig(), ALIASES, lambda v: False)


def test_two_unnamed_groups_need_their_relations_configured():
    headers = ["Email", "A_1", "A_2", "B_1", "B_2"]
    rows = pd.DataFrame([["a@x.org", "E1", "E2", "E3", "E4"]], columns=range(5))
    with pytest.raises(LayoutError, match="do not name one relation each"):
        recognise(headers, rows, SurveyLayoutConfig(), ALIASES, lambda v: v.startswith("E"))


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


def test_google_forms_checkboxes_split_on_commas_when_the_parts_name_people():
    headers = ["Timestamp", "Email Address", "Who do you trust?"]
    rows = pd.DataFrame(
        [["2021/08/02 9:15:33 AM GMT+2", "zoe.muller@example.com", "Ana Berg, Li Wei"],
         ["2021/08/02 9:17:02 AM GMT+2", "person2@example.com", "Li Wei"]],
        columns=range(3),
    )
    recognised, answers = recognise(headers, rows, SurveyLayoutConfig(), ALIASES, lambda v: v in {"Ana Berg", "Li Wei"})
    assert recognised.layout == "multiselect" and recognised.groups[0].separator == ","
    assert recognised.answered_at is None  # not ISO 8601
    assert reshape(recognised, answers)["nominee_id"].tolist() == ["Ana Berg", "Li Wei", "Li Wei"]


def test_your_own_scale_labels_mark_a_strength_group_without_questions():
    config = SurveyLayouts.from_toml('[scales.agreement]\n"Strongly agree" = 5\n"Agree" = 4\n').common
    headers = ["Email", "Q1_1", "Q1_2", "Q2_1", "Q2_2"]
    rows = pd.DataFrame([["a@x.org", "Ana Berg", "Li Wei", "Strongly agree", "Agree"]], columns=range(5))
    recognised, answers = recognise(headers, rows, config, ALIASES, lambda v: v in {"Ana Berg", "Li Wei"})
    (group,) = recognised.groups
    assert group.strength_columns == ["Q2_1", "Q2_2"]
    assert reshape(recognised, answers)["strength"].tolist() == ["Strongly agree", "Agree"]


def test_an_older_qualtrics_export_of_two_header_rows_is_configured(tmp_path):
    path = qualtrics_csv(tmp_path / "ona_survey.csv", NAMED_HR, SURVEY)
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:2] + lines[3:]))  # no {"ImportId": ...} row
    config = SurveyLayouts.from_toml("header_rows = 2\n").common
    recognised, answers = _read(path, config)
    assert recognised.header_rows == 2 and recognised.groups[0].nominees[0][1] == "Q1_1"
    assert len(reshape(recognised, answers)) == len(SURVEY)
