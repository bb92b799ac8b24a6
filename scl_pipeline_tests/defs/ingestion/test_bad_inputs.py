"""The catalogue of bad inputs: each one's exact outcome, and the warehouse never damaged.

Every case starts from a warehouse holding one good wave (2021-Q1), then lands a bad version
of that same wave (or of the roster / an experiment) and runs ingestion. Rejections must name
the problem and leave every previously good table exactly as it was; warnings must quarantine
exactly the offending rows.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field

import dagster as dg
import numpy as np
import pandas as pd
import pytest

from scl_pipeline.lib.ingestion.discovery import landed_waves
from scl_pipeline.lib.lake import DataLake
from scl_pipeline_tests.helpers.dagster import materialize_wave, project_defs, query, resources_for, whole_steps
from scl_pipeline_tests.helpers.landing import small_org, write_frame, write_wave

WAVE = "2021-Q1"
INGESTION = [dg.AssetKey(["raw", "hr_export"]), dg.AssetKey(["raw", "ona_survey"])]
# The steps' own quarantine tables: raw.quarantine is their union (lib.ingestion.check_tables).
PROTECTED = ["raw.hr_export", "raw.ona_survey", "raw.wave_quarantine", "raw.program_quarantine", "raw.participants"]


def good_wave() -> tuple[pd.DataFrame, pd.DataFrame]:
    hr, survey = small_org()
    hr["hire_date"] = "2019-06-01"
    return hr, survey


def warehouse_state(lake: DataLake) -> dict[str, pd.DataFrame]:
    return {t: query(lake, f"select * from {t} order by all") for t in PROTECTED}


@pytest.fixture(scope="module")
def loaded_template(tmp_path_factory) -> tuple[DataLake, dict[str, pd.DataFrame]]:
    """A lake with one good wave and a roster loaded, and its warehouse state; built once per
    module (its two runs cost more than most cases do)."""
    lake = DataLake(tmp_path_factory.mktemp("loaded") / "lake")
    hr, survey = good_wave()
    write_wave(lake, WAVE, hr, survey)
    write_frame(pd.DataFrame({"employee_id": ["E1", "E6"], "cohort": ["C1", "C1"]}), lake.program_folder / "participants.csv")
    assert materialize_wave(lake, WAVE, INGESTION).success
    assert _materialize_program(lake, [dg.AssetKey(["raw", "participants"])]).success
    return lake, warehouse_state(lake)


@pytest.fixture
def loaded(lake, loaded_template):
    """``lake`` as a fresh copy of the loaded template (landing files and warehouse); returns its state."""
    template, state = loaded_template
    shutil.copytree(template.root, lake.root, dirs_exist_ok=True)
    return {table: frame.copy() for table, frame in state.items()}


def _materialize_program(lake, keys):
    d = project_defs()
    from scl_pipeline_tests.helpers.dagster import _INSTANCE

    return dg.materialize(
        list(d.assets) + list(d.asset_checks or []), selection=whole_steps(keys), resources=resources_for(lake), instance=_INSTANCE,
        raise_on_error=False,
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
    """The wave is rejected: run fails, message contains ``message``; ``expectation`` failed in
    ``check`` (for the sanity gates check: the gate that failed). ``settings``: resource
    overrides for the run (``gates``, ``ingestion``)."""

    message: str
    check: str | None = None
    expectation: str | None = None
    rows: tuple[int, ...] | None = None
    settings: dict = field(default_factory=dict)


@dataclass
class Loaded:
    """The wave loads; exactly ``quarantined`` (expectation -> source rows) are set aside, and the
    raw tables hold the good wave's rows minus those (``departments``: the HR values stored)."""

    quarantined: dict[str, tuple[int, ...]]
    departments: tuple[str, ...] = ("Ops", "R&D", "Sales")
    settings: dict = field(default_factory=dict)
    repaired: dict[str, int] = field(default_factory=dict)  # expectation -> rows whose id was repaired


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


def _survey_ids(transform: Callable[[str], str], rows: slice = slice(None)) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.astype(object)
        for column in ("respondent_id", "nominee_id"):
            frame.loc[frame.index[rows], column] = frame.loc[frame.index[rows], column].map(transform)
        return frame

    return edit


def _hr_csv(lake, text: str) -> None:
    hr, survey = good_wave()
    write_wave(lake, WAVE, hr, survey)
    (_wave_folder(lake) / "hr_export.csv").write_text(text)


def _hr_with_header(header: str):
    """The good HR export with ``header`` (comma-separated) and one extra column of values."""

    def land(lake):
        hr, _ = good_wave()
        columns = hr[["employee_id", "country", "department", "level"]]
        body = "\n".join(",".join(map(str, [*row, row[2]])) for row in columns.itertuples(index=False))
        _hr_csv(lake, f"{header}\n{body}\n")

    return land


def _headerless_hr(lake):
    hr, _ = good_wave()
    hr.insert(1, "name", [f"Zebulon Quackenbush {i}" for i in range(len(hr))])
    _hr_csv(lake, hr.to_csv(index=False, header=False))


def _survey_copy(lake):
    _edit()(lake)
    (_wave_folder(lake) / "ona_survey.csv").rename(_wave_folder(lake) / "ona_survey (1).csv")
    write_frame(good_wave()[1], _wave_folder(lake) / "ona_survey.csv")


def _hr_workbook(sheets: Callable[[pd.DataFrame], dict[str, pd.DataFrame]], config: str = ""):
    def land(lake):
        hr, survey = good_wave()
        write_wave(lake, WAVE, hr, survey)
        (_wave_folder(lake) / "hr_export.csv").unlink()
        with pd.ExcelWriter(_wave_folder(lake) / "hr_export.xlsx") as writer:
            for name, frame in sheets(hr).items():
                frame.to_excel(writer, sheet_name=name, index=False)
        if config:
            (lake.landing / "column_aliases.toml").write_text(config)

    return land


def _utf16_survey(lake):
    hr, survey = good_wave()
    write_wave(lake, WAVE, hr, survey)
    survey.to_csv(_wave_folder(lake) / "ona_survey.csv", sep="\t", index=False, encoding="utf-16")


def _with_config(land: Callable, config: str) -> Callable:
    def both(lake):
        land(lake)
        (lake.landing / "column_aliases.toml").write_text(config)

    return both


def _outside(lake):
    folder = lake.root.parent / "outside"
    folder.mkdir(exist_ok=True)
    (folder / ".env").write_text("SECRET_TOKEN=s3cr3t-hostile-value\n")
    return folder


def _survey_linked_to_env(lake):
    _edit()(lake)
    (_wave_folder(lake) / "ona_survey.csv").unlink()
    (_wave_folder(lake) / "ona_survey.csv").symlink_to(_outside(lake) / ".env")


def _wave_folder_linked_outside(lake):
    hr, survey = good_wave()
    target = _outside(lake) / WAVE
    write_frame(hr, target / "hr_export.csv")
    write_frame(survey, target / "ona_survey.csv")
    import shutil

    shutil.rmtree(_wave_folder(lake))
    _wave_folder(lake).symlink_to(target, target_is_directory=True)


GATES = "wave_sanity_gates"

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
    # SPEC §2: a self-nomination is never a tie; its row is quarantined and the wave goes on.
    "self-nomination": (_edit(survey_edit=_set("nominee_id", 2, "E1")), Loaded({"ona_survey.no_self_nomination": (3,)})),
    "unknown relation": (_edit(survey_edit=_set("relation", 1, "gossip")), Rejected("rejected", "ona_survey_valid", "ona_survey.relation_valid", (2,))),
    "nominee who left the company": (_edit(survey_edit=_set("nominee_id", 4, "E99")), Loaded({"ona_survey.nominee_id_in_hr": (5,)})),
    "respondent outside the HR export": (_edit(survey_edit=_set("respondent_id", 7, "X1")), Loaded({"ona_survey.respondent_id_in_hr": (8,)})),
    "duplicate nominations": (
        _edit(survey_edit=lambda s: pd.concat([s, s.iloc[[0]].assign(strength=2)], ignore_index=True)),
        Loaded({"ona_survey.no_duplicate_nomination": (14,)}),
    ),
    "100,000-row survey with one bad row": (_big_survey_one_bad_row, Rejected("rejected", "ona_survey_valid", "ona_survey.strength_valid", (54_322,))),
    # Issue 13: quiet failures now load correctly (counted) or are rejected with an actionable message.
    "zero-width spaces and BOMs pasted into ids": (
        _edit(survey_edit=_survey_ids(lambda i: f"\ufeff{i}\u200b", slice(0, 6))), Loaded({})
    ),
    "full-width characters in ids": (_edit(survey_edit=_survey_ids(lambda i: i.replace("E", "Ｅ"), slice(2, 9))), Loaded({})),
    "survey ids in another letter case": (
        _edit(survey_edit=_survey_ids(str.lower)),
        Rejected("differ only in letter case: set case_insensitive_ids", GATES, "wave.quarantined_share"),
    ),
    "survey ids in another letter case, case_insensitive_ids on": (
        _edit(survey_edit=_survey_ids(str.lower)),
        Loaded(
            {}, settings={"ingestion": {"case_insensitive_ids": True}},
            repaired={"ona_survey.respondent_id_repaired": 13, "ona_survey.nominee_id_repaired": 13},
        ),
    ),
    "two columns named department": (
        _hr_with_header("employee_id,country,department,level,department"), Rejected("both map to 'department'")
    ),
    "Dept beside department": (_hr_with_header("employee_id,country,Dept,level,department"), Rejected("both map to 'department'")),
    "a copy of the survey beside it": (_survey_copy, Rejected("ambiguous: several ona_survey files")),
    "workbook with two export sheets": (
        _hr_workbook(lambda hr: {"Q1": hr, "Q2": hr}), Rejected("ambiguous workbook: sheets ['Q1', 'Q2']")
    ),
    "workbook with a notes sheet first": (
        _hr_workbook(lambda hr: {"Read me": pd.DataFrame({"Notes": ["from HR"]}), "Staff": hr}), Loaded({})
    ),
    "workbook sheet named in column_aliases.toml": (
        _hr_workbook(lambda hr: {"Old": hr.head(2), "Current": hr}, '[files.sheets]\nhr_export = "Current"\n'), Loaded({})
    ),
    "UTF-16 survey (Excel Unicode text)": (_utf16_survey, Loaded({})),
    "countries UK and Holland": (_edit(hr_edit=lambda h: _set("country", 1, "UK")(_set("country", 3, "Holland")(h))), Loaded({})),
    "own country spelling in column_aliases.toml": (
        _with_config(_edit(hr_edit=_set("country", 0, "Helvetia")), '[countries]\n"Helvetia" = "CH"\n'), Loaded({})
    ),
    "unknown country names the [countries] option": (
        _edit(hr_edit=_set("country", 0, "Helvetia")),
        Rejected("[countries] in column_aliases.toml", "hr_export_valid", "hr_export.country_known", (1,)),
    ),
    "HR export without its header row": (_headerless_hr, Rejected("Is the header row missing?")),
    "survey file linked to a .env outside the lake": (_survey_linked_to_env, Rejected("is a symbolic link to")),
    "wave folder linked outside the lake": (_wave_folder_linked_outside, Rejected("is a symbolic link to")),
    "only advice answers, no trust": (
        _edit(survey_edit=lambda s: s.assign(relation="advice")),
        Rejected("primary relation 'trust'; the loaded rows have: advice 13 rows", GATES, "wave.has_strong_ties"),
    ),
    "strength on a 1-3 scale": (
        _edit(survey_edit=lambda s: s.assign(strength=s["strength"].clip(upper=3))),
        Rejected("the highest strength given is 3", GATES, "wave.has_strong_ties"),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_outcome(lake, loaded, name):
    land, expected = CASES[name]
    land(lake)
    result = materialize_wave(lake, WAVE, INGESTION, raise_on_error=False, **expected.settings)
    quality = query(lake, "select * from raw.wave_data_quality where run_id = $run", {"run": result.run_id})
    if isinstance(expected, Rejected):
        assert not result.success
        failure = next(e for e in result.all_events if e.is_step_failure)
        message = failure.step_failure_data.user_failure_data.description
        assert expected.message.lower() in message.lower(), message
        assert str(lake.wave_folder(WAVE)) in message, "the message names the file or folder"
        assert warehouse_state(lake).keys() == loaded.keys()
        for table, before in loaded.items():
            pd.testing.assert_frame_equal(query(lake, f"select * from {table} order by all"), before, obj=table)
        assert (quality["outcome"] == "failed").any(), "the rejection is recorded in the wave step's part of marts.data_quality"
        for text in [message, *quality["detail"].dropna()]:  # issue 15.2: no personal value, no secret
            assert "Zebulon" not in text and "s3cr3t" not in text and "SECRET" not in text
        if not expected.check:  # unreadable: one data-quality row naming the file and the problem
            (row,) = quality.itertuples()
            assert row.check_name.endswith(".readable") and expected.message.lower() in row.detail.lower()
        if expected.check:
            evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
            assert not evaluations[expected.check].passed
            key = "failed_gates" if expected.check == GATES else "failed_expectations"
            assert expected.expectation in evaluations[expected.check].metadata[key].value
            row = quality[quality["check_name"] == expected.expectation].iloc[0]
            assert row["outcome"] == "failed"
            # Published to BI: row numbers only, never the offending values (they can be ids).
            assert not re.search(r"\bE\d+\b", row["detail"]) and row["file"].startswith("waves/")
            if expected.rows:
                listed = row["detail"].split("(source rows ")[1].rstrip(")").split(", ")
                assert all(str(source_row) in listed for source_row in expected.rows)
                assert row["rows_failed"] == len(expected.rows)
    else:
        assert result.success, name
        quarantine = query(lake, "select * from raw.wave_quarantine where scope = $w", {"w": WAVE})
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
        warned = evaluations["ona_survey_quarantine"]
        assert warned.passed == (not expected.quarantined and not expected.repaired)
        assert warned.metadata["repaired_by"].value == expected.repaired
        repaired = quality[quality["outcome"] == "repaired"].set_index("check_name")["rows_failed"].to_dict()
        assert repaired == expected.repaired


def test_catalogue_has_at_least_45_distinct_cases():
    assert len(CASES) >= 45


def test_wrongly_named_wave_folder_is_skipped_with_a_warning(lake, caplog):
    hr, survey = good_wave()
    write_wave(lake, WAVE, hr, survey)
    (lake.landing / "waves" / "2021 Q2").mkdir()
    with caplog.at_level("WARNING"):
        assert landed_waves(lake) == [WAVE], "the other waves still run"
    assert "skipping folder(s) ['2021 Q2']: not named YYYY-Qn" in caplog.text


def test_fixed_wave_reloads_and_replaces_its_quarantine(lake, loaded):
    _edit(survey_edit=_set("nominee_id", 4, "E99"))(lake)
    assert materialize_wave(lake, WAVE, INGESTION).success
    assert len(query(lake, "select * from raw.wave_quarantine where scope = $w", {"w": WAVE})) == 1
    _edit(survey_edit=_set("strength", 0, "x"))(lake)
    assert not materialize_wave(lake, WAVE, INGESTION, raise_on_error=False).success
    assert len(query(lake, "select * from raw.wave_quarantine where scope = $w", {"w": WAVE})) == 1
    _edit()(lake)
    assert materialize_wave(lake, WAVE, INGESTION).success
    assert query(lake, "select count(*) as n from raw.wave_quarantine where scope = $w", {"w": WAVE})["n"][0] == 0
    assert query(lake, "select count(*) as n from raw.ona_survey")["n"][0] == len(good_wave()[1])


def test_rejected_wave_never_reaches_downstream_assets(lake, loaded):
    _edit(survey_edit=_set("strength", 0, 9))(lake)
    result = materialize_wave(lake, WAVE, raise_on_error=False)
    materialized = {e.asset_key for e in result.get_asset_materialization_events()} if result.all_events else set()
    assert not result.success
    # Only the record of the rejected attempt: the wave step's own data-quality table.
    assert materialized == {dg.AssetKey(["raw", "wave_data_quality"])}
    started = {e.step_key for e in result.all_events if e.event_type_value == "STEP_START"}
    assert started == {"wave_exports"}, "no graph or metric step starts after a rejected wave"


def test_roster_participant_outside_hr_is_quarantined_and_bad_roster_rejected(lake, loaded):
    roster = lake.program_folder / "participants.csv"
    write_frame(pd.DataFrame({"employee_id": ["E1", "Z9"], "cohort": ["C1", "C1"]}), roster)
    result = _materialize_program(lake, [dg.AssetKey(["raw", "participants"])])
    assert result.success
    quarantine = query(lake, "select * from raw.program_quarantine where scope = 'program'")
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
