"""Survey tools' exports, written by test helpers as the tools write them, through the whole
wave pipeline (ingestion to marts); and every bad input of issue 21 ending in a clear message
with nothing wrong written.

- a Qualtrics-style CSV (three header rows, respondents by e-mail, nominees by full name,
  strengths as answer labels) loads the same warehouse as the long file of ids;
- a Microsoft-Forms-style XLSX (a ``;``-separated cell of names, no strength) loads every tie as
  strong;
- names, e-mail addresses never reach any warehouse table, the run's metadata or a message.
"""

from __future__ import annotations

import dagster as dg
import pandas as pd
import pytest

from scl_pipeline.lib.lake import DataLake
from scl_pipeline_tests.helpers.dagster import materialization_metadata, materialize_unpartitioned, materialize_wave, query
from scl_pipeline_tests.helpers.landing import write_frame
from scl_pipeline_tests.helpers.survey_tools import NEVER_VERY_OFTEN, forms_xlsx, qualtrics_csv
from scl_pipeline_tests.helpers.warehouse_tables import all_text, warehouse_tables
from scl_pipeline_tests.lib.ingestion.survey_people import NAMED_HR, SURVEY

WAVE = "2021-Q3"
SURVEY_KEY = dg.AssetKey(["raw", "ona_survey"])
PERSONAL = [*NAMED_HR["full_name"], *NAMED_HR["email"], "Zoe Muller", "Ana Berg"]


def _lake(root, survey_writer, hr: pd.DataFrame = NAMED_HR, config: str | None = None) -> DataLake:
    lake = DataLake(root / "lake")
    write_frame(hr, lake.wave_folder(WAVE) / "hr_export.csv")
    survey_writer(lake.wave_folder(WAVE))
    if config is not None:
        (lake.landing / "survey_layout.toml").write_text(config)
    materialize_unpartitioned(lake, [dg.AssetKey(["raw", "participants"])])
    return lake


def _no_personal_data(lake: DataLake, *texts: str) -> None:
    stored = " ".join([all_text(lake), *texts]).lower()
    for value in PERSONAL:
        assert value.lower() not in stored, value


def test_qualtrics_csv_with_names_and_labels_loads_the_long_forms_warehouse(tmp_path):
    long = _lake(tmp_path / "long", lambda f: write_frame(SURVEY, f / "ona_survey.csv"))
    materialize_wave(long, WAVE)
    tool = _lake(tmp_path / "qualtrics", lambda f: qualtrics_csv(f / "ona_survey.csv", NAMED_HR, SURVEY))
    result = materialize_wave(tool, WAVE)
    expected, got = warehouse_tables(long), warehouse_tables(tool)
    assert set(got) == set(expected) and len(expected["marts.person_wave_metrics"]) == len(NAMED_HR)
    for name, frame in expected.items():
        if name != "raw.ona_survey":  # Qualtrics carries answered_at, the long file does not
            pd.testing.assert_frame_equal(got[name], frame, check_dtype=False, obj=name)
    raw = got["raw.ona_survey"]
    assert raw.drop(columns="answered_at").equals(expected["raw.ona_survey"].drop(columns="answered_at"))
    layout = materialization_metadata(result)[SURVEY_KEY]["survey_layout"].value
    assert layout["layout"] == "wide" and layout["people_matched"] == {"email": 8, "name": 8}
    assert layout["labels_mapped"] == len(SURVEY)
    _no_personal_data(tool, str(materialization_metadata(result)))


def test_forms_xlsx_of_names_loads_every_tie_as_strong(tmp_path):
    lake = _lake(tmp_path, lambda f: forms_xlsx(f / "ona_survey.xlsx", NAMED_HR, SURVEY))
    materialize_wave(lake, WAVE)
    raw = query(lake, "select respondent_id, nominee_id, strength from raw.ona_survey order by 1, 2")
    assert raw[["respondent_id", "nominee_id"]].values.tolist() == SURVEY.sort_values(["respondent_id", "nominee_id"])[
        ["respondent_id", "nominee_id"]].values.tolist()
    assert raw["strength"].isna().all()
    arcs = query(lake, "select arcs from marts.wave_summary where wave = $w", {"w": WAVE})["arcs"].item()
    assert arcs == len(SURVEY.drop_duplicates(["respondent_id", "nominee_id"]))  # SPEC §2: all strong
    _no_personal_data(lake)


def _ambiguous_hr() -> pd.DataFrame:
    hr = NAMED_HR.copy()
    hr.loc[hr["employee_id"] == "E8", "full_name"] = "Ana Berg"  # E2 and E8: two people called Ana Berg
    return hr


def test_a_name_of_two_people_and_an_unknown_respondent_email_are_quarantined_not_stored(tmp_path):
    def write(folder):
        path = qualtrics_csv(folder / "ona_survey.csv", _ambiguous_hr(), SURVEY)
        path.write_text(path.read_text().replace("person7@example.com", "rosa.silva@old-domain.example"))

    lake = _lake(tmp_path, write, hr=_ambiguous_hr())
    result = materialize_wave(lake, WAVE, gates={"max_quarantined_share": 1.0})
    quarantine = query(lake, "select * from raw.wave_quarantine where file_kind = 'ona_survey'")
    ambiguous = quarantine[quarantine["reason"].str.contains("is ambiguous: it matches 2 people")]
    unknown = quarantine[quarantine["reason"].str.contains("respondent's e-mail \\(column 'RecipientEmail'", regex=True)]
    assert len(ambiguous) == int(SURVEY["nominee_id"].isin(["E2", "E8"]).sum())
    assert len(unknown) == int((SURVEY["respondent_id"] == "E7").sum()) and unknown["reason"].str.contains("matches nobody").all()
    loaded = query(lake, "select count(*) as n from raw.ona_survey")["n"].item()
    assert loaded + len(quarantine) == len(SURVEY)
    quality = query(lake, "select check_name, outcome, rows_failed from raw.wave_data_quality where check_name like '%identified'")
    assert set(quality["outcome"]) == {"quarantined"}
    _no_personal_data(lake, str(materialization_metadata(result)), quarantine.to_json())


def _qualtrics(hr=NAMED_HR, labels=NEVER_VERY_OFTEN, drop: str | None = None):
    def write(folder):
        path = qualtrics_csv(folder / "ona_survey.csv", hr, SURVEY, labels=labels)
        if drop:
            frame = pd.read_csv(path, header=None, dtype=str, keep_default_na=False)
            frame = frame.loc[:, frame.iloc[0] != drop]
            frame.to_csv(path, header=False, index=False)
    return write


STRENGTH = '[[questions]]\nrelation = "trust"\nnominees = "Q1_*"\nstrength = "Q2_*"\n'
BAD_INPUTS = {
    "slot without its strength column": (_qualtrics(drop="Q2_2"), STRENGTH, "'Q1_2' have no strength column in the group 'Q2_*'"),
    "label off the scale": (
        _qualtrics(labels={**NEVER_VERY_OFTEN, 2: "Hardly ever"}), None,
        "ona_survey.strength_label_on_scale",
    ),
    "configured group the file lacks": (
        _qualtrics(), STRENGTH + '[[questions]]\nrelation = "advice"\nnominees = "Q3_*"\n',
        "no column matching nominees = 'Q3_*' (question of relation 'advice'",
    ),
    "unrecognisable layout": (
        lambda f: write_frame(pd.DataFrame({"Email": ["person1@example.com"], "Colour": ["blue"]}), f / "ona_survey.csv"),
        None, "cannot tell its layout",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_fails_clearly_and_keeps_the_loaded_wave(tmp_path, case):
    writer, config, message = BAD_INPUTS[case]
    lake = _lake(tmp_path, _qualtrics())
    materialize_wave(lake, WAVE)
    before = warehouse_tables(lake)
    for stale in lake.wave_folder(WAVE).glob("ona_survey.*"):
        stale.unlink()
    writer(lake.wave_folder(WAVE))
    if config is not None:
        (lake.landing / "survey_layout.toml").write_text(config)
    result = materialize_wave(lake, WAVE, raise_on_error=False)
    assert not result.success
    failures = [e.event_specific_data.error.message for e in result.all_events if e.is_step_failure]
    assert any(message in text for text in failures), failures
    after = warehouse_tables(lake)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(after[name], frame, obj=name)
    quality = query(lake, "select detail from raw.wave_data_quality where load_status = 'rejected'")
    assert len(quality) and not any(v.lower() in " ".join(quality["detail"].dropna()).lower() for v in PERSONAL)
    if case == "label off the scale":
        detail = query(lake, "select detail from raw.wave_data_quality where check_name = 'ona_survey.strength_label_on_scale' "
                       "and load_status = 'rejected'")["detail"].item()
        count = int((SURVEY["strength"] == 2).sum())
        assert f"'Hardly ever' on {count} row(s)" in detail and "Q2_" in detail
