"""Symbolic links below landing/ that lead outside the data lake are refused, unless allowed."""

from __future__ import annotations

import pytest

from scl_pipeline.lib.ingestion.discovery import open_wave_hr, open_wave_survey
from scl_pipeline.lib.ingestion.errors import LandingFileError
from scl_pipeline.lib.ingestion.landing_files import refuse_outside_links
from scl_pipeline_tests.helpers.landing import small_org, write_frame, write_wave

WAVE = "2021-Q1"


def _read_as_a_run(lake, wave, allow_outside_links=False) -> dict:
    """The wave's HR export and survey read as a run reads them (``wave_intake.intake_wave``)."""
    hr_file = open_wave_hr(lake, wave, allow_outside_links)
    hr = hr_file.read()
    survey = open_wave_survey(lake, wave, hr_file, hr.frame, allow_outside_links)
    return {"hr_export": hr, "ona_survey": survey.source.read()}


@pytest.fixture
def outside(tmp_path):
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / ".env").write_text("SECRET_TOKEN=s3cr3t-hostile-value\n")
    return folder


def test_a_file_linked_outside_is_refused_naming_link_and_target(lake, outside):
    hr, survey = small_org()
    write_wave(lake, WAVE, hr, survey)
    link = lake.wave_folder(WAVE) / "ona_survey.csv"
    link.unlink()
    link.symlink_to(outside / ".env")
    with pytest.raises(LandingFileError, match="is a symbolic link to .*elsewhere/.env, outside the data lake") as info:
        _read_as_a_run(lake, WAVE)
    assert info.value.path == str(link)
    assert "s3cr3t" not in str(info.value)
    assert "outside the data lake" in info.value.published and "elsewhere" not in info.value.published
    # Allowed, the .env is read as a survey: refused for its content, without quoting it (its one
    # line is taken for a header, as a run's survey reader takes it).
    with pytest.raises(LandingFileError, match="has a header but no data rows") as info:
        _read_as_a_run(lake, WAVE, allow_outside_links=True)
    assert "s3cr3t" not in str(info.value) and "SECRET" not in str(info.value)


def test_the_setting_allows_outside_links(lake, outside):
    hr, survey = small_org()
    write_wave(lake, WAVE, hr, survey)
    write_frame(survey, outside / "survey.csv")
    link = lake.wave_folder(WAVE) / "ona_survey.csv"
    link.unlink()
    link.symlink_to(outside / "survey.csv")
    assert _read_as_a_run(lake, WAVE, allow_outside_links=True)["ona_survey"].rows == len(survey)


def test_a_wave_folder_linked_outside_is_refused(lake, outside):
    hr, survey = small_org()
    write_frame(hr, outside / "2021-Q1" / "hr_export.csv")
    write_frame(survey, outside / "2021-Q1" / "ona_survey.csv")
    (lake.landing / "waves").mkdir(parents=True)
    lake.wave_folder(WAVE).symlink_to(outside / "2021-Q1", target_is_directory=True)
    with pytest.raises(LandingFileError, match=f"{WAVE}: is a symbolic link to .*outside the data lake"):
        _read_as_a_run(lake, WAVE)


def test_links_inside_the_lake_are_fine(lake):
    hr, survey = small_org()
    write_wave(lake, WAVE, hr, survey)
    archive = lake.root / "archive" / "survey.csv"
    write_frame(survey, archive)
    link = lake.wave_folder(WAVE) / "ona_survey.csv"
    link.unlink()
    link.symlink_to(archive)
    assert _read_as_a_run(lake, WAVE)["ona_survey"].rows == len(survey)


def test_an_alias_file_linked_outside_is_refused(lake, outside):
    hr, survey = small_org()
    write_wave(lake, WAVE, hr, survey)
    (lake.landing / "column_aliases.toml").symlink_to(outside / ".env")
    with pytest.raises(LandingFileError, match="column_aliases.toml: is a symbolic link"):
        _read_as_a_run(lake, WAVE)


def test_paths_outside_landing_are_not_policed(tmp_path):
    refuse_outside_links(tmp_path / "anything", tmp_path / "lake")
