"""What a run's result depends on, as one fingerprint: a quarterly run redoes only what changed.

A fingerprint is a set of named parts (a landing file's content hash, a settings resource's
values, the code version, ...) and one digest over them. Two runs with the same digest compute
the same tables (issue 22 §2 makes that hold to the bit), so the second can be skipped. Dagster wiring (which parts a job has, where the
last digest is kept): ``defs/runs/incremental.py``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path

from scl_pipeline.lib.project_files import PACKAGE_DIR, SQL_FOLDER, sql_root

_CHUNK = 1 << 20
# The code of the project (the package, its SQL models, its bundled TOML) and the libraries whose
# results land in the tables: a change to any of them may change a number.
CODE_FOLDERS: tuple[str, ...] = ("scl_pipeline", "dbt_like_sql")
CODE_SUFFIXES: tuple[str, ...] = (".py", ".sql", ".toml")
LIBRARIES: tuple[str, ...] = (
    "dagster", "duckdb", "pandas", "numpy", "scipy", "igraph", "networkx", "great_expectations", "pyarrow",
    "openpyxl", "matplotlib",
)


def file_digest(path: Path) -> str:
    """sha256 of the file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _is_content(path: Path) -> bool:
    # Hidden files, editor lock files (~$x.xlsx) and the repository's placeholders are not data.
    return path.is_file() and not path.name.startswith((".", "~$"))


def landing_parts(root: Path, paths: Iterable[Path]) -> dict[str, str]:
    """``{"landing:<path relative to root>": digest}`` of every content file at or under ``paths``
    (missing paths are left out: a file that disappears changes the parts all the same)."""
    parts: dict[str, str] = {}
    for path in paths:
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else []
        for file in files:
            if _is_content(file):
                parts[f"landing:{file.relative_to(root).as_posix()}"] = file_digest(file)
    return parts


@cache
def code_version(repo_root: Path | None = None) -> str:
    """A digest of the project's source files (``CODE_FOLDERS``, below ``repo_root``, or where the
    running package has them: lib/project_files.py) and the versions of ``LIBRARIES``: any edit of
    the code, or an upgrade of a library, changes it."""
    if repo_root is None:
        folders = {PACKAGE_DIR.name: PACKAGE_DIR, SQL_FOLDER: sql_root()}
    else:
        folders = {name: repo_root / name for name in CODE_FOLDERS}
    digest = hashlib.sha256()
    for name, folder in folders.items():
        for path in sorted(folder.rglob("*")):
            if path.suffix in CODE_SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                digest.update(f"{name}/{path.relative_to(folder).as_posix()}".encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    for name in LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}=={version}\0".encode())
    return digest.hexdigest()[:16]


def settings_part(values: Mapping[str, object]) -> str:
    """A digest of a settings resource's values (its part of the fingerprint)."""
    text = json.dumps(values, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Fingerprint:
    parts: Mapping[str, str] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        text = json.dumps(dict(sorted(self.parts.items())), separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:24]
