"""Reader layouts that used to load quietly wrong or be refused (issue 22 §1): a decimal comma in
a semicolon-delimited file, a title above the header."""

import pytest

from scl_pipeline.lib.ingestion.contract import ONA_SURVEY
from scl_pipeline.lib.ingestion.errors import LandingFileError
from scl_pipeline.lib.ingestion.readers import open_landing_file, read_landing_file


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_a_decimal_comma_in_a_semicolon_or_tab_file_is_a_decimal_point(tmp_path, delimiter):
    path = tmp_path / "ona_survey.csv"
    rows = [["respondent_id", "nominee_id", "strength"], ["E1", "E2", "4,0"], ["E2", "E1", "2,5"], ["E3", "E1", "5"],
            ["E1", "E3", ""]]
    path.write_text("\n".join(delimiter.join(r) for r in rows) + "\n")
    frame = read_landing_file(path, ONA_SURVEY).frame
    # 4,0 is 4.0 (validation reads it as 4); 2,5 is 2.5 (validation refuses it as not whole).
    assert frame["strength"].tolist() == ["4.0", "2.5", "5", None]
    assert frame["respondent_id"].tolist() == ["E1", "E2", "E3", "E1"], "ids are never touched"


def test_a_comma_in_a_comma_delimited_file_stays_as_written(tmp_path):
    # "4,000" there may be four thousand: left for validation to refuse.
    path = tmp_path / "ona_survey.csv"
    path.write_text('respondent_id,nominee_id,strength\nE1,E2,"4,000"\n')
    assert read_landing_file(path, ONA_SURVEY).frame["strength"].tolist() == ["4,000"]


def test_decimal_commas_are_read_in_every_chunk(tmp_path):
    path = tmp_path / "ona_survey.csv"
    path.write_text("respondent_id;nominee_id;strength\n" + "".join(f"E{i};E{i + 1};3,0\n" for i in range(7)))
    chunks = list(open_landing_file(path, ONA_SURVEY).chunks(rows=3))
    assert [len(c) for c in chunks] == [3, 3, 1]
    assert {v for c in chunks for v in c["strength"]} == {"3.0"}
