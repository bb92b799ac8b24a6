"""Bad landing inputs as they occur in real exports, and the documented canonicalisation
decisions (padding and case of labels)."""

from __future__ import annotations

import pytest

from scl_pipeline.lib.ingestion.validation import validate_hr_export, validate_survey, validate_wave
from scl_pipeline_tests.lib.ingestion.validation.frames import HR_FILE, HR_ROWS, SURVEY_FILE, WAVE, frame, rows_of


def _survey_with(source_row: int, **values):
    rows = rows_of("ona_survey")
    rows[source_row - 1].update(values)
    return frame(rows, SURVEY_FILE)


def _hr():
    return frame(HR_ROWS, HR_FILE)


@pytest.mark.parametrize("strength", ["0", "6", "2.5", "four", "-1", "10", "3 stars"])
def test_strength_outside_integers_1_to_5_fails(strength: str):
    report = validate_survey(_survey_with(4, strength=strength), _hr(), WAVE)
    finding = report.finding("ona_survey.strength_valid")
    assert not report.passed
    assert finding.rows_failed == 1
    assert finding.sample == ({"source_row": 4, "strength": strength.strip()},)


@pytest.mark.parametrize(("given", "canonical"), [("4.0", "4"), (" 5 ", "5"), ("1.00", "1"), ("", None), (None, None)])
def test_whole_float_strength_is_the_integer_and_blank_is_missing(given, canonical):
    report = validate_survey(_survey_with(2, strength=given), _hr(), WAVE)
    assert report.findings == []
    clean = report.clean.set_index("source_row")
    assert clean.at[2, "strength"] == canonical


def test_padded_mixed_case_relation_is_accepted_and_canonicalised():
    report = validate_survey(_survey_with(1, relation=" Trust "), _hr(), WAVE)
    assert report.findings == []
    assert report.clean.set_index("source_row").at[1, "relation"] == "trust"


def test_padded_ids_match_hr_and_are_stripped_in_the_clean_frame():
    report = validate_survey(_survey_with(3, respondent_id=" E2", nominee_id="E1 "), _hr(), WAVE)
    assert report.findings == []
    row = report.clean.set_index("source_row").loc[3]
    assert (row["respondent_id"], row["nominee_id"]) == ("E2", "E1")


def test_id_case_is_significant():
    # "e2" is not "E2": ids are never case-folded, so this nominee is outside HR.
    report = validate_survey(_survey_with(1, nominee_id="e2"), _hr(), WAVE)
    finding = report.finding("ona_survey.nominee_id_in_hr")
    assert finding.sample == ({"source_row": 1, "nominee_id": "e2"},)


def test_duplicated_employee_ids_stop_the_wave():
    rows = [dict(r) for r in HR_ROWS] + [dict(HR_ROWS[4], country="FR")]
    wave = validate_wave(frame(rows, HR_FILE), frame(rows_of("ona_survey"), SURVEY_FILE), WAVE)
    assert not wave.passed
    finding = wave.hr.finding("hr_export.employee_id_unique")
    assert finding.rows_failed == 2 and finding.sample_rows == [5, 7]
    assert wave.survey.passed


def test_unknown_country_stops_the_wave_and_names_the_value():
    rows = [dict(r) for r in HR_ROWS]
    rows[1]["country"] = "Westeros"
    report = validate_hr_export(frame(rows, HR_FILE), WAVE)
    assert not report.passed
    finding = report.finding("hr_export.country_known")
    assert finding.sample == ({"source_row": 2, "country": "Westeros"},)
    assert "Westeros" in finding.message and HR_FILE in finding.message


def test_country_codes_names_and_padding_are_accepted():
    rows = [dict(r) for r in HR_ROWS]
    for row, country in zip(rows, ["fra", "United Kingdom", " IN ", "Viet Nam", "NZL", "ch"]):
        row["country"] = country
    assert validate_hr_export(frame(rows, HR_FILE), WAVE).findings == []


def test_nominee_who_left_is_quarantined_not_dropped_and_the_wave_passes():
    hr_rows = [r for r in HR_ROWS if r["employee_id"] != "E5"]  # E5 left before this wave
    wave = validate_wave(frame(hr_rows, HR_FILE), frame(rows_of("ona_survey"), SURVEY_FILE), WAVE)
    assert wave.passed
    # E5 is nominee on row 5 and respondent on row 6.
    assert wave.survey.finding("ona_survey.nominee_id_in_hr").sample_rows == [5]
    assert wave.survey.finding("ona_survey.respondent_id_in_hr").sample_rows == [6]
    q = wave.quarantine
    assert q["source_row"].tolist() == [5, 6]
    assert q["reason"].tolist() == [
        f"nominee_id 'E5' is not in the {WAVE} HR export",
        f"respondent_id 'E5' is not in the {WAVE} HR export",
    ]
    assert set(wave.clean("ona_survey")["source_row"]) == {1, 2, 3, 4, 7}


def test_absent_optional_columns_skip_their_expectations():
    rows = [{k: r[k] for k in ("respondent_id", "nominee_id")} for r in rows_of("ona_survey")]
    report = validate_survey(frame(rows, SURVEY_FILE), _hr(), WAVE)
    assert report.findings == []
    assert "ona_survey.strength_valid" not in report.expectations_run
    assert "ona_survey.relation_valid" not in report.expectations_run
    assert "ona_survey.no_duplicate_nomination" in report.expectations_run


def test_frame_without_source_row_is_rejected_with_a_clear_error():
    df = frame(HR_ROWS, HR_FILE).drop(columns="source_row")
    with pytest.raises(ValueError, match="hr_export.csv.*source_row"):
        validate_hr_export(df, WAVE)


def test_pandas_string_dtype_with_pd_na_is_handled():
    rows = rows_of("ona_survey")
    rows[3]["nominee_id"] = "E404"
    survey = frame(rows, SURVEY_FILE)
    for column in ("respondent_id", "nominee_id", "relation", "strength", "answered_at"):
        survey[column] = survey[column].astype("string")
    report = validate_survey(survey, _hr(), WAVE)
    assert report.passed
    assert report.quarantine["source_row"].tolist() == [4]
    assert '"answered_at": null' in report.quarantine.at[0, "values"]
    assert report.clean["relation"].tolist() == ["trust", "advice", "trust", "energy", "trust", "work"]


def test_messages_name_file_column_rows_and_the_shape_of_personal_values():
    # A hire date is about one person: the message shows its shape, enough to see day-first.
    rows = [dict(r) for r in HR_ROWS]
    rows[2]["hire_date"] = "31/12/2020"
    finding = validate_hr_export(frame(rows, HR_FILE), WAVE).finding("hr_export.hire_date_parseable")
    assert finding.message == (
        f"ERROR hr_export.hire_date_parseable in {HR_FILE}, column 'hire_date': "
        "hire_date is an ISO 8601 date or timestamp when present — failed on 1 row(s): "
        "row 3 (hire_date shaped '99/99/9999')"
    )
    assert finding.sample == ({"source_row": 3, "hire_date": "31/12/2020"},), "the library keeps the value"
