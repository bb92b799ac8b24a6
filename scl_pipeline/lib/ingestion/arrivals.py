"""What has landed, and what changed since last time: the logic behind the schedule and sensor."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from scl_pipeline.lib.lake import DataLake
from scl_pipeline.lib.contract import HR_EXPORT, ONA_SURVEY
from scl_pipeline.lib.ingestion.landing_files import landing_files
from scl_pipeline.lib.waves import is_wave, parse_wave


@dataclass(frozen=True)
class LandingScan:
    """Fingerprints of the complete waves, plus folders that are incomplete or wrongly named."""

    waves: dict[str, str] = field(default_factory=dict)
    incomplete: dict[str, list[str]] = field(default_factory=dict)  # wave -> missing file stems
    misnamed: list[str] = field(default_factory=list)
    program: str | None = None  # fingerprint of program/ (the roster)
    modified: dict[str, float] = field(default_factory=dict)  # wave -> newest file mtime (epoch s)
    program_modified: float | None = None
    experiments: str | None = None  # fingerprint of experiments/
    experiments_modified: float | None = None


def fingerprint(paths: list[Path]) -> str:
    """Changes when a file is added, removed, rewritten or touched (name, size, mtime)."""
    digest = hashlib.sha1()
    for path in sorted(paths):
        stat = path.stat()
        digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


def scan_landing(lake: DataLake) -> LandingScan:
    waves: dict[str, str] = {}
    modified: dict[str, float] = {}
    incomplete: dict[str, list[str]] = {}
    misnamed: list[str] = []
    root = lake.landing / "waves"
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        if not folder.is_dir() or folder.name.startswith((".", "_")):
            continue
        if not is_wave(folder.name):
            misnamed.append(folder.name)
            continue
        files = {spec.stem: landing_files(folder, spec) for spec in (HR_EXPORT, ONA_SURVEY)}
        missing = [stem for stem, found in files.items() if not found]
        if missing:
            incomplete[folder.name] = missing
        else:
            paths = [p for found in files.values() for p in found]
            waves[folder.name] = fingerprint(paths)
            modified[folder.name] = newest_mtime(paths)
    program, program_modified = _folder_state(lake.program_folder)
    experiments, experiments_modified = _folder_state(lake.experiments_folder)
    return LandingScan(
        waves=dict(sorted(waves.items(), key=lambda item: parse_wave(item[0]))),
        incomplete=incomplete,
        misnamed=misnamed,
        program=program,
        modified=modified,
        program_modified=program_modified,
        experiments=experiments,
        experiments_modified=experiments_modified,
    )


def _folder_state(folder: Path) -> tuple[str | None, float | None]:
    """(fingerprint, newest mtime) of every file below ``folder``; (None, None) when it has none."""
    files = [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []
    return (fingerprint(files), newest_mtime(files)) if files else (None, None)


def newest_mtime(paths: list[Path]) -> float:
    return max(path.stat().st_mtime for path in paths)


def changed_waves(previous: dict[str, str], current: dict[str, str]) -> list[str]:
    """Waves that are new or whose files changed; a wave whose files vanished is not re-run."""
    return [wave for wave, print_ in current.items() if previous.get(wave) != print_]
