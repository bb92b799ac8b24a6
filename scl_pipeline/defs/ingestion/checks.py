"""Validation results as Dagster asset checks: one blocking check per file, one for its
quarantine, and the wave's sanity gates. Their metadata follows lib.ingestion.disclosure: row
numbers, counts and shapes, never ids or names."""

import dagster as dg
import pandas as pd

from scl_pipeline.lib.contract import ONA_SURVEY, PARTICIPANTS, SOURCE_FILE, SOURCE_ROW, FileSpec
from scl_pipeline.lib.ingestion.disclosure import markdown_text
from scl_pipeline.lib.ingestion.gates import GateResult
from scl_pipeline.lib.ingestion.validation import REGISTRY, ValidationReport
from scl_pipeline.lib.ingestion.validation.findings import findings_markdown

GATES_CHECK = "wave_sanity_gates"


def raw_key(spec: FileSpec) -> dg.AssetKey:
    return dg.AssetKey(spec.table.split("."))


# The program roster's asset: the marts that read participation depend on it, the sensor waits for it.
ROSTER_KEY = raw_key(PARTICIPANTS)


def valid_check_name(spec: FileSpec) -> str:
    return f"{spec.name}_valid"


def quarantine_check_name(spec: FileSpec) -> str:
    return f"{spec.name}_quarantine"


def file_check_specs(spec: FileSpec) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(
            valid_check_name(spec),
            asset=raw_key(spec),
            blocking=True,
            description=f"Every ERROR-level expectation of {spec.stem} passes (great-expectations); else the slice is rejected.",
        ),
        dg.AssetCheckSpec(
            quarantine_check_name(spec),
            asset=raw_key(spec),
            description=f"No {spec.stem} row was quarantined (rows in raw.quarantine) or had its id repaired by a "
            "WARNING-level expectation.",
        ),
    ]


def file_check_results(spec: FileSpec, report: ValidationReport) -> list[dg.AssetCheckResult]:
    def result(check_name: str, findings: list, severity: dg.AssetCheckSeverity, **metadata) -> dg.AssetCheckResult:
        return dg.AssetCheckResult(
            asset_key=raw_key(spec),
            check_name=check_name,
            passed=not findings,
            severity=severity,
            metadata={
                "file": dg.MetadataValue.path(report.file),
                "rows_checked": report.rows,
                **metadata,
                "findings": dg.MetadataValue.md(findings_markdown(findings)),
            },
        )

    errors, warnings = report.errors, report.warnings
    quarantining = report.quarantined_by()
    return [
        result(
            valid_check_name(spec), errors, dg.AssetCheckSeverity.ERROR,
            expectations_run=len(report.expectations_run),
            failed_expectations={f.expectation: f.rows_failed for f in errors},
        ),
        result(
            quarantine_check_name(spec), warnings, dg.AssetCheckSeverity.WARN,
            quarantined_rows=len(report.quarantine),
            quarantined_by={f.expectation: f.rows_failed for f in warnings if f.expectation in quarantining},
            repaired_by={f.expectation: f.rows_failed for f in warnings if REGISTRY[f.expectation].repairs},
            # Rows a setting loads as it says (a blank strength read as not strong), counted.
            loaded_by_setting={
                f.expectation: f.rows_failed for f in warnings
                if not REGISTRY[f.expectation].repairs and f.expectation not in quarantining
            },
        ),
    ]


def gate_check_spec() -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        GATES_CHECK,
        asset=raw_key(ONA_SURVEY),
        blocking=True,
        description="The wave's sanity gates pass: quarantined share, strong ties, and population, response rate "
        "and arcs against the previous loaded wave (docs/data_quality.md); else the wave is rejected.",
    )


def gate_check_result(gates: list[GateResult]) -> dg.AssetCheckResult:
    lines = ["| gate | outcome | detail |", "|---|---|---|"]
    lines += [f"| {g.name} | {'passed' if g.passed else 'FAILED'} | {markdown_text(g.detail)} |" for g in gates]
    return dg.AssetCheckResult(
        asset_key=raw_key(ONA_SURVEY),
        check_name=GATES_CHECK,
        passed=all(g.passed for g in gates),
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"failed_gates": [g.name for g in gates if not g.passed], "gates": dg.MetadataValue.md("\n".join(lines))},
    )


def column_profile(frame: pd.DataFrame) -> str:
    """Markdown: per loaded column, how many rows have a value and how many distinct values."""
    lines = ["| column | rows with a value | distinct values |", "|---|---:|---:|"]
    for column in frame.columns:
        if column not in (SOURCE_FILE, SOURCE_ROW):
            values = frame[column]
            lines.append(f"| {column} | {int(values.notna().sum()):,} | {int(values.nunique()):,} |")
    return "\n".join(lines)
