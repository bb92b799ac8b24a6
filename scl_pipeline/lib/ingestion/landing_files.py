"""Which file in a landing folder is the export of a kind, and whether it may be read at all.

- A file kind is found by its name in any case (``HR_Export.CSV`` is ``hr_export.csv``); two
  candidates (two formats, or a copy such as ``hr_export (1).csv`` beside the original) are
  ambiguous: an error naming them, never a choice.
- Symbolic links below ``landing/`` (a wave folder, a file, ``column_aliases.toml``) that lead
  outside the data lake are refused with the link and its target named: a link to a
  ``.env`` or a home folder would otherwise be read and its content reported. A link that stays
  inside the lake is fine. ``allow_outside_links`` (the ``ingestion`` settings resource,
  docs/operations.md) allows them, for sites that mount exports elsewhere on purpose.
"""

from __future__ import annotations

from pathlib import Path

from scl_pipeline.lib.contract import FileSpec
from scl_pipeline.lib.ingestion.errors import LandingFileError

# Not exports: editor and office lock/backup files, hidden files, the lake's own notes.
_IGNORED_PREFIXES = (".", "~$", "_")


def _visible(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith(_IGNORED_PREFIXES))


def landing_files(folder: Path, spec: FileSpec) -> list[Path]:
    """The files of ``folder`` named ``<stem>.<format>`` for ``spec``, in any letter case."""
    if not folder.is_dir():
        return []
    names = {f"{spec.stem}.{fmt}" for fmt in spec.formats}
    return [p for p in _visible(folder) if p.name.lower() in names and p.is_file()]


def _lookalikes(folder: Path, spec: FileSpec) -> list[Path]:
    """Other files that look like copies of the export (``hr_export (1).csv``, ``hr_export_v2.xlsx``)."""
    exact = set(landing_files(folder, spec))
    return [
        p
        for p in _visible(folder)
        if p not in exact and p.is_file() and p.name.lower().startswith(spec.stem)
        and p.suffix.lower().lstrip(".") in spec.formats
    ]


def find_landing_file(folder: Path, spec: FileSpec) -> Path:
    """The one file of ``spec`` in ``folder``, whatever its format."""
    if not folder.is_dir():
        raise LandingFileError(folder, f"folder is missing: no {spec.stem} can be read")
    found = landing_files(folder, spec)
    copies = _lookalikes(folder, spec)
    if not found:
        options = ", ".join(f"{spec.stem}.{fmt}" for fmt in spec.formats)
        present = [p.name for p in _visible(folder)] or ["nothing"]
        raise LandingFileError(folder, f"missing file: expected one of {options}; found {', '.join(present)}")
    if len(found) + len(copies) > 1:
        names = ", ".join(p.name for p in found + copies)
        raise LandingFileError(
            folder, f"ambiguous: several {spec.stem} files ({names}); keep exactly one, named {spec.stem}.<format>"
        )
    return found[0]


def refuse_outside_links(path: Path, lake_root: Path, allow_outside_links: bool = False) -> None:
    """Raise :class:`LandingFileError` if ``path``, or a folder between ``landing/`` and it, is a
    symbolic link whose target lies outside the data lake (unless ``allow_outside_links``)."""
    if allow_outside_links:
        return
    root = Path(lake_root)
    landing = root / "landing"
    inside = {root.resolve(), landing.resolve()}
    try:
        steps = Path(path).relative_to(landing).parts
    except ValueError:
        return  # not below landing/: nothing of ours to police
    current = landing
    for part in steps:
        current = current / part
        if current.is_symlink():
            target = current.resolve()
            if not any(target == base or target.is_relative_to(base) for base in inside):
                raise LandingFileError(
                    current,
                    f"is a symbolic link to {target}, outside the data lake {root}; it is not read. Copy the "
                    "export into the lake, or allow such links with the ingestion setting "
                    "allow_outside_links (docs/operations.md)",
                    published="is a symbolic link to a place outside the data lake; it is not read",
                )
