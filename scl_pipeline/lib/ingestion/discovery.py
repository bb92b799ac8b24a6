"""Find the landing files of a wave, of the program and of the experiments, and read them."""

from __future__ import annotations

from scl_pipeline.lib.lake import DataLake
from scl_pipeline.lib.ingestion.aliases import AliasMap
from scl_pipeline.lib.ingestion.contract import (
    ASSIGNMENT,
    HR_EXPORT,
    INTERACTIONS,
    ONA_SURVEY,
    PARTICIPANTS,
)
from scl_pipeline.lib.ingestion.readers import LandedFile, LandingFileError, find_landing_file, read_landing_file
from scl_pipeline.lib.waves import is_wave, parse_wave


def landed_waves(lake: DataLake) -> list[str]:
    """Wave folders present in landing, in order. A wrongly named folder is an error, not ignored."""
    folder = lake.landing / "waves"
    if not folder.is_dir():
        return []
    names = sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    wrong = [name for name in names if not is_wave(name)]
    if wrong:
        raise LandingFileError(folder, f"wave folder(s) {wrong} are not named YYYY-Qn (for example 2021-Q3)")
    return sorted(names, key=parse_wave)


def read_wave(lake: DataLake, wave: str) -> dict[str, LandedFile]:
    """The wave's HR export and survey, read; raises LandingFileError naming the file."""
    parse_wave(wave)
    folder = lake.wave_folder(wave)
    aliases = AliasMap.for_landing_root(lake.landing)
    return {
        spec.name: read_landing_file(find_landing_file(folder, spec), spec, aliases)
        for spec in (HR_EXPORT, ONA_SURVEY)
    }


def read_program(lake: DataLake) -> LandedFile | None:
    """The participants roster, or None when no program has landed yet."""
    folder = lake.program_folder
    if not folder.is_dir():
        return None
    return read_landing_file(find_landing_file(folder, PARTICIPANTS), PARTICIPANTS, AliasMap.for_landing_root(lake.landing))


def read_experiments(lake: DataLake) -> dict[str, dict[str, LandedFile]]:
    """Per experiment id: its assignment and interactions files."""
    folder = lake.experiments_folder
    if not folder.is_dir():
        return {}
    aliases = AliasMap.for_landing_root(lake.landing)
    experiments: dict[str, dict[str, LandedFile]] = {}
    for experiment in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        experiments[experiment.name] = {
            spec.name: read_landing_file(find_landing_file(experiment, spec), spec, aliases)
            for spec in (ASSIGNMENT, INTERACTIONS)
        }
    return experiments
