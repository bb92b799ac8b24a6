"""Where the data lake lives: one root (``SCL_DATA_LAKE``) and the fixed folders below it."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

# REPO_ROOT is imported from here by the tests and tools that read the repository's own files.
from scl_pipeline.lib.project_files import REPO_ROOT, data_root, is_installed  # noqa: F401

DATA_LAKE_ENV = "SCL_DATA_LAKE"
DATA_LAKE_FOLDER = "data_lake"
# The repository tracks its empty data_lake/ folders with these; emptying a folder keeps them.
PLACEHOLDER = ".gitkeep"


def default_root() -> Path:
    """``$SCL_DATA_LAKE`` if set, else ``data_lake/`` in the repository (a checkout) or in the
    current folder (an installed package)."""
    return Path(os.environ.get(DATA_LAKE_ENV) or data_root() / DATA_LAKE_FOLDER).resolve()


def default_root_help() -> str:
    """``default_root`` in words for ``scl --help``: in a checkout the repository's folder, wherever
    ``scl`` is started; for an installed package the one in the current folder."""
    where = f"./{DATA_LAKE_FOLDER}" if is_installed() else f"{data_root() / DATA_LAKE_FOLDER} (this checkout's)"
    return f"${DATA_LAKE_ENV}, else {where}"


@dataclass(frozen=True)
class DataLake:
    root: Path

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def warehouse_path(self) -> Path:
        return self.root / "warehouse" / "scl.duckdb"

    @property
    def serving(self) -> Path:
        return self.root / "serving"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    def wave_folder(self, wave: str) -> Path:
        return self.landing / "waves" / wave

    @property
    def program_folder(self) -> Path:
        return self.landing / "program"

    @property
    def experiments_folder(self) -> Path:
        return self.landing / "experiments"


def empty_folder(folder: Path) -> None:
    """Remove everything inside ``folder`` except its placeholder file (a missing folder is fine).
    Symbolic links are removed, never followed."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.name == PLACEHOLDER:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
