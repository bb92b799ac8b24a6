"""Typed landing files (lib/ingestion/typed_files.py): Parquet and Excel workbooks."""

import pandas as pd
import pytest

from scl_pipeline.lib.contract import HR_EXPORT, ONA_SURVEY
from scl_pipeline.lib.ingestion.aliases import AliasMap
from scl_pipeline.lib.ingestion.errors import LandingFileError
from scl_pipeline.lib.ingestion.readers import read_landing_file
from scl_pipeline_tests.helpers.landing import small_org, write_frame


def test_truncated_parquet_is_reported(tmp_path):
    _, survey = small_org()
    path = write_frame(survey, tmp_path / "ona_survey.parquet")
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(LandingFileError, match="Parquet"):
        read_landing_file(path, ONA_SURVEY)


def _workbook(path, sheets: dict[str, pd.DataFrame]) -> None:
    with pd.ExcelWriter(path) as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)


def test_workbook_sheet_choice(tmp_path):
    hr, _ = small_org()
    notes = pd.DataFrame({"Notes": ["exported by HR on Monday"]})
    path = tmp_path / "hr_export.xlsx"
    _workbook(path, {"Read me": notes, "Employees": hr})
    assert read_landing_file(path, HR_EXPORT).frame["employee_id"].tolist() == hr["employee_id"].tolist()
    _workbook(path, {"Q1": hr, "Q2": hr.head(3)})
    with pytest.raises(LandingFileError, match=r"ambiguous workbook: sheets \['Q1', 'Q2'\] all have the hr_export columns"):
        read_landing_file(path, HR_EXPORT)
    aliases = AliasMap.from_toml('[files.sheets]\nhr_export = "Q2"\n', base=AliasMap.default())
    assert read_landing_file(path, HR_EXPORT, aliases).rows == 3
    aliases = AliasMap.from_toml('[files.sheets]\nhr_export = "Q3"\n', base=AliasMap.default())
    with pytest.raises(LandingFileError, match=r"has no sheet 'Q3'.*its sheets: \['Q1', 'Q2'\]"):
        read_landing_file(path, HR_EXPORT, aliases)
