"""At the case study's size, a single bad row among 100,000 is reported exactly."""

from __future__ import annotations

from scl_pipeline.lib.ingestion.validation import validate_survey, validate_wave
from scl_pipeline_tests.lib.ingestion.validation.large import large_hr, large_survey


def test_one_bad_strength_in_100k_rows_is_exactly_that_row():
    hr, survey = large_hr(), large_survey()
    survey.loc[survey["source_row"] == 54_321, "strength"] = "7"
    report = validate_survey(survey, hr, "2021-Q3")
    assert [f.expectation for f in report.findings] == ["ona_survey.strength_valid"]
    finding = report.findings[0]
    assert finding.rows_failed == 1
    assert finding.sample == ({"source_row": 54_321, "strength": "7"},)
    assert not report.passed


def test_one_nominee_outside_hr_in_100k_rows_is_the_only_quarantined_row():
    hr, survey = large_hr(), large_survey()
    survey.loc[survey["source_row"] == 99_999, "nominee_id"] = "LEFT-001"
    wave = validate_wave(hr, survey, "2021-Q3")
    assert wave.passed
    assert [f.expectation for f in wave.findings] == ["ona_survey.nominee_id_in_hr"]
    assert wave.quarantine["source_row"].tolist() == [99_999]
    assert len(wave.clean("ona_survey")) == 99_999
    assert 99_999 not in set(wave.clean("ona_survey")["source_row"])
