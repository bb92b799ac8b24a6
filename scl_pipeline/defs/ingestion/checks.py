"""Validation results as Dagster asset checks: one blocking check per file, one for its quarantine."""

import dagster as dg

from scl_pipeline.lib.ingestion.contract import FileSpec
from scl_pipeline.lib.ingestion.validation import ValidationReport
from scl_pipeline.lib.ingestion.validation.findings import findings_markdown


def raw_key(spec: FileSpec) -> dg.AssetKey:
    return dg.AssetKey(spec.table.split("."))


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
            description=f"No {spec.stem} row was quarantined by a WARNING-level expectation (rows in raw.quarantine).",
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
    return [
        result(
            valid_check_name(spec), errors, dg.AssetCheckSeverity.ERROR,
            expectations_run=len(report.expectations_run),
            failed_expectations={f.expectation: f.rows_failed for f in errors},
        ),
        result(
            quarantine_check_name(spec), warnings, dg.AssetCheckSeverity.WARN,
            quarantined_rows=len(report.quarantine),
            quarantined_by={f.expectation: f.rows_failed for f in warnings},
        ),
    ]
