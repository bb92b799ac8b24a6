"""The catalogue of bad inputs: each one's exact outcome, and the warehouse never damaged.

Every case starts from a warehouse holding one good wave (2021-Q1), then lands a bad version
of that same wave (or of the roster / an experiment) and runs ingestion. Rejections must name
the problem and leave every previously good table exactly as it was; warnings must quarantine
exactly the offending rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import dagster as dg
import numpy as np
import pandas as pd
import pytest

from scl_pipeline.lib.ingestion.discovery import landed_waves
from scl_pipeline.lib.ingestion.readers import LandingFileError
from scl_pipeline.lib.lake import DataLake
from scl_pipeline_tests.helpers.dagster import materialize_wave, project_defs, query, resources_for
from scl_pipeline_tests.helpers.landing import small_org, write_frame, write_wave

WAVE = "2021-Q1"
INGESTION = [dg.AssetKey(["raw", "hr_export"]), dg.AssetKey(["raw", "ona_survey"])]
PROTECTED = ["raw.hr_export", "raw.ona_survey", "raw.quarantine", "raw.participants"]


def good_wave() -> tuple[pd.DataFrame, pd.DataFrame]:
    hr, survey = small_org()
    hr["hire_date"] = "2019-06-01"
    return hr, survey


def warehouse_state(lake: DataLake) -> dict[str, pd.DataFrame]:
    return {t: query(lake, f"select * from {t} order by all") for t in PROTECTED}


@pytest.fixture
def loaded(lake):
    """A warehouse with one good wave and a roster loaded; returns its state."""
    hr, survey = good_wave()
    write_wave(lake, WAVE, hr, survey)
    write_frame(pd.DataFrame({"employee_id": ["E1", "E6"], "cohort": ["C1", "C1"]}), lake.program_folder / "participants.csv")
    assert materialize_wave(lake, WAVE, INGESTION).success
    assert _materialize_program(lake, [dg.AssetKey(["raw", "participants"])]).success
    return warehouse_state(lake)


def _materialize_program(lake, keys):
    d = project_defs()
    from scl_pipeline_tests.helpers.dagster import _INSTANCE

    return dg.materialize(
        list(d.assets) + list(d.asset_checks or []), selection=keys, resources=resources_for(lake), instance=_INSTANCE, raise_on_error=False
    )


def _wave_folder(lake):
    return lake.wave_folder(WAVE)


def _survey_csv(lake, text: str | bytes) -> None:
    path = _wave_folder(lake) / "ona_survey.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())


def _edit(hr_edit: Callable | None = None, survey_edit: Callable | None = None, fmt: str = "csv"):
    def land(lake):
        hr, survey = good_wave()
        hr = hr_edit(hr) if hr_edit else hr
        survey = survey_edit(survey) if survey_edit else survey
        write_wave(lake, WAVE, hr, survey, fmt=fmt)

    return land


def _set(column: str, row: int, value) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.astype(object)
        frame.loc[row, column] = value
        return frame

    return edit


@dataclass
class Rejected:
    """The wave is rejected: run fails, message contains ``message``; ``expectation`` failed in ``check``."""

    message: str
    check: str | None = None
    expectation: str | None = None
    rows: tuple[int, ...] | None = None


@dataclass
class Loaded:
    """The wave loads; exactly ``quarantined`` (expectation -> source rows) are set aside, and the
    raw tables hold the good wave's rows minus those (``departments``: the HR values stored)."""

    quarantined: dict[str, tuple[int, ...]]
    departments: tuple[str, ...] = ("Ops", "R&D", "Sales")


def _latin1(lake):
    hr, survey = good_wave()
    write_wave(lake, WAVE, hr, survey)
    path = _wave_folder(lake) / "hr_export.csv"
    path.write_bytes(path.read_text().replace("R&D", "Développement").encode("latin-1"))


def _latin1_declared(lake):
    _latin1(lake)
    (lake.landing / "column_aliases.toml").write_text('[files]\nencoding = "latin-1"\n')


def _bom(lake):
    hr, survey = good_wave()
    write_wave(lake, WAVE, hr, survey)
    path = _wave_folder(lake) / "ona_survey.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())


def _semicolons(lake):
    hr, survey = good_wave()
    write_wave(lake, WAVE, hr, survey)
    survey.to_csv(_wave_folder(lake) / "ona_survey.csv", sep=";", index=False)


def _wrong_delimiter(lake):
    hr, survey = good_wave()
    write_wave(lake, WAVE, hr, survey)
    body = "\n".join(";".join(map(str, row)) for row in survey.itertuples(index=False))
    _survey_csv(lake, "respondent_id,nominee_id,strength,relation\n" + body + "\n")


def _empty_sheet_xlsx(lake):
    hr, survey = good_wave()
    write_wave(lake, WAVE, hr, survey, fmt="xlsx")
    from openpyxl import Workbook

    Workbook().save(_wave_folder(lake) / "ona_survey.xlsx")


def _truncated_parquet(lake):
    hr, survey = good_wave()
    write_wave(lake, WAVE, hr, survey, fmt="parquet")
    path = _wave_folder(lake) / "ona_survey.parquet"
    path.write_bytes(path.read_bytes()[:64])


def _missing_survey(lake):
    hr, survey = good_wave()
    write_wave(lake, WAVE, hr, survey)
    (_wave_folder(lake) / "ona_survey.csv").unlink()


def _two_formats(lake):
    hr, survey = good_wave()
    write_wave(lake, WAVE, hr, survey)
    write_frame(survey, _wave_folder(lake) / "ona_survey.parquet")


def _padded_headers(lake):
    hr, survey = good_wave()
    write_wave(lake, WAVE, hr.rename(columns={"employee_id": " Employee ID ", "country": "COUNTRY"}), survey.rename(columns={"respondent_id": "Respondent_ID "}))


def _big_survey_one_bad_row(lake):
    rng = np.random.default_rng(7)
    people = [f"E{i}" for i in range(1, 2001)]
    hr = pd.DataFrame({"employee_id": people, "country": "CH", "department": "D", "level": "L", "hire_date": "2019-06-01"})
    respondents = rng.integers(0, 2000, 120_000)
    nominees = (respondents + rng.integers(1, 2000, 120_000)) % 2000
    survey = pd.DataFrame({"respondent_id": np.array(people)[respondents], "nominee_id": np.array(people)[nominees]})
    survey = survey.drop_duplicates().head(100_000).reset_index(drop=True)
    survey["strength"] = "4"
    survey.loc[54_321, "strength"] = "x"
    write_wave(lake, WAVE, hr, survey)


CASES: dict[str, tuple[Callable[[DataLake], None], Rejected | Loaded]] = {
    "empty file": (lambda lake: (_edit()(lake), _survey_csv(lake, b"")), Rejected("file is empty")),
    "header-only file": (lambda lake: (_edit()(lake), _survey_csv(lake, "respondent_id,nominee_id\n")), Rejected("has a header but no data rows")),
    "bad encoding (Latin-1)": (_latin1, Rejected("not valid utf-8 text: byte 0xe9")),
    "Latin-1 declared in column_aliases.toml": (_latin1_declared, Loaded({}, departments=("Développement", "Ops", "Sales"))),
    "UTF-8 BOM": (_bom, Loaded({})),
    "semicolon-separated CSV": (_semicolons, Loaded({})),
    "wrong delimiter in rows": (_wrong_delimiter, Rejected("rejected", "ona_survey_valid", "ona_survey.nominee_id_not_null")),
    "Excel file with no sheet of data": (_empty_sheet_xlsx, Rejected("no sheet with data")),
    "truncated Parquet": (_truncated_parquet, Rejected("not a readable Parquet file")),
    "missing file for a wave": (_missing_survey, Rejected("missing file: expected one of ona_survey.csv")),
    "two files for one kind": (_two_formats, Rejected("ambiguous")),
    "missing required column": (_edit(survey_edit=lambda s: s.drop(columns=["nominee_id"])), Rejected("missing required column(s) nominee_id")),
    "mixed-case and padded headers": (_padded_headers, Loaded({})),
    "duplicated employee ids": (_edit(hr_edit=_set("employee_id", 2, "E1")), Rejected("rejected", "hr_export_valid", "hr_export.employee_id_unique", (1, 3))),
    "blank employee id": (_edit(hr_edit=_set("employee_id", 4, "  ")), Rejected("rejected", "hr_export_valid", "hr_export.employee_id_not_null", (5,))),
    "non-numeric strength": (_edit(survey_edit=_set("strength", 3, "strong")), Rejected("rejected", "ona_survey_valid", "ona_survey.strength_valid", (4,))),
    "strength 0": (_edit(survey_edit=_set("strength", 0, 0)), Rejected("rejected", "ona_survey_valid", "ona_survey.strength_valid", (1,))),
    "strength 6": (_edit(survey_edit=_set("strength", 5, 6)), Rejected("rejected", "ona_survey_valid", "ona_survey.strength_valid", (6,))),
    "unknown country": (_edit(hr_edit=_set("country", 6, "Atlantis")), Rejected("rejected", "hr_export_valid", "hr_export.country_known", (7,))),
    "unparseable hire date": (_edit(hr_edit=_set("hire_date", 1, "03/04/2021")), Rejected("rejected", "hr_export_valid", "hr_export.hire_date_parseable", (2,))),
    "HR export of a later wave": (_edit(hr_edit=_set("hire_date", 0, "2021-05-02")), Rejected("rejected", "hr_export_valid", "hr_export.hired_by_wave_end", (1,))),
    "self-nomination": (_edit(survey_edit=_set("nominee_id", 2, "E1")), Rejected("rejected", "ona_survey_valid", "ona_survey.no_self_nomination", (3,))),
    "unknown relation": (_edit(survey_edit=_set("relation", 1, "gossip")), Rejected("rejected", "ona_survey_valid", "ona_survey.relation_valid", (2,))),
    "nominee who left the company": (_edit(survey_edit=_set("nominee_id", 4, "E99")), Loaded({"ona_survey.nominee_id_in_hr": (5,)})),
    "respondent outside the HR export": (_edit(survey_edit=_set("respondent_id", 7, "X1")), Loaded({"ona_survey.respondent_id_in_hr": (8,)})),
    "duplicate nominations": (
        _edit(survey_edit=lambda s: pd.concat([s, s.iloc[[0]].assign(strength=2)], ignore_index=True)),
        Loaded({"ona_survey.no_duplicate_nomination": (14,)}),
    ),
    "100,000-row survey with one bad row": (_big_survey_one_bad_row, Rejected("rejected", "ona_survey_valid", "ona_survey.strength_valid", (54_322,))),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_outcome(lake, loaded, name):
    land, expected = CASES[name]
    land(lake)
    result = materialize_wave(lake, WAVE, INGESTION, raise_on_error=False)
    quality = query(lake, "select * from marts.data_quality where run_id = $run", {"run": result.run_id})
    if isinstance(expected, Rejected):
        assert not result.success
        failure = next(e for e in result.all_events if e.is_step_failure)
        message = failure.step_failure_data.user_failure_data.description
        assert expected.message.lower() in message.lower(), message
        assert str(lake.wave_folder(WAVE)) in message, "the message names the file or folder"
        assert warehouse_state(lake).keys() == loaded.keys()
        for table, before in loaded.items():
            pd.testing.assert_frame_equal(query(lake, f"select * from {table} order by all"), before, obj=table)
        assert (quality["outcome"] == "failed").any(), "the rejection is recorded in marts.data_quality"
        if not expected.check:  # unreadable: one data-quality row naming the file and the problem
            (row,) = quality.itertuples()
            assert row.check_name.endswith(".readable") and expected.message.lower() in row.detail.lower()
        if expected.check:
            evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
            assert not evaluations[expected.check].passed
            failed = evaluations[expected.check].metadata["failed_expectations"].value
            assert expected.expectation in failed
            row = quality[quality["check_name"] == expected.expectation].iloc[0]
            assert row["outcome"] == "failed"
            # Published to BI: row numbers only, never the offending values (they can be ids).
            assert not re.search(r"\bE\d+\b", row["detail"]) and row["file"].startswith("waves/")
            listed = row["detail"].split("(source rows ")[1].rstrip(")").split(", ")
            for source_row in expected.rows or ():
                assert str(source_row) in listed
            if expected.rows:
                assert row["rows_failed"] == len(expected.rows)
    else:
        assert result.success, name
        quarantine = query(lake, "select * from raw.quarantine where scope = $w", {"w": WAVE})
        got = {}
        for expectation, rows in quarantine.groupby("expectation")["source_row"]:
            got[expectation] = tuple(sorted(rows))
        assert got == expected.quarantined
        hr, survey = good_wave()
        loaded_hr = query(lake, "select * from raw.hr_export where wave = $w order by source_row", {"w": WAVE})
        assert loaded_hr["employee_id"].tolist() == hr["employee_id"].tolist()
        assert tuple(sorted(loaded_hr["department"].unique())) == expected.departments
        loaded_survey = query(lake, "select * from raw.ona_survey where wave = $w", {"w": WAVE})
        assert len(loaded_survey) + sum(map(len, expected.quarantined.values())) == len(survey) + (
            1 if name == "duplicate nominations" else 0
        )
        assert loaded_survey["strength"].notna().all() and loaded_survey["nominee_id"].notna().all()
        evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
        assert evaluations["hr_export_valid"].passed and evaluations["ona_survey_valid"].passed
        assert evaluations["ona_survey_quarantine"].passed == (not expected.quarantined)


def test_catalogue_has_at_least_25_distinct_cases():
    assert len(CASES) >= 25


def test_wrongly_named_wave_folder_is_reported(lake):
    hr, survey = good_wave()
    write_wave(lake, WAVE, hr, survey)
    (lake.landing / "waves" / "2021 Q2").mkdir()
    with pytest.raises(LandingFileError, match=r"\['2021 Q2'\] are not named YYYY-Qn"):
        landed_waves(lake)


def test_fixed_wave_reloads_and_replaces_its_quarantine(lake, loaded):
    _edit(survey_edit=_set("nominee_id", 4, "E99"))(lake)
    assert materialize_wave(lake, WAVE, INGESTION).success
    assert len(query(lake, "select * from raw.quarantine where scope = $w", {"w": WAVE})) == 1
    _edit(survey_edit=_set("strength", 0, "x"))(lake)
    assert not materialize_wave(lake, WAVE, INGESTION, raise_on_error=False).success
    assert len(query(lake, "select * from raw.quarantine where scope = $w", {"w": WAVE})) == 1
    _edit()(lake)
    assert materialize_wave(lake, WAVE, INGESTION).success
    assert query(lake, "select count(*) as n from raw.quarantine where scope = $w", {"w": WAVE})["n"][0] == 0
    assert query(lake, "select count(*) as n from raw.ona_survey")["n"][0] == len(good_wave()[1])


def test_rejected_wave_never_reaches_downstream_assets(lake, loaded):
    _edit(survey_edit=_set("strength", 0, 9))(lake)
    result = materialize_wave(lake, WAVE, raise_on_error=False)
    materialized = {e.asset_key for e in result.get_asset_materialization_events()} if result.all_events else set()
    assert not result.success
    assert materialized == set()
    started = {e.step_key for e in result.all_events if e.event_type_value == "STEP_START"}
    assert started == {"wave_exports"}, "no graph or metric step starts after a rejected wave"


def test_roster_participant_outside_hr_is_quarantined_and_bad_roster_rejected(lake, loaded):
    roster = lake.program_folder / "participants.csv"
    write_frame(pd.DataFrame({"employee_id": ["E1", "Z9"], "cohort": ["C1", "C1"]}), roster)
    result = _materialize_program(lake, [dg.AssetKey(["raw", "participants"])])
    assert result.success
    quarantine = query(lake, "select * from raw.quarantine where scope = 'program'")
    assert quarantine["expectation"].tolist() == ["participants.employee_id_in_hr"]
    write_frame(
        pd.DataFrame({"employee_id": ["E1"], "cohort": ["C1"], "start_date": ["2021-03-01"], "end_date": ["2021-01-01"]}), roster
    )
    result = _materialize_program(lake, [dg.AssetKey(["raw", "participants"])])
    assert not result.success
    assert query(lake, "select employee_id from raw.participants order by 1")["employee_id"].tolist() == ["E1"]


def test_bad_experiment_group_is_rejected(lake, loaded):
    folder = lake.experiments_folder / "qa-1"
    write_frame(pd.DataFrame({"employee_id": ["E1", "E2"], "group": ["program", "treatment"]}), folder / "assignment.csv")
    write_frame(pd.DataFrame({"asker_id": ["E1"], "responder_id": ["E2"], "asked_at": ["2022-01-03T10:00:00"]}), folder / "interactions.csv")
    keys = [dg.AssetKey(["raw", "experiment_assignment"]), dg.AssetKey(["raw", "experiment_interactions"])]
    result = _materialize_program(lake, keys)
    assert not result.success
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert "experiment_assignment.group_valid" in evaluations["experiment_assignment_valid"].metadata["failed_expectations"].value
