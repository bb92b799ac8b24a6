"""What opening a wave's survey gives (:func:`.survey_input.open_survey`): its contract rows,
held in memory for a tool's export (:class:`FrameSource`) or streamed for a long file, and what
reading found, in counts and as the findings and quarantine rows of the checks made while reading.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

import pandas as pd

from scl_pipeline.lib.contract import SOURCE_FILE, SOURCE_ROW
from scl_pipeline.lib.ingestion.people_matching import AMBIGUOUS, UNMATCHED, WHAT
from scl_pipeline.lib.ingestion.readers import CHUNK_ROWS, LandedFile, StreamedFile
from scl_pipeline.lib.ingestion.validation.findings import Finding, empty_quarantine


@dataclass(kw_only=True)
class FrameSource(LandedFile):
    """A survey's contract rows already in memory, handed out like a streamed file's chunks (a
    tool's export is read from its first row: its header rows are recognised)."""

    @property
    def rows_estimate(self) -> int:
        return len(self.frame)

    def chunks(self, rows: int = CHUNK_ROWS, columns: Collection[str] | None = None) -> Iterator[pd.DataFrame]:
        keep = [c for c in self.frame.columns if columns is None or c in columns or c in (SOURCE_FILE, SOURCE_ROW)]
        for start in range(0, len(self.frame), rows):
            yield self.frame.iloc[start : start + rows][keep].reset_index(drop=True)


@dataclass
class SurveySummary:
    """What reading the survey found, in counts (``scl check``, the run's metadata)."""

    file: str
    layout: str
    description: str
    streamed: bool
    rows: int | None = None  # answer rows (respondents of a wide file); None: streamed, see the report
    nominations: int | None = None
    matched: dict[str, int] = field(default_factory=dict)  # distinct people values per how matched
    labels_mapped: int = 0
    scales: tuple[str, ...] = ()
    labels_off_scale: int = 0
    set_aside: int = 0  # nominations quarantined while reading

    def lines(self) -> list[str]:
        """The summary as ``scl check`` prints it (no value of any person)."""
        out = [f"recognised: {self.description}"]
        if self.streamed:
            out.append("read as the contract's long file, streamed; people by employee id")
            return out
        out.append(f"rows read: {self.rows:,}; nominations read: {self.nominations:,}")
        matched = ", ".join(f"{self.matched.get(k, 0):,} by {WHAT[k]}" for k in ("id", "email", "name"))
        out.append(
            f"people (distinct values) matched: {matched}; unmatched: {self.matched.get(UNMATCHED, 0):,}; "
            f"ambiguous: {self.matched.get(AMBIGUOUS, 0):,}"
        )
        if self.labels_mapped or self.labels_off_scale:
            out.append(
                f"answer labels mapped: {self.labels_mapped:,} (scale {', '.join(self.scales) or 'none'}); "
                f"off the scale: {self.labels_off_scale:,}"
            )
        return out

    def metadata(self) -> dict[str, object]:
        return {
            "layout": self.layout, "recognised": self.description, "rows": self.rows, "nominations": self.nominations,
            "people_matched": dict(self.matched), "labels_mapped": self.labels_mapped,
            "labels_off_scale": self.labels_off_scale, "set_aside_while_reading": self.set_aside,
        }


@dataclass
class SurveyRead:
    """A survey opened for validation: its contract rows, what reading found, and the findings
    and quarantine rows of the checks made while reading (none for a streamed long file)."""

    source: StreamedFile | FrameSource
    summary: SurveySummary
    findings: list[Finding] = field(default_factory=list)
    quarantine: pd.DataFrame = field(default_factory=empty_quarantine)
    checks_run: tuple[str, ...] = ()
