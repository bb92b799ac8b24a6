"""What messages about landing files may show: labels yes, ids and personal values by shape only,
and nothing a viewer would execute."""

from __future__ import annotations

import pytest

from scl_pipeline.lib.ingestion.disclosure import markdown_text, may_quote, metadata_value, shape, shown_cell
from scl_pipeline.lib.ingestion.validation import findings_markdown, validate_hr_export, validate_survey
from scl_pipeline_tests.lib.ingestion.validation.frames import HR_FILE, HR_ROWS, SURVEY_FILE, WAVE, frame, rows_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [("E1001", "A9999"), ("1001.0", "9999.9"), ("03/04/2021", "99/99/9999"), ("ann@x.org", "aaa@a.aaa"),
     ("Zebulon Quackenbush", "Aaaaaaa Aaaaaaaa…"), ("a\x1b[2Jb", "a?[9Aa")],
)
def test_shape(text, expected):
    assert shape(text) == expected


@pytest.mark.parametrize(
    ("column", "value", "quoted"),
    [("country", "Atlantis", True), ("relation", "gossip", True), ("strength", "9", True),
     ("country", "ann@x.org", False), ("department", "+41 79 555 01 23", False),
     ("employee_id", "E1", False), ("nominee_id", "Atlantis", False), ("hire_date", "2021-01-01", False),
     ("gender", "f", False), (None, "x", False)],
)
def test_only_label_columns_are_quoted_and_never_personal_looking_values(column, value, quoted):
    assert may_quote(column, value) is quoted
    assert (value in shown_cell(column or "c", value)) is quoted
    assert (metadata_value(column, value) == value) is quoted


def test_findings_markdown_neutralises_markup_and_formulas():
    rows = [dict(r) for r in HR_ROWS]
    rows[0]["country"] = "<script>alert(1)</script>"
    rows[1]["country"] = '=HYPERLINK("http://evil.example","x")|y'
    report = validate_hr_export(frame(rows, HR_FILE), WAVE)
    table = findings_markdown(report.findings)
    assert "<script>" not in table and "&lt;script&gt;" in table
    row = next(line for line in table.splitlines() if "country_known" in line)
    assert row.count(" | ") == 5, "a '|' in a value never opens a new column"
    assert markdown_text("a\nb`c") == "a b'c"


def test_survey_messages_and_metadata_never_show_ids():
    rows = rows_of("ona_survey")
    rows[4]["nominee_id"] = "EMP-4410-QX"
    report = validate_survey(frame(rows, SURVEY_FILE), frame(HR_ROWS, HR_FILE), WAVE)
    finding = report.finding("ona_survey.nominee_id_in_hr")
    assert finding.sample[0]["nominee_id"] == "EMP-4410-QX", "the library keeps the value for its callers"
    shown = [finding.message, findings_markdown(report.findings), str(report.to_metadata())]
    assert not any("EMP-4410" in text for text in shown)
    assert "shaped 'AAA-9999-AA'" in finding.message
    assert "EMP-4410-QX" in report.quarantine["reason"].iloc[0], "raw.quarantine (warehouse only) keeps it"
