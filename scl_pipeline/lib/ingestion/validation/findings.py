"""Result types of landing-file validation: findings, per-file reports, quarantine rows.

Everything here is plain data (no GX objects), so a report can be logged, compared in tests and
turned into Dagster metadata without importing great_expectations.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from scl_pipeline.lib.contract import SOURCE_ROW
from scl_pipeline.lib.ingestion.disclosure import markdown_text, metadata_value, shown_cell

SAMPLE_SIZE = 10

QUARANTINE_COLUMNS: tuple[str, ...] = ("file", SOURCE_ROW, "expectation", "reason", "values")


class Severity(str, enum.Enum):
    """ERROR stops the wave; WARNING lets it pass with the offending rows quarantined."""

    ERROR = "ERROR"
    WARNING = "WARNING"


@dataclass(frozen=True)
class Finding:
    """One failed expectation on one file.

    ``sample`` holds up to :data:`SAMPLE_SIZE` offending rows, each a dict with ``source_row``
    and the offending value(s) by column name (for a missing-columns finding:
    ``{"missing_column": name}``, and ``rows_failed`` is every row of the file). The values are
    for the library's callers; everything meant for people (:attr:`message`, :meth:`to_dict`,
    :func:`findings_markdown`) shows them only as :mod:`..disclosure` allows. ``note`` says in
    words, without values, what the offending values have in common (a pattern of ids).
    """

    expectation: str
    file: str
    column: str | None
    severity: Severity
    rows_failed: int
    sample: tuple[dict[str, Any], ...]
    description: str = ""
    note: str = ""

    @property
    def sample_rows(self) -> list[int]:
        return [row[SOURCE_ROW] for row in self.sample if SOURCE_ROW in row]

    @property
    def message(self) -> str:
        """One sentence naming file, column, rows and what is wrong."""
        where = f"column {self.column!r}" if self.column else "table"
        head = f"{self.severity.value} {self.expectation} in {self.file}, {where}: {self.description}"
        if self.note:
            head += f" ({self.note})"
        if not self.sample:
            return head + (f" — failed on {self.rows_failed} row(s)" if self.rows_failed else " — failed")
        shown = ", ".join(_describe_sample_row(row, self.column) for row in self.sample)
        more = self.rows_failed - len(self.sample) if self.sample_rows else 0
        tail = f" and {more} more" if more > 0 else ""
        return f"{head} — failed on {self.rows_failed} row(s): {shown}{tail}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "expectation": self.expectation,
            "file": self.file,
            "column": self.column,
            "severity": self.severity.value,
            "rows_failed": self.rows_failed,
            "sample": [_shown_sample_row(row) for row in self.sample],
            "description": self.description,
            "note": self.note,
        }


def _describe_sample_row(row: dict[str, Any], column: str | None) -> str:
    if "missing_column" in row:
        return f"missing {row['missing_column']!r}"
    shown = ", ".join(shown_cell(k, v) for k, v in row.items() if k != SOURCE_ROW)
    return f"row {row.get(SOURCE_ROW)} ({shown})" if shown else f"row {row.get(SOURCE_ROW)}"


def _shown_sample_row(row: dict[str, Any]) -> dict[str, Any]:
    """A sample row for metadata: the row number and each value as a message may show it."""
    if "missing_column" in row:
        return dict(row)
    return {k: v if k == SOURCE_ROW else metadata_value(k, v) for k, v in row.items()}


def empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="int64" if name == SOURCE_ROW else object) for name in QUARANTINE_COLUMNS})


@dataclass
class ValidationReport:
    """The validation of one landing file.

    ``clean`` is the canonicalised input (see :func:`rules.canonicalise`) minus the quarantined
    rows; ``quarantine`` has one row per quarantined source row with every reason it was
    quarantined for, and the row's original values as JSON.
    """

    file: str
    file_kind: str
    rows: int
    findings: list[Finding]
    quarantine: pd.DataFrame = field(default_factory=empty_quarantine)
    clean: pd.DataFrame = field(default_factory=pd.DataFrame)
    expectations_run: tuple[str, ...] = ()
    scope: str | None = None  # the wave or experiment

    @property
    def passed(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    def quarantined_by(self) -> set[str]:
        """The expectations that set rows of this file aside (a WARNING a setting lets load counts
        its rows and is not among them)."""
        names = self.quarantine["expectation"].dropna().str.split("; ").explode() if len(self.quarantine) else []
        return set(names)

    def finding(self, expectation: str) -> Finding | None:
        """The finding of ``expectation``, or ``None`` when it passed (or did not run)."""
        return next((f for f in self.findings if f.expectation == expectation), None)

    def to_markdown(self) -> str:
        return findings_markdown(self.findings)

    def to_metadata(self) -> dict[str, Any]:
        return _metadata(self.findings, self.quarantine, [self])


def findings_markdown(findings: list[Finding]) -> str:
    """A markdown table of ``findings`` (one line when there are none)."""
    if not findings:
        return "All expectations passed."
    lines = [
        "| severity | expectation | file | column | rows failed | sample (source_row: value, or its shape) |",
        "|---|---|---|---|---:|---|",
    ]
    for f in findings:
        sample = "; ".join(_describe_sample_row(row, f.column) for row in f.sample)
        if f.note:
            sample = f"{f.note}; {sample}" if sample else f.note
        cells = [f.severity.value, f.expectation, f.file, f.column or "", str(f.rows_failed), sample]
        lines.append("| " + " | ".join(markdown_text(c) for c in cells) + " |")
    return "\n".join(lines)


def _metadata(findings: list[Finding], quarantine: pd.DataFrame, reports: list[ValidationReport]) -> dict[str, Any]:
    """JSON-friendly summary for Dagster metadata (wrap ``findings_markdown`` in MetadataValue.md)."""
    payload = {
        "passed": not any(f.severity is Severity.ERROR for f in findings),
        "files": [r.file for r in reports],
        "rows": sum(r.rows for r in reports),
        "errors": sum(1 for f in findings if f.severity is Severity.ERROR),
        "warnings": sum(1 for f in findings if f.severity is Severity.WARNING),
        "quarantined_rows": int(len(quarantine)),
        "expectations_run": sum(len(r.expectations_run) for r in reports),
        "findings": [f.to_dict() for f in findings],
        "findings_markdown": findings_markdown(findings),
    }
    # Round-trip proves the payload is JSON-serialisable before Dagster sees it.
    return json.loads(json.dumps(payload, default=str))


@dataclass
class FileSetValidation:
    """Several files validated together (a wave, an experiment): passes when every file passes."""

    label: str
    reports: dict[str, ValidationReport]

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.reports.values())

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.reports.values() for f in r.findings]

    @property
    def quarantine(self) -> pd.DataFrame:
        frames = [r.quarantine for r in self.reports.values() if len(r.quarantine)]
        return pd.concat(frames, ignore_index=True) if frames else empty_quarantine()

    def clean(self, file_kind: str) -> pd.DataFrame:
        return self.reports[file_kind].clean

    def to_markdown(self) -> str:
        return findings_markdown(self.findings)

    def to_metadata(self) -> dict[str, Any]:
        meta = _metadata(self.findings, self.quarantine, list(self.reports.values()))
        meta["label"] = self.label
        return meta
