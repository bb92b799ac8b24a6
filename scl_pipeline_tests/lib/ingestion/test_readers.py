import re

import pandas as pd
import pytest

from scl_pipeline.lib.ingestion.aliases import AliasMap, canonical_header
from scl_pipeline.lib.contract import HR_EXPORT, ONA_SURVEY
from scl_pipeline.lib.ingestion.errors import LandingFileError
from scl_pipeline.lib.ingestion.headers import is_pii_header
from scl_pipeline.lib.ingestion.landing_files import find_landing_file
from scl_pipeline.lib.ingestion.readers import read_landing_file
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


@pytest.mark.parametrize(
    ("header", "first", "second"),
    [
        ("employee_id,country,department,level,department", "3 ('department')", "5 ('department')"),
        ("employee_id,country,Department,level,DEPARTMENT ", "3 ('Department')", "5 ('DEPARTMENT')"),
        ("employee_id,country,Dept,level,department", "3 ('Dept')", "5 ('department')"),
    ],
)
def test_duplicate_headers_are_an_error_naming_both_columns(tmp_path, header, first, second):
    path = tmp_path / "hr_export.csv"
    path.write_text(f"{header}\nE1,CH,Sales,L1,Ops\n")
    with pytest.raises(LandingFileError, match=re.escape(f"columns {first} and {second} both map to 'department'")):
        read_landing_file(path, HR_EXPORT)


def test_duplicate_headers_of_unused_columns_are_harmless(tmp_path):
    path = tmp_path / "hr_export.csv"
    path.write_text("employee_id,country,department,level,note,note\nE1,CH,Sales,L1,a,b\n")
    assert read_landing_file(path, HR_EXPORT).ignored_columns == ["note", "note"]


def test_header_less_export_is_refused_without_repeating_its_first_row(tmp_path):
    path = tmp_path / "hr_export.csv"
    first = "EMP-4410,Zebulon Quackenbush,zebulon.q@hostile.example,+41 79 555 01 23,GB,Sales,L3"
    path.write_text(first + "\nEMP-4411,Ann Other,ann@hostile.example,+41 79 555 01 24,CH,Ops,L2\n")
    with pytest.raises(LandingFileError, match="Is the header row missing") as info:
        read_landing_file(path, HR_EXPORT)
    for cell in first.split(","):
        assert cell not in str(info.value)


def test_a_real_header_with_an_unmapped_name_is_quoted(tmp_path):
    path = tmp_path / "ona_survey.csv"
    path.write_text("Rater,Colleague\nE1,E2\n")
    with pytest.raises(LandingFileError, match="does not read as a header: no cell is a contract column name") as info:
        read_landing_file(path, ONA_SURVEY)
    assert "Rater" not in str(info.value), "not recognised: nothing quoted"
    path.write_text("Respondent,Colleague\nE1,E2\n")
    with pytest.raises(LandingFileError, match="the header has 'Respondent', 'Colleague'"):
        read_landing_file(path, ONA_SURVEY)


def test_sheet_config_names_known_file_kinds():
    with pytest.raises(ValueError, match="unknown file kind"):
        AliasMap.from_toml('[files.sheets]\nhr = "Q2"\n')


def test_file_names_match_in_any_case_and_copies_are_ambiguous(tmp_path):
    (tmp_path / "HR_Export.CSV").write_text("x")
    assert find_landing_file(tmp_path, HR_EXPORT).name == "HR_Export.CSV"
    (tmp_path / "hr_export (1).csv").write_text("x")
    with pytest.raises(LandingFileError, match=r"ambiguous: several hr_export files \(HR_Export.CSV, hr_export \(1\).csv\)"):
        find_landing_file(tmp_path, HR_EXPORT)
    (tmp_path / "HR_Export.CSV").unlink()
    with pytest.raises(LandingFileError, match=r"missing file: .*found hr_export \(1\).csv"):
        find_landing_file(tmp_path, HR_EXPORT)
    (tmp_path / "hr_export (1).csv").unlink()
    (tmp_path / "hr_export.xlsx").write_text("x")
    (tmp_path / "~$hr_export.xlsx").write_text("lock")  # Excel's lock file while it is open
    assert find_landing_file(tmp_path, HR_EXPORT).name == "hr_export.xlsx"
