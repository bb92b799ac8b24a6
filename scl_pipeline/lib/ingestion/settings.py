"""The ingestion settings a site may change (the ``ingestion`` settings resource).

The switches are off by default; docs/data_quality.md and docs/operations.md say when to switch them on.
"""

from __future__ import annotations

from dataclasses import dataclass

from scl_pipeline.lib.contract import DEFAULT_RELATION, DEFAULT_STRONG_THRESHOLD

from scl_pipeline.lib.ingestion.blanks import BlankPolicy, RelationPolicy, StrengthPolicy
from scl_pipeline.lib.ingestion.readers import CHUNK_ROWS


@dataclass(frozen=True)
class IngestionConfig:
    """How landing files are read and matched. ``case_insensitive_ids``: an id that differs from
    exactly one HR id only in letter case is repaired to it (off: ``e1`` and ``E1`` may be two
    people). ``allow_outside_links``: landing files and folders that are symbolic links to places
    outside the data lake are read (off: refused, naming the link and its target).
    ``chunk_rows``: a survey is validated and typed this many rows at a time (memory grows with
    it; a survey of up to this many rows is validated whole). ``blank_strength``: a survey row
    without strength, of a relation the survey rates on other rows, is quarantined (counted by a
    WARNING; the quarantine-share gate stops the wave when they are many), or loaded as
    ``not_strong`` or ``strong`` (strength = the strong threshold). ``blank_relation``: a row
    without relation where others give one is quarantined, or loaded as the ``primary``
    relation (lib/ingestion/blanks.py)."""

    case_insensitive_ids: bool = False
    allow_outside_links: bool = False
    chunk_rows: int = CHUNK_ROWS
    blank_strength: StrengthPolicy = "quarantine"
    blank_relation: RelationPolicy = "quarantine"

    def __post_init__(self) -> None:
        if self.chunk_rows < 1:
            raise ValueError(f"ingestion.chunk_rows={self.chunk_rows}: expected a whole number of rows of at least 1")
        self.blanks()  # refuses an unknown policy

    def blanks(self, strong_threshold: int = DEFAULT_STRONG_THRESHOLD, primary_relation: str = DEFAULT_RELATION) -> BlankPolicy:
        """The blank policy, loading as the network settings' strong threshold and primary relation."""
        return BlankPolicy(self.blank_strength, self.blank_relation, strong_threshold, primary_relation)
