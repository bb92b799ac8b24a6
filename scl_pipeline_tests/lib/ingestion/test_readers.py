import pandas as pd
import pytest

from scl_pipeline.lib.ingestion.aliases import AliasMap, canonical_header
from scl_pipeline.lib.ingestion.contract import HR_EXPORT, ONA_SURVEY
from scl_pipeline.lib.ingestion.readers import (
    LandingFileError,
    find_landing_file,
    is_pii_header,
    read_landing_file,
)
from scl_pipeline_tests.helpers.landing import small_org, write_frame


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_every_contract_format_loads_to_the_same_strings(tmp_path, fmt):
    hr, survey = small_org()
    hr["hire_date"] = pd.to_datetime(["2019-03-01"] * len(hr))
    landed_hr = read_landing_file(write_frame(hr, tmp_path / f"hr_export.{fmt}"), HR_EXPORT)
    landed_survey = read_landing_file(write_frame(survey, tmp_path / f"ona_survey.{fmt}"), ONA_SURVEY)
    assert landed_hr.frame["employee_id"].tolist() == hr["employee_id"].tolist()
    assert landed_hr.frame["hire_date"].unique().tolist() == ["2019-03-01"]
    assert landed_survey.frame["strength"].tolist() == [str(s) for s in survey["strength"]]
    assert landed_survey.frame["source_row"].tolist() == list(range(1, len(survey) + 1))
    assert set(landed_survey.frame["source_file"]) == {str(tmp_path / f"ona_survey.{fmt}")}


def test_headers_ignore_case_spaces_and_use_aliases(tmp_path):
    path = tmp_path / "hr_export.csv"
    path.write_text(" Employee ID ,COUNTRY,Dept,Grade\nE1,CH,R&D,IC\n")
    frame = read_landing_file(path, HR_EXPORT).frame
    assert list(frame.columns[2:]) == ["employee_id", "country", "department", "level"]
    assert frame.iloc[0]["department"] == "R&D"


def test_custom_alias_file_extends_defaults(tmp_path):
    aliases = AliasMap.from_toml('[ona_survey]\nnominee_id = ["Trusted Colleague"]', base=AliasMap.default())
    path = tmp_path / "ona_survey.csv"
    path.write_text("PersonId,Trusted Colleague\nE1,E2\n")
    with pytest.raises(LandingFileError, match="respondent_id"):
        read_landing_file(path, ONA_SURVEY, aliases)
    path.write_text("Respondent,Trusted Colleague\nE1,E2\n")
    assert read_landing_file(path, ONA_SURVEY, aliases).frame["nominee_id"].tolist() == ["E2"]


def test_alias_file_rejects_unknown_columns():
    with pytest.raises(ValueError, match="no contract column"):
        AliasMap.from_toml('[hr_export]\nsalary = ["pay"]')


def test_pii_columns_are_dropped_and_reported(tmp_path):
    hr, _ = small_org()
    hr["Full Name"] = "Ann Example"
    hr["E-mail"] = "ann@example.com"
    hr["Mobile Phone"] = "+41 00"
    hr["cost_center"] = "CC1"
    landed = read_landing_file(write_frame(hr, tmp_path / "hr_export.csv"), HR_EXPORT)
    assert sorted(landed.dropped_pii) == ["E-mail", "Full Name", "Mobile Phone"]
    assert landed.ignored_columns == ["cost_center"]
    values = landed.frame.astype(str).to_numpy().ravel().tolist()
    assert not any("Example" in v or "@" in v or "+41" in v for v in values)


@pytest.mark.parametrize("header", ["name", "First Name", "email_address", "phone", "surname"])
def test_pii_header_patterns(header):
    assert is_pii_header(header)


@pytest.mark.parametrize("header", ["department", "employment_status", "country", "relation"])
def test_non_pii_headers(header):
    assert not is_pii_header(header)


def test_semicolon_and_bom_csv_load(tmp_path):
    path = tmp_path / "ona_survey.csv"
    path.write_bytes("\ufeffrespondent_id;nominee_id;strength\nE1;E2;4\n".encode("utf-8"))
    frame = read_landing_file(path, ONA_SURVEY).frame
    assert frame[["respondent_id", "nominee_id", "strength"]].values.tolist() == [["E1", "E2", "4"]]


@pytest.mark.parametrize(
    "content,problem",
    [
        (b"", "empty"),
        (b"respondent_id,nominee_id\n", "no data rows"),
        (b"respondent,nominee_idx\nE1,E2\n", "missing required column"),
        ("respondent_id,nominee_id\nJos\xe9,E2\n".encode("latin-1"), "not valid utf-8"),
    ],
)
def test_unreadable_csv_gives_one_clear_message(tmp_path, content, problem):
    path = tmp_path / "ona_survey.csv"
    path.write_bytes(content)
    with pytest.raises(LandingFileError, match=problem) as info:
        read_landing_file(path, ONA_SURVEY)
    assert str(path) in str(info.value)


def test_truncated_parquet_is_reported(tmp_path):
    _, survey = small_org()
    path = write_frame(survey, tmp_path / "ona_survey.parquet")
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(LandingFileError, match="Parquet"):
        read_landing_file(path, ONA_SURVEY)


def test_find_landing_file_missing_and_ambiguous(tmp_path):
    with pytest.raises(LandingFileError, match="folder is missing"):
        find_landing_file(tmp_path / "2021-Q1", HR_EXPORT)
    (tmp_path / "hr_export.csv").write_text("x")
    (tmp_path / "hr_export.xlsx").write_text("x")
    with pytest.raises(LandingFileError, match="ambiguous"):
        find_landing_file(tmp_path, HR_EXPORT)
    (tmp_path / "hr_export.csv").unlink()
    (tmp_path / "hr_export.xlsx").unlink()
    with pytest.raises(LandingFileError, match="missing file"):
        find_landing_file(tmp_path, HR_EXPORT)


def test_canonical_header():
    assert canonical_header("  Employee-ID ") == "employee_id"
    assert canonical_header("PersonId") == "personid"


@pytest.mark.parametrize("content", ['[hr_export\nemployee_id = ["x"]', '[hr_export]\nsalary = ["pay"]'])
def test_broken_alias_file_names_itself(tmp_path, content):
    (tmp_path / "column_aliases.toml").write_text(content)
    with pytest.raises(LandingFileError, match="column_aliases.toml: the alias configuration is not valid"):
        AliasMap.for_landing_root(tmp_path)
