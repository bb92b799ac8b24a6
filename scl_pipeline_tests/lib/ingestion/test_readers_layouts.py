"""Reader layouts that used to load quietly wrong or be refused (issue 22 §1): a decimal comma in
a semicolon-delimited file, a title above the header."""

import pytest

from scl_pipeline.lib.contract import ONA_SURVEY
from scl_pipeline.lib.ingestion.readers import LandedFile, open_landing_file, read_landing_file
from scl_pipeline_tests.helpers.landing import refusal


def _read_survey(path) -> LandedFile:
    return read_landing_file(path, ONA_SURVEY)


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


TITLED = "ONA survey export, Q3 2021 (exported 2021-10-02)\n\nrespondent_id,nominee_id,strength\nE1,E2,4\nE2,E1,5\n"


def test_a_title_and_a_blank_row_above_the_csv_header_are_skipped(tmp_path, caplog):
    path = tmp_path / "ona_survey.csv"
    path.write_text(TITLED)
    with caplog.at_level("WARNING"):
        landed = read_landing_file(path, ONA_SURVEY)
    assert landed.header_row == 3
    assert landed.frame[["respondent_id", "nominee_id", "strength"]].values.tolist() == [["E1", "E2", "4"], ["E2", "E1", "5"]]
    assert landed.frame["source_row"].tolist() == [1, 2], "data rows are numbered from the header"
    assert "the header is on row 3" in caplog.text


def test_a_semicolon_header_below_a_title_without_delimiters(tmp_path):
    path = tmp_path / "ona_survey.csv"
    path.write_text("Report: survey\r\nrespondent_id;nominee_id;strength\r\nE1;E2;4,0\r\n")
    landed = open_landing_file(path, ONA_SURVEY)
    assert landed.header_row == 2 and landed.decimal_comma
    assert next(landed.chunks())["strength"].tolist() == ["4.0"]


def test_a_title_and_a_blank_row_above_the_workbook_header_are_skipped(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet["A1"] = "ONA survey export, Q3 2021"
    sheet.append([])
    for row in (["respondent_id", "nominee_id", "strength"], ["E1", "E2", 4], ["E2", "E1", 5]):
        sheet.append(row)
    book.save(tmp_path / "ona_survey.xlsx")
    landed = read_landing_file(tmp_path / "ona_survey.xlsx", ONA_SURVEY)
    assert landed.header_row == 3
    assert landed.frame[["respondent_id", "nominee_id", "strength"]].values.tolist() == [["E1", "E2", "4"], ["E2", "E1", "5"]]


def test_a_header_below_a_title_lacking_a_column_is_named_by_its_row(tmp_path):
    text = "Survey export\n\nrespondent_id,colleague,strength\nE1,E2,4\n"
    message = refusal(_read_survey, tmp_path / "ona_survey.csv", text)
    assert "header seems to be on row 3" in message and "missing required column(s) nominee_id" in message
    assert "E1" not in message


def test_a_header_less_file_is_still_refused_without_quoting_its_rows(tmp_path):
    message = refusal(_read_survey, tmp_path / "ona_survey.csv", "E1,E2,4\nE2,E1,5\n", match="Is the header row missing")
    assert "E1" not in message
