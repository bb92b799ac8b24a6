"""Who may read what the pipeline writes (issue 22 §4).

The warehouse, the graph snapshots and the landing copies hold real employee ids and who trusts
whom: readable by the pipeline's own user only (folders 0700, files 0600). The serving copy and
the reports are pseudonymised and meant for the BI service account: readable by one configured
group (``SCL_SERVING_GROUP``; folders 0750, files 0640, that group) and never by everyone;
without the setting they stay private to the user too.

Files are created private by running the pipeline under the umask 077 (:func:`private_umask`):
DuckDB's file and WAL, Parquet and every temporary file then start private, whichever
library writes them. The serving copy and the reports are then opened to the group explicitly
(:func:`share`) before they are swapped into place. Existing folders are never re-moded
behind the operator's back: :func:`exposed_paths` lists what is open wider than this policy, and
the run warns naming them.
"""

from __future__ import annotations

import grp
import os
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from scl_pipeline.lib.lake import PLACEHOLDER, DataLake

SERVING_GROUP_ENV = "SCL_SERVING_GROUP"
PRIVATE_UMASK = 0o077
PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600
SHARED_DIR, SHARED_FILE = 0o750, 0o640
_SHOWN = 10  # paths named in a warning; the rest are counted


class AccessSettingError(ValueError):
    """``SCL_SERVING_GROUP`` names no group this process can give its files to."""


def serving_group(environ: Mapping[str, str] = os.environ) -> int | None:
    """The gid of ``SCL_SERVING_GROUP`` (a group name or number), or None when it is not set."""
    name = environ.get(SERVING_GROUP_ENV, "").strip()
    if not name:
        return None
    try:
        return grp.getgrgid(int(name)).gr_gid if name.isdigit() else grp.getgrnam(name).gr_gid
    except KeyError:
        raise AccessSettingError(f"{SERVING_GROUP_ENV}={name!r}: no such group on this machine") from None


@contextmanager
def private_umask() -> Iterator[None]:
    """Inside the block, new files are 0600 and new folders 0700 (the umask is the process's)."""
    previous = os.umask(PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(previous)


def share(path: Path, group: int | None) -> None:
    """Open ``path`` (a file or folder of the serving copy or the reports) to ``group``: 0640 /
    0750 with that group; with no group, private (0600 / 0700). Symbolic links are left alone
    (their own mode means nothing; what they point at is shared on its own)."""
    if path.is_symlink():
        return
    folder = path.is_dir()
    if group is None:
        os.chmod(path, PRIVATE_DIR if folder else PRIVATE_FILE)
        return
    try:
        os.chown(path, -1, group)
    except PermissionError:
        raise AccessSettingError(
            f"{path}: cannot give it to group {group} ({SERVING_GROUP_ENV}); the pipeline's user must be a member"
        ) from None
    os.chmod(path, SHARED_DIR if folder else SHARED_FILE)


def share_tree(root: Path, group: int | None) -> None:
    """:func:`share` ``root`` and everything below it."""
    share(root, group)
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            share(Path(folder) / name, group)


def make_private_folder(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700 folders; an existing folder keeps its mode."""
    missing = [p for p in [path, *path.parents] if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=PRIVATE_DIR)
        os.chmod(folder, PRIVATE_DIR)  # mkdir's mode is cut by the umask; set it whatever the umask
    return path


@dataclass(frozen=True)
class ExposedPath:
    path: Path
    mode: int
    who: str  # "everyone" or "its group"

    def __str__(self) -> str:
        return f"{self.path} ({stat.filemode(self.mode)}, readable by {self.who})"


def exposed_paths(lake: DataLake) -> list[ExposedPath]:
    """Paths of ``lake`` readable wider than the policy: anything under ``warehouse/`` that its
    group or everyone can read, anything under ``landing/``, ``serving/`` or ``reports/`` that
    everyone can read. A path counts only when the folders above it (from the lake's root) let
    that reader through, so a 0700 folder hides what is inside it."""
    try:
        root_mode = lake.root.stat().st_mode
    except FileNotFoundError:
        return []
    found: list[ExposedPath] = []
    for folder in (lake.landing, lake.warehouse_path.parent, lake.serving, lake.reports):
        if root_mode & stat.S_IXOTH:
            found.extend(_readable(folder, stat.S_IROTH, stat.S_IXOTH, "everyone"))
        if folder == lake.warehouse_path.parent and root_mode & stat.S_IXGRP:
            seen = {e.path for e in found}
            found.extend(e for e in _readable(folder, stat.S_IRGRP, stat.S_IXGRP, "its group") if e.path not in seen)
    return sorted(found, key=lambda e: str(e.path))


def _readable(top: Path, read: int, execute: int, who: str) -> list[ExposedPath]:
    out: list[ExposedPath] = []
    pending = [top]
    while pending:
        path = pending.pop()
        try:
            info = path.lstat()
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(info.st_mode) or path.name == PLACEHOLDER:
            continue
        if info.st_mode & read:
            out.append(ExposedPath(path, info.st_mode, who))
        if stat.S_ISDIR(info.st_mode) and info.st_mode & execute:
            pending.extend(sorted(path.iterdir(), reverse=True))
    return out


def exposed_warning(exposed: list[ExposedPath], lake: DataLake) -> str | None:
    """One message naming the paths (the first few, and how many more) and the fix; None when
    nothing is exposed."""
    if not exposed:
        return None
    # Files (what holds the data) before folders.
    exposed = sorted(exposed, key=lambda e: (stat.S_ISDIR(e.mode), str(e.path)))
    shown = "; ".join(str(e) for e in exposed[:_SHOWN])
    more = f"; and {len(exposed) - _SHOWN} more" if len(exposed) > _SHOWN else ""
    return (
        f"{len(exposed)} path(s) of the data lake are readable beyond the pipeline's user and the serving group "
        f"(they hold employee ids): {shown}{more}. Fix with `chmod -R go-rwx {lake.root / 'warehouse'}` and "
        f"`chmod -R o-rwx {lake.landing} {lake.serving} {lake.reports}` (docs/operations.md, \"File permissions\")"
    )
