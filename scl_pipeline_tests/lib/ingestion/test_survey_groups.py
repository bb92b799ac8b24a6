"""The column groups of wide and multi-select exports: nominees, strengths and relations, configured
or recognised (lib/ingestion/survey_groups.py, through survey_recognition.recognise)."""

import pandas as pd
import pytest

from scl_pipeline.lib.ingestion.aliases import AliasMap
from scl_pipeline.lib.ingestion.survey_config import SurveyLayoutConfig, SurveyLayouts
from scl_pipeline.lib.ingestion.survey_layouts import LayoutError, reshape
from scl_pipeline.lib.ingestion.survey_recognition import recognise

ALIASES = AliasMap.default()


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
