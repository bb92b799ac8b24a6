"""Ids as spreadsheets deliver them: canonical form, unique repairs, and the pattern named."""

from __future__ import annotations

import pandas as pd
import pytest

from scl_pipeline.lib.ingestion.id_matching import (
    CASE,
    DECIMAL,
    ZEROS,
    canonical_id,
    canonical_ids,
    find_repairs,
    mismatch_pattern,
)
from scl_pipeline.lib.ingestion.validation import validate_survey, validate_wave
from scl_pipeline.lib.ingestion.values import MatchOptions
from scl_pipeline_tests.lib.ingestion.validation.frames import frame

WAVE = "2021-Q3"


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("E1\u200b", "E1"),  # zero-width space pasted from a chat
        ("\ufeffE1", "E1"),  # byte-order mark glued to the first cell
        ("\u00a0E1\u00a0", "E1"),  # no-break spaces around
        ("E\u00ad1", "E1"),  # soft hyphen
        ("\u200eE1", "E1"),  # left-to-right mark
        ("Ｅ１", "E1"),  # full-width letters and digits
        ("  ", None),
        (None, None),
        ("e1", "e1"),  # case is kept
    ],
)
def test_canonical_id(given, canonical):
    assert canonical_id(given) == canonical


def test_canonical_ids_keep_missing_values_missing():
    out = canonical_ids(pd.Series(["E1\u200b", None, " E2 "], dtype=object))
    assert out.tolist() == ["E1", None, "E2"]


def test_numbers_are_repaired_only_to_a_unique_hr_id():
    known = frozenset({"000123", "1001", "77", "077"})
    repairs = find_repairs(["123", "1001.0", "001001", "77.0", "5", "abc", "000123"], known)
    # Independent check: a value is repaired iff exactly one known id has the same integer value.
    for value in ["123", "1001.0", "001001", "77.0", "5", "abc"]:
        same = [k for k in known if value.replace(".0", "").isdigit() and int(float(value)) == int(k)]
        if len(same) == 1:
            assert repairs.mapping[value] == same[0]
        else:
            assert value not in repairs.mapping
    assert repairs.kinds == {"123": ZEROS, "1001.0": DECIMAL, "001001": ZEROS}
    assert repairs.ambiguous == {"77.0": 2}
    assert "000123" not in repairs.mapping, "an exact match is not a repair"


def test_no_numeric_repair_when_hr_ids_are_not_all_numbers():
    assert find_repairs(["123"], frozenset({"000123", "E7"})).mapping == {}


def test_letter_case_is_repaired_only_with_the_option_and_only_when_unique():
    known = frozenset({"Ab1", "XY2", "xy2"})
    assert find_repairs(["ab1"], known).mapping == {}
    repairs = find_repairs(["ab1", "Xy2"], known, case_insensitive=True)
    assert repairs.mapping == {"ab1": "Ab1"} and repairs.kinds == {"ab1": CASE}
    assert repairs.ambiguous == {"Xy2": 2}


@pytest.mark.parametrize(
    ("unmatched", "known", "words"),
    [
        (["E12", "E7"], {"E0012", "E0007", "E0100"}, "leading zeros"),
        (["e12", "e7"], {"E12", "E7"}, "letter case"),
        (["ann@corp.example", "bob@corp.example"], {"1001", "1002"}, "e-mail addresses"),
        (["E-12", "E-7"], {"E12", "E7"}, "separators"),
        (["P12", "P7"], {"E12", "E7"}, "only their digits"),
        (["12.0", "7.00"], {"12", "7"}, "'.0' suffix"),
    ],
)
def test_mismatch_pattern_names_the_pattern_without_ids(unmatched, known, words):
    note = mismatch_pattern(unmatched, frozenset(known))
    assert words in note
    for value in [*unmatched, *known]:
        assert value not in note


def test_mismatch_pattern_is_silent_for_people_simply_not_in_hr():
    assert mismatch_pattern(["Z9"], frozenset({"E1", "E2"})) == ""


def _wave(hr_ids: list[str], survey_pairs: list[tuple[str, str]]):
    hr = frame([{"employee_id": i, "country": "CH", "department": "D", "level": "L"} for i in hr_ids], "hr_export.csv")
    survey = frame([{"respondent_id": r, "nominee_id": n, "strength": "5"} for r, n in survey_pairs], "ona_survey.csv")
    return hr, survey


def test_survey_ids_that_lost_their_zeros_load_repaired_with_a_counted_warning():
    hr_ids = [f"{i:06d}" for i in range(1, 41)]
    pairs = [(str(i), str(i % 40 + 1)) for i in range(1, 41)]  # every id without its zeros
    hr, survey = _wave(hr_ids, pairs)
    report = validate_wave(hr, survey, WAVE).survey
    assert report.passed and len(report.quarantine) == 0
    for column in ("respondent_id", "nominee_id"):
        finding = report.finding(f"ona_survey.{column}_repaired")
        assert finding.rows_failed == 40
        assert finding.note == "repaired 40 row(s) by leading zeros lost or added"
    expected = [(f"{int(r):06d}", f"{int(n):06d}") for r, n in pairs]
    assert list(zip(report.clean["respondent_id"], report.clean["nominee_id"])) == expected


def test_decimal_ids_load_repaired():
    hr, survey = _wave(["1001", "1002", "1003"], [("1001.0", "1002.0"), ("1002", "1003.0")])
    report = validate_survey(survey, hr, WAVE)
    assert report.finding("ona_survey.respondent_id_repaired").rows_failed == 1
    assert report.finding("ona_survey.nominee_id_repaired").rows_failed == 2
    assert report.clean["nominee_id"].tolist() == ["1002", "1003"]
    assert "a '.0' suffix" in report.finding("ona_survey.nominee_id_repaired").note


def test_ambiguous_numbers_are_quarantined_with_the_pattern_named():
    hr, survey = _wave(["0123", "123", "0456"], [("456", "123"), ("0456", "00123")])
    report = validate_survey(survey, hr, WAVE)
    # "456" is uniquely 0456 (repaired); "00123" could be 0123 or 123: never guessed.
    assert report.clean["respondent_id"].tolist() == ["0456"]
    finding = report.finding("ona_survey.nominee_id_in_hr")
    assert finding.sample_rows == [2] and "leading zeros" in finding.note
    assert "00123" not in finding.message and "00123" not in finding.note


def test_case_option_repairs_survey_ids():
    hr, survey = _wave(["E1", "E2"], [("e1", "E2"), ("E2", "e1")])
    assert validate_survey(survey, hr, WAVE).finding("ona_survey.respondent_id_in_hr").rows_failed == 1
    report = validate_survey(survey, hr, WAVE, MatchOptions(case_insensitive_ids=True))
    assert report.quarantine.empty
    assert report.finding("ona_survey.respondent_id_repaired").note == "repaired 1 row(s) by letter case"


def test_invisible_characters_never_make_two_people_of_one():
    hr, survey = _wave(["E1", "E2"], [("E1\u200b", "E2"), ("E2", "\ufeffE1")])
    report = validate_survey(survey, hr, WAVE)
    assert report.findings == []
    hr_dup, _ = _wave(["E1", "E1\u200b"], [])
    duplicate = validate_wave(hr_dup, survey, WAVE).hr.finding("hr_export.employee_id_unique")
    assert duplicate.rows_failed == 2
