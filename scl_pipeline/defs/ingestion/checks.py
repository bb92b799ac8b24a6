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
    errors, warnings = report.errors, report.warnings
    common = {"file": dg.MetadataValue.path(report.file), "rows_checked": report.rows}
    return [
        dg.AssetCheckResult(
            asset_key=raw_key(spec),
            check_name=valid_check_name(spec),
            passed=not errors,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                **common,
                "expectations_run": len(report.expectations_run),
                "failed_expectations": {f.expectation: f.rows_failed for f in errors},
                "findings": dg.MetadataValue.md(findings_markdown(errors)),
            },
        ),
        dg.AssetCheckResult(
            asset_key=raw_key(spec),
            check_name=quarantine_check_name(spec),
            passed=not warnings,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                **common,
                "quarantined_rows": len(report.quarantine),
                "quarantined_by": {f.expectation: f.rows_failed for f in warnings},
                "findings": dg.MetadataValue.md(findings_markdown(warnings)),
            },
        ),
    ]
