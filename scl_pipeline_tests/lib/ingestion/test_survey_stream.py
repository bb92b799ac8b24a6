"""A survey validated in chunks gives exactly the report and typed rows of a whole-file run."""

import os

import pandas as pd
import pytest

from scl_pipeline.lib.ingestion.coerce import coerce_frame
from scl_pipeline.lib.contract import HR_EXPORT, ONA_SURVEY
from scl_pipeline.lib.ingestion.errors import LandingFileError
from scl_pipeline.lib.ingestion.readers import open_landing_file
from scl_pipeline.lib.ingestion.survey_stream import PASSES, validate_wave_streamed
from scl_pipeline.lib.ingestion.validation import validate_wave
from scl_pipeline.lib.ingestion.validation.files import survey_references
from scl_pipeline.lib.ingestion.validation.gx_execution import SuiteRun, run_suite
from scl_pipeline.lib.ingestion.values import MatchOptions
from scl_pipeline_tests.helpers.landing import write_frame
from scl_pipeline_tests.lib.ingestion.validation.frames import HR_FILE, HR_ROWS, SURVEY_FILE, SURVEY_ROWS, WAVE, frame, rows_of


def _files(tmp_path, survey_rows, fmt="csv", hr_rows=HR_ROWS):
    hr = write_frame(pd.DataFrame(hr_rows, dtype=object), tmp_path / f"hr_export.{fmt}")
    survey = write_frame(pd.DataFrame(survey_rows, dtype=object), tmp_path / f"ona_survey.{fmt}")
    return open_landing_file(hr, HR_EXPORT).read().frame, open_landing_file(survey, ONA_SURVEY)


def _assert_same_as_whole(hr, survey, chunk_rows, options=MatchOptions()):
    streamed = validate_wave_streamed(hr, survey, WAVE, options, chunk_rows=chunk_rows)
    whole = validate_wave(hr, survey.read().frame, WAVE, options)
    for kind in (HR_EXPORT.name, ONA_SURVEY.name):
        got, want = streamed.validation.reports[kind], whole.reports[kind]
        assert [f.to_dict() for f in got.findings] == [f.to_dict() for f in want.findings]
        pd.testing.assert_frame_equal(got.quarantine, want.quarantine)
        assert (got.rows, got.expectations_run, got.passed) == (want.rows, want.expectations_run, want.passed)
    if whole.survey.passed:
        typed = coerce_frame(whole.survey.clean, ONA_SURVEY, options).reset_index(drop=True)
        pd.testing.assert_frame_equal(streamed.typed_survey, typed)
    else:
        assert streamed.typed_survey is None
    return streamed, whole


def _messy_survey():
    """Every kind of survey finding, spread so that chunks of 2 or 3 rows split them."""
    rows = rows_of("ona_survey")
    rows += [
        # A duplicate of row 1 with a lower strength, and one of row 3 with a higher one: the kept
        # row of that group is this later row, two chunks after the dropped one.
        {"respondent_id": "E1", "nominee_id": "E2", "relation": "Trust", "strength": "3", "answered_at": "2021-07-09"},
        {"respondent_id": "E9", "nominee_id": "E1", "relation": "trust", "strength": "2", "answered_at": "2021-07-09"},
        {"respondent_id": "E2", "nominee_id": "E1", "relation": "trust", "strength": "5.0", "answered_at": "2021-07-09"},
        {"respondent_id": "E3", "nominee_id": "E3", "relation": "trust", "strength": "2", "answered_at": "2021-07-09"},
        {"respondent_id": "E4", "nominee_id": "X77", "relation": "trust", "strength": "4", "answered_at": "2021-07-10"},
        {"respondent_id": "E5", "nominee_id": "E1", "relation": "advice", "strength": None, "answered_at": "2021-07-10"},
        {"respondent_id": "E5", "nominee_id": "E1", "relation": "advice", "strength": None, "answered_at": "2021-07-11"},
    ]
    return rows


@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 5, 1000])
def test_chunked_survey_with_warnings_equals_the_whole_file_run(tmp_path, chunk_rows):
    hr, survey = _files(tmp_path, _messy_survey())
    streamed, whole = _assert_same_as_whole(hr, survey, chunk_rows)
    found = {f.expectation for f in whole.survey.findings}
    # The fixture does exercise what chunking could get wrong.
    assert {"ona_survey.no_duplicate_nomination", "ona_survey.nominee_id_in_hr", "ona_survey.respondent_id_in_hr", "ona_survey.no_self_nomination"} <= found
    duplicate = whole.survey.finding("ona_survey.no_duplicate_nomination")
    assert duplicate.rows_failed == 3 and 3 in duplicate.sample_rows  # row 3 lost to row 10 (strength 5)
    assert whole.survey.passed and len(streamed.typed_survey) == len(_messy_survey()) - len(whole.survey.quarantine)


@pytest.mark.parametrize("chunk_rows", [2, 4])
def test_chunked_survey_with_errors_equals_the_whole_file_run_and_types_nothing(tmp_path, chunk_rows):
    rows = _messy_survey()
    rows[1]["strength"] = "high"
    rows[8]["strength"] = "9"
    rows[9]["answered_at"] = "03/04/2021"
    hr, survey = _files(tmp_path, rows)
    streamed, whole = _assert_same_as_whole(hr, survey, chunk_rows)
    strength = streamed.validation.survey.finding("ona_survey.strength_valid")
    assert not streamed.validation.passed and strength.rows_failed == 2 and strength.sample_rows == [2, 9]


def test_a_missing_column_is_one_finding_over_every_row():
    # The reader refuses a file without a required column; frames handed to validation directly
    # (the library's callers) can still lack one.
    survey = frame([{k: v for k, v in row.items() if k != "nominee_id"} for row in rows_of("ona_survey")], SURVEY_FILE)
    refs = survey_references(frame(HR_ROWS, HR_FILE), WAVE)
    run = SuiteRun(ONA_SURVEY.name, refs, scope=WAVE)
    clean = pd.concat([run.add(survey.iloc[:3]), run.add(survey.iloc[3:])])
    chunked, whole = run.report(clean), run_suite(survey, ONA_SURVEY.name, refs, scope=WAVE)
    assert [f.to_dict() for f in chunked.findings] == [f.to_dict() for f in whole.findings]
    (finding,) = [f for f in chunked.findings if f.sample and "missing_column" in f.sample[0]]
    assert finding.rows_failed == len(survey) and finding.sample == ({"missing_column": "nominee_id"},)


def test_repaired_ids_and_their_note_are_summed_over_chunks(tmp_path):
    rows = rows_of("ona_survey")
    rows[0]["nominee_id"], rows[4]["respondent_id"], rows[6]["respondent_id"] = "e2", "E4.0", "e6"
    hr, survey = _files(tmp_path, rows)
    streamed, whole = _assert_same_as_whole(hr, survey, chunk_rows=2, options=MatchOptions(case_insensitive_ids=True))
    assert whole.survey.finding("ona_survey.respondent_id_repaired").note


def test_parquet_survey_streams_by_record_batches(tmp_path):
    hr, survey = _files(tmp_path, _messy_survey(), fmt="parquet")
    assert survey.rows_estimate == len(_messy_survey())
    _assert_same_as_whole(hr, survey, chunk_rows=4)


def test_progress_is_told_for_both_passes_of_a_long_survey(tmp_path, monkeypatch):
    from scl_pipeline.lib.ingestion import survey_stream

    hr, survey = _files(tmp_path, _messy_survey())
    told: list[tuple[str, int, int]] = []
    validate_wave_streamed(hr, survey, WAVE, chunk_rows=4, progress=lambda stage: lambda d, t: told.append((stage, d, t)))
    assert told == []  # shorter than PROGRESS_MIN_ROWS: ingested in seconds, nothing to tell
    monkeypatch.setattr(survey_stream, "PROGRESS_MIN_ROWS", len(_messy_survey()))
    validate_wave_streamed(hr, survey, WAVE, chunk_rows=4, progress=lambda stage: lambda d, t: told.append((stage, d, t)))
    n = len(_messy_survey())
    for stage in PASSES:
        done = [d for s, d, _ in told if s == stage]
        assert done == sorted(done) and done[-1] == n and len(done) == -(-n // 4)
    assert {t for _, _, t in told} == {n}  # the line count of the CSV, header excluded
    told.clear()
    validate_wave_streamed(hr, survey, WAVE, chunk_rows=n, progress=lambda stage: lambda d, t: told.append((stage, d, t)))
    assert [stage for stage, _, _ in told] == [PASSES[1]]  # one chunk: no pass for duplicates


def test_a_survey_replaced_between_the_passes_is_refused(tmp_path):
    hr, survey = _files(tmp_path, _messy_survey())
    chunks = survey.chunks(4)
    next(chunks)
    with survey.path.open("a") as handle:
        handle.write("E1,E3,trust,4,2021-07-12\n")
    stat = survey.path.stat()
    os.utime(survey.path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    with pytest.raises(LandingFileError, match="changed since it was opened"):
        validate_wave_streamed(hr, survey, WAVE, chunk_rows=4)


def test_a_bad_byte_deep_in_a_streamed_csv_names_its_line(tmp_path):
    # Far beyond what the parser reads to find the header: the error comes while streaming.
    hr, survey = _files(tmp_path, SURVEY_ROWS * 20_000)
    data = survey.path.read_bytes()
    at = data.rindex(b"E6,E1,work")
    survey.path.write_bytes(data[:at] + b"E6,E\xff1,work" + data[at + 10 :])
    reopened = open_landing_file(survey.path, ONA_SURVEY)
    with pytest.raises(LandingFileError, match=f"byte 0xff on line {len(SURVEY_ROWS) * 20_000 + 1}"):
        list(reopened.chunks(1000))


def test_a_csv_with_more_rows_than_counted_still_gets_both_passes(tmp_path):
    # Carriage returns alone end the lines (an old Mac export); should the count still fall
    # short, the survey is validated in two passes after all.
    hr, survey = _files(tmp_path, _messy_survey())
    survey.path.write_bytes(survey.path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    reopened = open_landing_file(survey.path, ONA_SURVEY)
    assert reopened.rows_estimate == len(_messy_survey())
    reopened.rows_estimate = 1
    _assert_same_as_whole(hr, reopened, chunk_rows=4)


def test_short_rows_anywhere_are_read_and_long_rows_anywhere_refused(tmp_path):
    # pandas takes a chunk's width from its first row unless told: a short row starting a chunk
    # made the next full row an error, and a long one starting a chunk lost its extra cell.
    path = tmp_path / "ona_survey.csv"
    lines = ["respondent_id,nominee_id,relation,strength"] + [f"E{i},E{i + 1},trust,4" for i in range(1, 9)]
    lines[3] = "E3,E4"  # data row 3 starts the second chunk of two rows
    path.write_text("\n".join(lines) + "\n")
    streamed = open_landing_file(path, ONA_SURVEY)
    chunked = pd.concat(list(streamed.chunks(2)), ignore_index=True)
    pd.testing.assert_frame_equal(chunked, streamed.read().frame)
    assert chunked.loc[2, ["relation", "strength"]].isna().all() and len(chunked) == 8
    for row in (1, 3, 4):  # the first data row, one starting a chunk, one inside a chunk
        long = list(lines)
        long[row] = f"E{row},E{row + 1},trust,4,extra"
        path.write_text("\n".join(long) + "\n")
        with pytest.raises(LandingFileError, match=f"data row\\(s\\) {row} have more cells than the header's 4"):
            list(open_landing_file(path, ONA_SURVEY).chunks(2))
        # A trailing delimiter adds an empty cell: nothing is lost by reading the row.
        long[row] = f"E{row},E{row + 1},trust,4,"
        path.write_text("\n".join(long) + "\n")
        assert open_landing_file(path, ONA_SURVEY).read().frame.loc[row - 1, "strength"] == "4"


def test_duplicates_are_kept_by_the_same_strength_comparison_as_a_whole_run(tmp_path):
    rows = rows_of("ona_survey")[:2]
    rows.append({**rows[0], "strength": "5.00000001"})  # invalid, but ranked above the 5 of row 1
    hr, survey = _files(tmp_path, rows)
    _assert_same_as_whole(hr, survey, chunk_rows=1)


def test_a_survey_removed_after_opening_is_a_landing_file_error(tmp_path):
    hr, survey = _files(tmp_path, _messy_survey())
    survey.path.rename(tmp_path / "moved.csv")
    with pytest.raises(LandingFileError, match="is gone since it was opened"):
        validate_wave_streamed(hr, survey, WAVE, chunk_rows=4)


def test_a_rejected_hr_export_leaves_the_survey_reported_but_untyped(tmp_path):
    hr_rows = [dict(row) for row in HR_ROWS]
    hr_rows[0]["hire_date"] = "31/12/2019"
    hr, survey = _files(tmp_path, _messy_survey(), hr_rows=hr_rows)
    streamed = validate_wave_streamed(hr, survey, WAVE, chunk_rows=4)
    assert not streamed.validation.hr.passed and streamed.validation.survey.passed
    assert streamed.typed_survey is None and streamed.validation.survey.rows == len(_messy_survey())


def test_only_the_survey_is_validated_in_more_than_one_chunk():
    hr = frame(HR_ROWS, HR_FILE)
    run = SuiteRun(HR_EXPORT.name)
    run.add(hr.iloc[:3])
    with pytest.raises(ValueError, match="hr_export is validated whole"):
        run.add(hr.iloc[3:])
