"""Text landing files (lib/ingestion/csv_files.py): delimiters, byte-order marks, codecs, and one
clear message for a file that cannot be read."""

import pytest

from scl_pipeline.lib.contract import HR_EXPORT, ONA_SURVEY
from scl_pipeline.lib.ingestion.errors import LandingFileError
from scl_pipeline.lib.ingestion.readers import read_landing_file


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


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_exports_are_read(tmp_path, codec):
    # "utf-16"/"utf-32" write a byte-order mark (Excel's "Unicode text"); -le/-be write none.
    path = tmp_path / "hr_export.csv"
    path.write_bytes("employee_id\tcountry\tdepartment\tlevel\nE1\tCH\tDéveloppement\tL1\n".encode(codec))
    frame = read_landing_file(path, HR_EXPORT).frame
    assert frame[["employee_id", "department"]].values.tolist() == [["E1", "Développement"]]
