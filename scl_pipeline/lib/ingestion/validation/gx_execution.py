"""Run one file's expectation suite with great_expectations 1.x and turn the result into a
:class:`ValidationReport` (findings, quarantine rows, clean frame).

GX is imported lazily (3–4 s, ~250 MB) and its ephemeral context is built once per process:
loading Dagster definitions never pays for it, and a run validating many files pays once.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from typing import Any

import numpy as np
import pandas as pd

from scl_pipeline.lib.ingestion.contract import SOURCE_FILE, SOURCE_ROW, FileSpec
from scl_pipeline.lib.ingestion.validation import rules
from scl_pipeline.lib.ingestion.validation.findings import (
    QUARANTINE_COLUMNS,
    SAMPLE_SIZE,
    Finding,
    Severity,
    ValidationReport,
    empty_quarantine,
)
from scl_pipeline.lib.ingestion.id_matching import find_repairs
from scl_pipeline.lib.ingestion.validation.expectations import (
    ExpectationDef,
    References,
    as_given_column,
    repair_kind_column,
)
from scl_pipeline.lib.ingestion.validation.suites import SPECS, add_derived_columns, expectations_for

_META_KEY = "scl_expectation"
_lock = threading.Lock()
_batch_definition: Any = None


class ValidationInputError(ValueError):
    """The frame handed to validation lacks what the reader guarantees (lineage columns)."""


def _gx() -> tuple[Any, Any, Any]:
    """(great_expectations, great_expectations.expectations, cached whole-dataframe batch definition)."""
    global _batch_definition
    # GX 1.24 ships no analytics sender (only a docstring names this variable); set it anyway
    # so a GX upgrade that reinstates analytics stays quiet. Progress bars are switched off on
    # the context below: without that, every validation prints "Calculating Metrics" bars.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    import great_expectations.expectations as gxe

    with _lock:
        if _batch_definition is None:
            from great_expectations.data_context.types.base import ProgressBarsConfig

            # GX modules set their own loggers to INFO at import ("Created temporary directory
            # ... for ephemeral docs site" on every context): quiet every one of them.
            for name in list(logging.root.manager.loggerDict):
                if name.startswith("great_expectations"):
                    logging.getLogger(name).setLevel(logging.ERROR)
            context = gx.get_context(mode="ephemeral")
            context.variables.progress_bars = ProgressBarsConfig(globally=False)
            _batch_definition = (
                context.data_sources.add_pandas("scl_landing")
                .add_dataframe_asset("landing_frame")
                .add_batch_definition_whole_dataframe("whole_frame")
            )
    return gx, gxe, _batch_definition


def file_label(frame: pd.DataFrame, spec: FileSpec) -> str:
    """The file a frame came from (its ``source_file``), or the file kind when unknown."""
    if SOURCE_FILE in frame.columns and len(frame) and pd.notna(frame[SOURCE_FILE].iloc[0]):
        return str(frame[SOURCE_FILE].iloc[0])
    return spec.name


def _check_lineage(frame: pd.DataFrame, label: str) -> None:
    if SOURCE_ROW not in frame.columns:
        raise ValidationInputError(f"{label}: the frame has no {SOURCE_ROW!r} column; read it with the landing reader")
    rows = frame[SOURCE_ROW]
    if rows.isna().any() or rows.duplicated().any():
        raise ValidationInputError(f"{label}: {SOURCE_ROW!r} must be a unique, non-missing row number per row")


def run_suite(
    frame: pd.DataFrame, file_kind: str, refs: References | None = None, scope: str | None = None
) -> ValidationReport:
    """Validate one landing string frame of ``file_kind`` (a contract file name); ``scope`` is
    the wave or experiment it belongs to, carried into the report."""
    spec = SPECS[file_kind]
    refs = refs or References()
    label = file_label(frame, spec)
    _check_lineage(frame, label)
    canonical, repaired = _repair_ids(rules.canonicalise(frame, spec), file_kind, refs)
    checked = add_derived_columns(canonical, spec)
    for name, values in repaired.items():
        checked[name] = values

    gx, gxe, batch_definition = _gx()
    suite = gx.ExpectationSuite(name=f"scl.{file_kind}")
    ran: list[ExpectationDef] = []
    for definition in expectations_for(file_kind):
        if not all(c in checked.columns for c in definition.columns):
            continue
        expectation = definition.build(gxe, checked, refs)
        if expectation is None:
            continue
        expectation.meta = {_META_KEY: definition.name}
        suite.add_expectation(expectation)
        ran.append(definition)
    by_name = {d.name: d for d in ran}

    # The cached context is shared: one validation at a time if a caller uses threads.
    with _lock:
        result = batch_definition.get_batch(batch_parameters={"dataframe": checked}).validate(
            suite, result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [SOURCE_ROW]}
        )

    findings: list[Finding] = []
    quarantined: dict[int, list[tuple[str, str]]] = {}
    for outcome in result.results:
        definition = by_name[outcome.expectation_config.meta[_META_KEY]]
        if outcome.exception_info and outcome.exception_info.get("raised_exception"):
            raise RuntimeError(
                f"{label}: expectation {definition.name} could not run: {outcome.exception_info.get('exception_message')}"
            )
        if outcome.success:
            continue
        offending = _offending_rows(outcome.result, checked, definition)
        # A missing column fails every row of the file.
        rows_failed = int(outcome.result.get("unexpected_count", len(frame)))
        findings.append(
            Finding(
                expectation=definition.name,
                file=label,
                column=definition.column,
                severity=definition.severity,
                rows_failed=rows_failed,
                sample=tuple(offending[:SAMPLE_SIZE]),
                description=definition.description,
                note=definition.note(checked, refs) if definition.note else "",
            )
        )
        if definition.severity is Severity.WARNING and definition.repairs is None:
            for row in offending:
                quarantined.setdefault(row[SOURCE_ROW], []).append((definition.name, quarantine_reason(definition, row, refs)))

    order = {d.name: i for i, d in enumerate(ran)}
    findings.sort(key=lambda f: order[f.expectation])
    quarantine = _quarantine_frame(frame, label, quarantined)
    keep = ~canonical[SOURCE_ROW].isin(list(quarantined))
    return ValidationReport(
        file=label,
        file_kind=file_kind,
        rows=len(frame),
        findings=findings,
        quarantine=quarantine,
        clean=canonical[keep],
        expectations_run=tuple(d.name for d in ran),
        scope=scope,
    )


def _repair_ids(canonical: pd.DataFrame, file_kind: str, refs: References) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """``canonical`` with the ids of every repairing expectation repaired (id_matching), and the
    derived columns recording each repaired row's id as given and the kind of repair."""
    derived: dict[str, pd.Series] = {}
    for definition in expectations_for(file_kind):
        column, known = definition.column, refs.known(definition.repairs) if definition.repairs else None
        if known is None or column not in canonical.columns:
            continue
        repairs = find_repairs(rules.distinct_values(canonical[column]), known, refs.options.case_insensitive_ids)
        given = canonical[column]
        hit = given.isin(list(repairs.mapping))
        derived[as_given_column(column)] = given.where(hit, None)
        derived[repair_kind_column(column)] = given.map(repairs.kinds).where(hit, None)
        if hit.any():
            canonical = canonical.copy()
            canonical.loc[hit, column] = given[hit].map(repairs.mapping)
    return canonical, derived


def quarantine_reason(definition: ExpectationDef, row: dict[str, Any], refs: References) -> str:
    """Why a row was set aside: the expectation's own reason, else its description (a WARNING
    expectation always quarantines its rows; its severity is a one-line registry choice)."""
    if definition.reason is not None:
        return definition.reason(row, refs)
    return f"fails {definition.name}: {definition.description}"


def _plain(value: Any) -> Any:
    """numpy scalars and NaN to JSON-friendly Python values."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    return value


def _offending_rows(result: dict[str, Any], frame: pd.DataFrame, definition: ExpectationDef) -> list[dict[str, Any]]:
    """Offending rows, ordered by ``source_row``: row number, offending values, key columns."""
    if "details" in result and "mismatched" in result["details"]:
        return [{"missing_column": c} for c in result["details"]["mismatched"].get("missing", [])]
    rows = []
    for entry in result.get("unexpected_index_list") or []:
        row = {SOURCE_ROW: _plain(entry[SOURCE_ROW])}
        for key, value in entry.items():
            derived = key.startswith("__")
            if key != SOURCE_ROW and (not derived or key.lstrip("_") in definition.context):
                row[key.lstrip("_")] = _plain(value)
        rows.append(row)
    rows.sort(key=lambda r: r[SOURCE_ROW])
    extra = [c for c in dict.fromkeys(definition.columns + definition.context) if c in frame.columns]
    # Quarantine reasons need the context of every row; other findings only of their sample.
    quarantines = definition.severity is Severity.WARNING and definition.repairs is None
    enrich = rows if quarantines else rows[:SAMPLE_SIZE]
    if extra and enrich:
        wanted = [r[SOURCE_ROW] for r in enrich]
        lookup = frame.loc[frame[SOURCE_ROW].isin(wanted)].set_index(SOURCE_ROW)[extra].to_dict("index")
        for row in enrich:
            for column, value in lookup[row[SOURCE_ROW]].items():
                row.setdefault(column, _plain(value))
    return rows


def _quarantine_frame(frame: pd.DataFrame, label: str, quarantined: dict[int, list[tuple[str, str]]]) -> pd.DataFrame:
    if not quarantined:
        return empty_quarantine()
    originals = frame.loc[frame[SOURCE_ROW].isin(list(quarantined))].sort_values(SOURCE_ROW)
    value_columns = [c for c in originals.columns if c not in (SOURCE_ROW, SOURCE_FILE)]
    records = []
    for original in originals.to_dict("records"):
        source_row = _plain(original[SOURCE_ROW])
        reasons = quarantined[source_row]
        values = {c: _plain(original[c]) for c in value_columns}
        records.append(
            {
                "file": str(original[SOURCE_FILE]) if SOURCE_FILE in original else label,
                SOURCE_ROW: source_row,
                "expectation": "; ".join(name for name, _ in reasons),
                "reason": "; ".join(reason for _, reason in reasons),
                "values": json.dumps(values, default=str, ensure_ascii=False),
            }
        )
    out = pd.DataFrame.from_records(records, columns=list(QUARANTINE_COLUMNS))
    out[SOURCE_ROW] = out[SOURCE_ROW].astype("int64")
    return out
