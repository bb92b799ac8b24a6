"""Find the landing files of a wave, of the program and of the experiments, and read them.

Every read refuses symbolic links that lead outside the data lake unless
``allow_outside_links`` (see :mod:`.landing_files`).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from scl_pipeline.lib.ingestion.aliases import LANDING_CONFIG_FILE, AliasMap
from scl_pipeline.lib.contract import (
    ASSIGNMENT,
    HR_EXPORT,
    INTERACTIONS,
    ONA_SURVEY,
    PARTICIPANTS,
    FileSpec,
)
from scl_pipeline.lib.ingestion.landing_files import find_landing_file, refuse_outside_links
from scl_pipeline.lib.ingestion.readers import LandedFile, StreamedFile, open_landing_file
from scl_pipeline.lib.ingestion.survey_config import SURVEY_LAYOUT_FILE, SurveyLayouts
from scl_pipeline.lib.ingestion.survey_input import open_survey
from scl_pipeline.lib.ingestion.survey_read import SurveyRead
from scl_pipeline.lib.lake import DataLake
from scl_pipeline.lib.waves import is_wave, parse_wave

log = logging.getLogger(__name__)


def landed_waves(lake: DataLake) -> list[str]:
    """Wave folders present in landing, in order. A wrongly named folder is skipped with a
    warning naming it: it must not block the runs of the other waves."""
    folder = lake.landing / "waves"
    if not folder.is_dir():
        return []
    names = sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    wrong = [name for name in names if not is_wave(name)]
    if wrong:
        log.warning(
            "%s: skipping folder(s) %s: not named YYYY-Qn (for example 2021-Q3); rename them to be loaded",
            folder, wrong,
        )
    return sorted((name for name in names if is_wave(name)), key=parse_wave)


def landing_aliases(lake: DataLake, allow_outside_links: bool = False) -> AliasMap:
    """The defaults plus the landing root's ``column_aliases.toml`` (refused if it links outside)."""
    refuse_outside_links(lake.landing / LANDING_CONFIG_FILE, lake.root, allow_outside_links)
    return AliasMap.for_landing_root(lake.landing)


def _open(lake: DataLake, folder: Path, spec: FileSpec, aliases: AliasMap, allow_outside_links: bool) -> StreamedFile:
    refuse_outside_links(folder, lake.root, allow_outside_links)
    path = find_landing_file(folder, spec)
    refuse_outside_links(path, lake.root, allow_outside_links)
    return open_landing_file(path, spec, aliases)


def _read(lake: DataLake, folder: Path, spec: FileSpec, aliases: AliasMap, allow_outside_links: bool) -> LandedFile:
    return _open(lake, folder, spec, aliases, allow_outside_links).read()


def survey_layouts(lake: DataLake, allow_outside_links: bool = False) -> SurveyLayouts:
    """The landing root's ``survey_layout.toml`` (refused if it links outside), or the defaults."""
    refuse_outside_links(lake.landing / SURVEY_LAYOUT_FILE, lake.root, allow_outside_links)
    return SurveyLayouts.for_landing_root(lake.landing)


def open_wave_hr(lake: DataLake, wave: str, allow_outside_links: bool = False) -> StreamedFile:
    """The wave's HR export, opened; raises LandingFileError naming the file."""
    parse_wave(wave)
    return _open(lake, lake.wave_folder(wave), HR_EXPORT, landing_aliases(lake, allow_outside_links), allow_outside_links)


def open_wave_survey(
    lake: DataLake, wave: str, hr_file: StreamedFile, hr: pd.DataFrame, allow_outside_links: bool = False
) -> SurveyRead:
    """The wave's survey in whatever layout its tool wrote (lib.ingestion.survey_input), its
    people matched against the wave's HR export (``hr_file``, read as ``hr``)."""
    folder = lake.wave_folder(wave)
    refuse_outside_links(folder, lake.root, allow_outside_links)
    path = find_landing_file(folder, ONA_SURVEY)
    refuse_outside_links(path, lake.root, allow_outside_links)
    config = survey_layouts(lake, allow_outside_links).for_wave(wave)
    return open_survey(path, landing_aliases(lake, allow_outside_links), config, hr_file, hr, f"{wave} HR export")


def read_program(lake: DataLake, allow_outside_links: bool = False) -> LandedFile | None:
    """The participants roster, or None when no program has landed yet."""
    if not lake.program_folder.is_dir():
        return None
    return _read(lake, lake.program_folder, PARTICIPANTS, landing_aliases(lake, allow_outside_links), allow_outside_links)


def read_experiments(lake: DataLake, allow_outside_links: bool = False) -> dict[str, dict[str, LandedFile]]:
    """Per experiment id: its assignment and interactions files."""
    folder = lake.experiments_folder
    if not folder.is_dir():
        return {}
    aliases = landing_aliases(lake, allow_outside_links)
    experiments: dict[str, dict[str, LandedFile]] = {}
    for experiment in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        experiments[experiment.name] = {
            spec.name: _read(lake, experiment, spec, aliases, allow_outside_links) for spec in (ASSIGNMENT, INTERACTIONS)
        }
    return experiments
