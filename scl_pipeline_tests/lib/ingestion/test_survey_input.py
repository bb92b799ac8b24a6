"""A survey tool's export through reading, matching and validation (lib/ingestion/survey_input.py)."""

import json

import pandas as pd
import pytest

from scl_pipeline.lib.ingestion.aliases import AliasMap
from scl_pipeline.lib.contract import HR_EXPORT
from scl_pipeline.lib.ingestion.errors import LandingFileError
from scl_pipeline.lib.ingestion.readers import StreamedFile, open_landing_file
from scl_pipeline.lib.ingestion.survey_config import SurveyLayoutConfig, SurveyLayouts
from scl_pipeline.lib.ingestion.survey_input import open_survey, with_layout_checks
from scl_pipeline.lib.ingestion.survey_read import FrameSource
from scl_pipeline.lib.ingestion.survey_stream import validate_wave_streamed
from scl_pipeline.lib.ingestion.validation.layout_checks import (
    NOMINEE_IDENTIFIED,
    RESPONDENT_IDENTIFIED,
    STRENGTH_LABEL_ON_SCALE,
)
from scl_pipeline_tests.helpers.landing import refusal, write_frame
from scl_pipeline_tests.helpers.survey_tools import forms_xlsx, qualtrics_csv
from scl_pipeline_tests.lib.ingestion.survey_people import NAMED_HR, SURVEY

WAVE = "2021-Q3"
ALIASES = AliasMap.default()


def _open(tmp_path, survey_path, hr=NAMED_HR, config=SurveyLayoutConfig()):
    hr_path = write_frame(hr, tmp_path / "hr_export.csv")
    hr_file = open_landing_file(hr_path, HR_EXPORT, ALIASES)
    hr_frame = hr_file.read().frame
    read = open_survey(survey_path, ALIASES, config, hr_file, hr_frame, f"{WAVE} HR export")
    return read, hr_frame


def _validated(read, hr_frame):
    wave = validate_wave_streamed(hr_frame, read.source, WAVE)
    return with_layout_checks(wave.validation, read), wave.typed_survey


def _all_text(read, validation) -> str:
    report = validation.survey
    return " ".join(
        [report.quarantine.to_json(), json.dumps(report.to_metadata()), *(f.message for f in report.findings), *read.summary.lines()]
    )


def test_a_long_file_of_ids_streams_as_before(tmp_path):
    read, _ = _open(tmp_path, write_frame(SURVEY, tmp_path / "ona_survey.csv"))
    assert isinstance(read.source, StreamedFile) and read.summary.streamed and not read.checks_run


def test_qualtrics_names_and_labels_load_as_the_long_form(tmp_path):
    read, hr = _open(tmp_path, qualtrics_csv(tmp_path / "ona_survey.csv", NAMED_HR, SURVEY))
    assert isinstance(read.source, FrameSource)
    assert read.summary.matched == {"email": 8, "name": 8}
    assert read.summary.labels_mapped == len(SURVEY) and read.summary.scales == ("never_very_often",)
    validation, typed = _validated(read, hr)
    assert validation.passed and validation.survey.quarantine.empty
    got = typed[["respondent_id", "nominee_id", "relation", "strength"]].sort_values(["respondent_id", "nominee_id"])
    want = SURVEY[["respondent_id", "nominee_id", "relation", "strength"]].sort_values(["respondent_id", "nominee_id"])
    assert got.astype(str).values.tolist() == want.astype(str).values.tolist()
    assert typed["answered_at"].notna().all()


def test_long_file_with_emails_keeps_its_row_numbers(tmp_path):
    emails = dict(zip(NAMED_HR["employee_id"], NAMED_HR["email"]))
    survey = SURVEY.assign(respondent_id=SURVEY["respondent_id"].map(emails), nominee_id=SURVEY["nominee_id"].map(emails))
    survey.loc[3, "nominee_id"] = "stranger@example.com"
    read, hr = _open(tmp_path, write_frame(survey, tmp_path / "ona_survey.csv"))
    validation, typed = _validated(read, hr)
    assert read.summary.layout == "long" and read.summary.matched["email"] == 8
    assert typed["source_row"].tolist() == [r for r in range(1, len(SURVEY) + 1) if r != 4]
    (row,) = validation.survey.quarantine.to_dict("records")
    assert row["source_row"] == 4 and "matches nobody" in row["reason"]
    assert "stranger" not in _all_text(read, validation)


def test_an_ambiguous_name_and_an_unknown_email_are_quarantined_by_row_and_column(tmp_path):
    hr = NAMED_HR.copy()
    hr.loc[hr["employee_id"] == "E8", "full_name"] = "Ana Berg"  # E2 and E8 share a name
    survey = SURVEY.copy()
    read, hr_frame = _open(tmp_path, qualtrics_csv(tmp_path / "ona_survey.csv", hr, survey), hr=hr)
    # The respondent of one row is not in the HR export: its e-mail changed after the export.
    validation, typed = _validated(read, hr_frame)
    report = validation.survey
    ambiguous = report.quarantine[report.quarantine["reason"].str.contains("ambiguous")]
    named_e2_or_e8 = int(SURVEY["nominee_id"].isin(["E2", "E8"]).sum())
    assert len(ambiguous) == named_e2_or_e8
    assert ambiguous["reason"].str.contains(r"column 'Q1_\d+', file row \d+\) is ambiguous: it matches 2 people").all()
    assert report.finding(NOMINEE_IDENTIFIED).rows_failed == named_e2_or_e8
    assert validation.passed and len(typed) == len(SURVEY) - named_e2_or_e8
    assert "Ana Berg" not in _all_text(read, validation) and "ana" not in report.quarantine["values"].str.lower().str.cat()


def test_a_respondent_email_not_in_the_hr_export_is_set_aside(tmp_path):
    path = qualtrics_csv(tmp_path / "ona_survey.csv", NAMED_HR, SURVEY)
    text = path.read_text().replace("person7@example.com", "rosa.silva@old-domain.example")
    path.write_text(text)
    read, hr = _open(tmp_path, path)
    validation, _ = _validated(read, hr)
    finding = validation.survey.finding(RESPONDENT_IDENTIFIED)
    assert finding.rows_failed == int((SURVEY["respondent_id"] == "E7").sum())
    assert "RecipientEmail" in finding.message and "old-domain" not in _all_text(read, validation)
    assert validation.survey.rows == len(SURVEY)


def test_a_label_off_the_scale_rejects_the_wave_naming_column_and_count(tmp_path):
    labels = {1: "Never", 2: "Hardly ever", 3: "Sometimes", 4: "Often", 5: "Very often"}
    read, hr = _open(tmp_path, qualtrics_csv(tmp_path / "ona_survey.csv", NAMED_HR, SURVEY, labels=labels))
    validation, _ = _validated(read, hr)
    finding = validation.survey.finding(STRENGTH_LABEL_ON_SCALE)
    count = int((SURVEY["strength"] == 2).sum())
    assert not validation.passed and finding.rows_failed == count
    assert f"'Hardly ever' on {count} row(s)" in finding.message and "Q2_" in finding.message
    assert "[scales.<name>]" in finding.message


def test_forms_xlsx_of_names_loads_every_tie_as_strong(tmp_path):
    read, hr = _open(tmp_path, forms_xlsx(tmp_path / "ona_survey.xlsx", NAMED_HR, SURVEY))
    validation, typed = _validated(read, hr)
    assert validation.passed and read.summary.layout == "multiselect"
    assert len(typed) == len(SURVEY) and typed["strength"].isna().all()


def test_an_unreadable_layout_fails_naming_the_file_and_what_to_configure(tmp_path):
    path = write_frame(pd.DataFrame({"Email": ["person1@example.com"], "Colour": ["blue"]}), tmp_path / "ona_survey.csv")
    with pytest.raises(LandingFileError, match=r"ona_survey.csv: cannot tell its layout.*survey_layout.toml"):
        _open(tmp_path, path)


def test_the_configured_hr_name_column_must_exist(tmp_path):
    config = SurveyLayouts.from_toml('hr_name = "Display Name"\n').common
    with pytest.raises(LandingFileError, match="hr_export.csv: has no column 'Display Name' \\(hr_name"):
        _open(tmp_path, qualtrics_csv(tmp_path / "ona_survey.csv", NAMED_HR, SURVEY), config=config)


def test_a_header_less_export_is_not_quoted_in_the_message(tmp_path):
    text = "person1@example.com,Ana Berg;Li Wei;\nperson2@example.com,Zoë Müller;\n"
    message = refusal(lambda path: _open(tmp_path, path), tmp_path / "ona_survey.csv", text)
    assert "cannot tell its layout" not in message or "look like a person's data not shown" in message
    assert "person1" not in message and "Ana Berg" not in message and "Müller" not in message


def test_a_strength_pattern_pointing_at_names_never_quotes_them(tmp_path):
    config = SurveyLayouts.from_toml('[[questions]]\nrelation = "trust"\nnominees = "Q1_*"\nstrength = "Q1_*"\n').common
    read, hr = _open(tmp_path, qualtrics_csv(tmp_path / "ona_survey.csv", NAMED_HR, SURVEY), config=config)
    validation, _ = _validated(read, hr)
    finding = validation.survey.finding(STRENGTH_LABEL_ON_SCALE)
    assert not validation.passed and "a person's name or e-mail (not shown)" in finding.message
    assert not any(name in _all_text(read, validation) for name in NAMED_HR["full_name"])


def test_a_wide_parquet_file_reads_like_its_csv(tmp_path):
    names = dict(zip(NAMED_HR["employee_id"], NAMED_HR["full_name"]))
    rows = SURVEY.groupby("respondent_id")["nominee_id"].apply(list)
    wide = pd.DataFrame({"respondent": rows.index})
    for slot in range(max(map(len, rows))):
        wide[f"Colleague {slot + 1}"] = [names[n[slot]] if slot < len(n) else None for n in rows]
    read, hr = _open(tmp_path, write_frame(wide, tmp_path / "ona_survey.parquet"))
    validation, typed = _validated(read, hr)
    assert read.summary.layout == "wide" and validation.passed and len(typed) == len(SURVEY)
    assert read.summary.matched == {"id": 8, "name": 8}
