"""The ingestion settings a site may change (the ``ingestion`` settings resource).

Both are off by default; docs/data_quality.md and docs/operations.md say when to switch them on.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IngestionConfig:
    """How landing files are read and matched. ``case_insensitive_ids``: an id that differs from
    exactly one HR id only in letter case is repaired to it (off: ``e1`` and ``E1`` may be two
    people). ``allow_outside_links``: landing files and folders that are symbolic links to places
    outside the data lake are read (off: refused, naming the link and its target)."""

    case_insensitive_ids: bool = False
    allow_outside_links: bool = False
