"""Validation results as warehouse rows: data-quality rows and quarantined rows.

Each ingestion step writes them to tables of its own (lib.ingestion.check_tables); the names
below are of the unions BI and the CLI read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from scl_pipeline.lib.ingestion.gates import GateResult
from scl_pipeline.lib.ingestion.validation.findings import Finding, Severity, ValidationReport
from scl_pipeline.lib.ingestion.validation.suites import REGISTRY

QUARANTINE_TABLE = "raw.quarantine"
DATA_QUALITY_TABLE = "marts.data_quality"

OUTCOME_PASSED = "passed"
OUTCOME_FAILED = "failed"  # an ERROR expectation or a gate failed: the slice was rejected
OUTCOME_QUARANTINED = "quarantined"  # a WARNING expectation failed: rows set aside, slice loaded
OUTCOME_REPAIRED = "repaired"  # ids matched only once repaired: rows loaded with the repaired id
OUTCOME_LOADED = "loaded_by_setting"  # a WARNING a setting lets load (blank strength read as not strong)

# Whether the run's files are what the warehouse holds for the scope, or were refused (the
# warehouse kept the previous ones). The table keeps, per scope, the checks of the loaded run
# and those of a later rejected attempt, if any: re-running a wave replaces its rows.
LOADED = "loaded"
REJECTED = "rejected"


def quality_rows(
    reports: Iterable[ValidationReport], run_id: str, scope: str, checked_at: pd.Timestamp
) -> pd.DataFrame:
    """One row per expectation that ran on each file: what was checked, rows failed, outcome."""
    rows = []
    for report in reports:
        quarantining = report.quarantined_by()
        for name in report.expectations_run:
            finding = report.finding(name)
            if finding is None:
                outcome, failed, severity, detail = OUTCOME_PASSED, 0, None, None
            else:
                failed, severity, detail = finding.rows_failed, finding.severity, _detail(finding)
                outcome = _outcome(name, severity, name in quarantining)
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


def _outcome(expectation: str, severity: Severity, quarantined: bool = True) -> str:
    if severity is Severity.ERROR:
        return OUTCOME_FAILED
    if REGISTRY[expectation].repairs:
        return OUTCOME_REPAIRED
    return OUTCOME_QUARANTINED if quarantined else OUTCOME_LOADED


def gate_rows(
    gates: Iterable[GateResult], files: Mapping[str, str], run_id: str, scope: str, checked_at: pd.Timestamp
) -> pd.DataFrame:
    """One row per sanity gate (lib.ingestion.gates) on a slice; ``files`` maps file kind -> file."""
    rows = [
        {
            "run_id": run_id,
            "checked_at": checked_at,
            "scope": scope,
            "file_kind": gate.file_kind,
            "file": landing_relative(files.get(gate.file_kind, gate.file_kind)),
            "check_name": gate.name,
            "rows_checked": gate.rows_checked,
            "rows_failed": gate.rows_failed,
            "severity": None if gate.passed else Severity.ERROR.value,
            "outcome": OUTCOME_PASSED if gate.passed else OUTCOME_FAILED,
            "detail": gate.detail[:_DETAIL_MAX],
        }
        for gate in gates
    ]
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
    # Typed even when empty (the check tables are created from an empty frame): DuckDB TIMESTAMP.
    frame["quarantined_at"] = pd.Series(quarantined_at, index=frame.index, dtype="datetime64[us]")
    # Explicit string dtype: an all-missing object column would reach DuckDB as type NULL.
    return frame.astype({c: "string" for c in [*columns, "run_id"] if c != "source_row"})


def _typed_quality(frame: pd.DataFrame) -> pd.DataFrame:
    text = [c for c in _QUALITY_COLUMNS if c not in ("checked_at", "rows_checked", "rows_failed")]
    # Typed even when empty (the check tables are created from an empty frame): DuckDB TIMESTAMP_NS.
    types = {"checked_at": "datetime64[ns]", "rows_checked": "int64", "rows_failed": "int64"}
    return frame.astype({**{c: "string" for c in text}, **types})


def landing_relative(path: str) -> str:
    """``.../landing/waves/2021-Q3/ona_survey.csv`` -> ``waves/2021-Q3/ona_survey.csv``: the
    published history names files without revealing the server's folders."""
    parts = Path(path).parts
    if "landing" in parts:
        cut = len(parts) - 1 - parts[::-1].index("landing")
        return "/".join(parts[cut + 1 :])
    return path


def _detail(finding: Finding) -> str:
    """What failed and where, by row number only: the table is published, values can be ids.
    The note (an id pattern) is in words, without values."""
    rows = finding.sample_rows
    where = f" (source rows {', '.join(map(str, rows))}{', ...' if finding.rows_failed > len(rows) else ''})" if rows else ""
    note = f"; {finding.note}" if finding.note else ""
    return f"{finding.description}{note}{where}"[:_DETAIL_MAX]


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
# Set when the rows are written (lib.ingestion.loading): LOADED or REJECTED.
LOAD_STATUS = "load_status"
_DETAIL_MAX = 1000
