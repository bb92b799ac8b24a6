"""Validation results as warehouse rows: the data-quality history and the quarantine table."""

from __future__ import annotations

from collections.abc import Iterable

from pathlib import Path

import pandas as pd

from scl_pipeline.lib.ingestion.validation.findings import Finding, Severity, ValidationReport

QUARANTINE_TABLE = "raw.quarantine"
DATA_QUALITY_TABLE = "marts.data_quality"

OUTCOME_PASSED = "passed"
OUTCOME_FAILED = "failed"  # an ERROR expectation failed: the slice was rejected
OUTCOME_QUARANTINED = "quarantined"  # a WARNING expectation failed: rows set aside, slice loaded


def quality_rows(
    reports: Iterable[ValidationReport], run_id: str, scope: str, checked_at: pd.Timestamp
) -> pd.DataFrame:
    """One row per expectation that ran on each file: what was checked, rows failed, outcome."""
    rows = []
    for report in reports:
        for name in report.expectations_run:
            finding = report.finding(name)
            if finding is None:
                outcome, failed, severity, detail = OUTCOME_PASSED, 0, None, None
            else:
                failed, severity, detail = finding.rows_failed, finding.severity, _detail(finding)
                outcome = OUTCOME_FAILED if severity is Severity.ERROR else OUTCOME_QUARANTINED
            rows.append(
                {
                    "run_id": run_id,
                    "checked_at": checked_at,
                    "scope": scope,
                    "file_kind": report.file_kind,
                    "file": landing_relative(report.file),
                    "check_name": name,
                    "rows_checked": report.rows,
                    "rows_failed": failed,
                    "severity": severity.value if severity else None,
                    "outcome": outcome,
                    "detail": detail,
                }
            )
    return _typed_quality(pd.DataFrame(rows, columns=_QUALITY_COLUMNS))


def unreadable_file_row(run_id: str, scope: str, file_kind: str, file: str, problem: str, checked_at: pd.Timestamp) -> pd.DataFrame:
    """The data-quality row of a file that could not even be read."""
    return pd.DataFrame(
        [
            {
                "run_id": run_id,
                "checked_at": checked_at,
                "scope": scope,
                "file_kind": file_kind,
                "file": landing_relative(file),
                "check_name": f"{file_kind}.readable",
                "rows_checked": 0,
                "rows_failed": 0,
                "severity": Severity.ERROR.value,
                "outcome": OUTCOME_FAILED,
                "detail": problem[:_DETAIL_MAX],
            }
        ],
        columns=_QUALITY_COLUMNS,
    ).pipe(_typed_quality)


def quarantine_rows(reports: Iterable[ValidationReport], run_id: str, quarantined_at: pd.Timestamp) -> pd.DataFrame:
    """The quarantined rows of ``reports`` with the run that set them aside (scope added on write)."""
    frames = [r.quarantine.assign(file_kind=r.file_kind) for r in reports if len(r.quarantine)]
    columns = ["file_kind", "file", "source_row", "expectation", "reason", "values"]
    frame = pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
    frame["source_row"] = frame["source_row"].astype("int64")
    frame["run_id"] = run_id
    frame["quarantined_at"] = quarantined_at
    # Explicit string dtype: an all-missing object column would reach DuckDB as type NULL.
    return frame.astype({c: "string" for c in [*columns, "run_id"] if c != "source_row"})


def _typed_quality(frame: pd.DataFrame) -> pd.DataFrame:
    text = [c for c in _QUALITY_COLUMNS if c not in ("checked_at", "rows_checked", "rows_failed")]
    return frame.astype({**{c: "string" for c in text}, "rows_checked": "int64", "rows_failed": "int64"})


def landing_relative(path: str) -> str:
    """``.../landing/waves/2021-Q3/ona_survey.csv`` -> ``waves/2021-Q3/ona_survey.csv``: the
    published history names files without revealing the server's folders."""
    parts = Path(path).parts
    if "landing" in parts:
        cut = len(parts) - 1 - parts[::-1].index("landing")
        return "/".join(parts[cut + 1 :])
    return path


def _detail(finding: Finding) -> str:
    """What failed and where, by row number only: the table is published, values can be ids."""
    rows = finding.sample_rows
    where = f" (source rows {', '.join(map(str, rows))}{', ...' if finding.rows_failed > len(rows) else ''})" if rows else ""
    return f"{finding.description}{where}"[:_DETAIL_MAX]


_QUALITY_COLUMNS = [
    "run_id",
    "checked_at",
    "scope",
    "file_kind",
    "file",
    "check_name",
    "rows_checked",
    "rows_failed",
    "severity",
    "outcome",
    "detail",
]
_DETAIL_MAX = 1000
