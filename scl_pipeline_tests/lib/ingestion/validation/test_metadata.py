"""Reports as Dagster metadata: JSON-friendly, with a markdown table of the findings."""

from __future__ import annotations

import json

from scl_pipeline.lib.ingestion.validation import EXPECTATIONS, registry_markdown, validate_wave
from scl_pipeline_tests.lib.ingestion.validation.frames import HR_FILE, HR_ROWS, SURVEY_FILE, WAVE, frame, rows_of


def test_metadata_is_json_and_counts_findings():
    survey = rows_of("ona_survey")
    survey[1]["strength"] = "9"
    survey[4]["nominee_id"] = "E404"
    wave = validate_wave(frame(HR_ROWS, HR_FILE), frame(survey, SURVEY_FILE), WAVE)
    meta = wave.to_metadata()
    assert json.loads(json.dumps(meta)) == meta
    assert meta["passed"] is False
    assert (meta["errors"], meta["warnings"], meta["quarantined_rows"]) == (1, 1, 1)
    assert meta["files"] == [HR_FILE, SURVEY_FILE]
    assert meta["rows"] == len(HR_ROWS) + len(survey)
    assert [f["expectation"] for f in meta["findings"]] == ["ona_survey.strength_valid", "ona_survey.nominee_id_in_hr"]
    assert meta["findings"][0]["sample"] == [{"source_row": 2, "strength": "9"}]

    table = meta["findings_markdown"].splitlines()
    assert table[0].startswith("| severity | expectation |")
    assert len(table) == 4
    assert "| ERROR | ona_survey.strength_valid |" in table[2] and "row 2 (strength='9')" in table[2]
    assert "| WARNING | ona_survey.nominee_id_in_hr |" in table[3]


def test_passing_report_metadata():
    wave = validate_wave(frame(HR_ROWS, HR_FILE), frame(rows_of("ona_survey"), SURVEY_FILE), WAVE)
    meta = wave.survey.to_metadata()
    assert meta["passed"] is True and meta["findings"] == []
    assert meta["findings_markdown"] == "All expectations passed."


def test_registry_table_lists_every_expectation_once_with_its_severity():
    lines = registry_markdown().splitlines()[2:]
    assert len(lines) == len(EXPECTATIONS)
    for line, definition in zip(lines, EXPECTATIONS):
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert cells[:3] == [definition.name, definition.file_kind, definition.severity.value]


def test_readme_registry_table_is_in_sync_with_the_registry():
    from pathlib import Path

    import scl_pipeline.lib.ingestion.validation as validation

    readme = (Path(validation.__file__).parent / "README.md").read_text()
    table = readme.split("<!-- registry:start -->\n")[1].split("\n<!-- registry:end -->")[0]
    assert table == registry_markdown()
