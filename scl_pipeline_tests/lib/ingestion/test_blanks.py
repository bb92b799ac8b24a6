"""Blank strength and relation where the survey has the column (issue 22 §1): quarantined by
default with a WARNING that counts them, or loaded as the ingestion settings say; the same
whether the survey is validated whole or streamed in chunks."""

import pandas as pd
import pytest

from scl_pipeline.lib.ingestion.blanks import BlankPolicy
from scl_pipeline.lib.ingestion.settings import IngestionConfig
from scl_pipeline.lib.ingestion.validation import validate_wave
from scl_pipeline.lib.ingestion.values import MatchOptions
from scl_pipeline_tests.lib.ingestion.test_survey_stream import _assert_same_as_whole, _files
from scl_pipeline_tests.lib.ingestion.validation.frames import HR_FILE, HR_ROWS, SURVEY_FILE, WAVE, frame, rows_of

STRENGTH, RELATION = "ona_survey.strength_not_blank", "ona_survey.relation_not_blank"


def _survey() -> list[dict]:
    """Trust is rated, so its blank strengths (rows 8, 10) are ambiguous; energy is rated nowhere
    (SPEC §2: every energy tie strong), so its blank strength (row 5) is not; row 9 has no relation
    though the others have one."""
    rows = rows_of("ona_survey")
    rows += [
        {"respondent_id": "E2", "nominee_id": "E3", "relation": "trust", "strength": None},
        {"respondent_id": "E3", "nominee_id": "E1", "relation": None, "strength": "4"},
        {"respondent_id": "E4", "nominee_id": "E1", "relation": "TRUST", "strength": "  "},
    ]
    return rows


def _validated(policy: BlankPolicy):
    return validate_wave(frame(HR_ROWS, HR_FILE), frame(_survey(), SURVEY_FILE), WAVE, MatchOptions(blanks=policy))


def _clean(report) -> pd.DataFrame:
    return report.clean.set_index("source_row")[["relation", "strength"]]


def test_blank_strength_and_relation_are_quarantined_by_default_and_counted():
    validation = _validated(BlankPolicy())
    survey = validation.survey
    assert validation.passed
    strength, relation = survey.finding(STRENGTH), survey.finding(RELATION)
    assert (strength.rows_failed, strength.sample_rows) == (2, [8, 10])
    assert "blank on 2 trust rows" in strength.message and "ingestion.blank_strength = quarantine" in strength.message
    assert (relation.rows_failed, relation.sample_rows) == (1, [9])
    assert sorted(survey.quarantine["source_row"]) == [8, 9, 10]
    assert survey.quarantined_by() == {STRENGTH, RELATION}
    assert 5 in survey.clean["source_row"].tolist(), "a relation rated nowhere keeps SPEC §2's rule"


@pytest.mark.parametrize(
    ("policy", "strength"), [(BlankPolicy("not_strong", "primary"), None), (BlankPolicy("strong", "primary", 4, "advice"), "4")]
)
def test_a_setting_loads_the_blank_rows_as_it_says_and_still_counts_them(policy, strength):
    survey = _validated(policy).survey
    assert len(survey.quarantine) == 0 and survey.quarantined_by() == set()
    assert survey.finding(STRENGTH).rows_failed == 2 and survey.finding(RELATION).rows_failed == 1
    assert f"ingestion.blank_strength = {policy.strength}" in survey.finding(STRENGTH).message
    clean = _clean(survey)
    assert clean.loc[8, "strength"] == strength and clean.loc[10, "strength"] == strength
    assert clean.loc[5, "strength"] is None, "energy is rated nowhere: left as SPEC §2 reads it"
    assert clean.loc[9, "relation"] == policy.primary_relation


def test_a_relation_column_blank_on_every_row_is_a_survey_without_relations():
    rows = [{**row, "relation": None} for row in rows_of("ona_survey")]
    survey = validate_wave(frame(HR_ROWS, HR_FILE), frame(rows, SURVEY_FILE), WAVE).survey
    assert survey.finding(RELATION) is None
    # Every row is then of the default relation (trust), which is rated: row 5's blank strength is ambiguous.
    assert survey.quarantined_by() == {STRENGTH} and survey.quarantine["source_row"].tolist() == [5]


def test_the_settings_refuse_an_unknown_policy_and_load_as_the_network_settings():
    with pytest.raises(ValueError, match="blank_strength='maybe'"):
        IngestionConfig(blank_strength="maybe")
    assert IngestionConfig(blank_strength="strong").blanks(5, "advice") == BlankPolicy("strong", "quarantine", 5, "advice")


@pytest.mark.parametrize("policy", [BlankPolicy(), BlankPolicy("not_strong", "primary"), BlankPolicy("strong", "primary")])
@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 1000])
def test_streamed_blanks_equal_the_whole_file_run(tmp_path, policy, chunk_rows):
    # The only rated trust row comes last: a chunk alone cannot tell its blank trust strengths.
    rows = [{"respondent_id": "E1", "nominee_id": "E2", "relation": "trust", "strength": None},
            {"respondent_id": "E2", "nominee_id": "E3", "relation": None, "strength": None},
            {"respondent_id": "E3", "nominee_id": "E4", "relation": "energy", "strength": None},
            {"respondent_id": "E4", "nominee_id": "E1", "relation": "trust", "strength": None},
            {"respondent_id": "E5", "nominee_id": "E1", "relation": "Trust", "strength": "5"}]
    hr, survey = _files(tmp_path, rows)
    streamed, whole = _assert_same_as_whole(hr, survey, chunk_rows, MatchOptions(blanks=policy))
    assert whole.survey.finding(STRENGTH).sample_rows == [1, 2, 4]  # row 2: no relation is trust
    assert whole.survey.finding(RELATION).sample_rows == [2]
