"""Run one file's expectation suite with great_expectations 1.x and sum the results into a
:class:`ValidationReport` (findings, quarantine rows, clean frame). The frame GX checks is
:mod:`.checked_frame`'s; GX's results become rows in :mod:`.outcomes`.

GX is imported lazily (3–4 s, ~250 MB) and its ephemeral context is built once per process:
loading Dagster definitions never pays for it, and a run validating many files pays once.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from scl_pipeline.lib.contract import ONA_SURVEY, SOURCE_ROW
from scl_pipeline.lib.ingestion.validation.checked_frame import (
    add_derived_columns,
    canonical_rows,
    check_lineage,
    file_label,
)
from scl_pipeline.lib.ingestion.validation.expectations import ExpectationDef, References
from scl_pipeline.lib.ingestion.validation.findings import (
    SAMPLE_SIZE,
    Finding,
    Severity,
    ValidationReport,
    empty_quarantine,
)
from scl_pipeline.lib.ingestion.validation.outcomes import offending_rows, quarantine_frame, quarantine_reason
from scl_pipeline.lib.ingestion.validation.suites import SPECS, expectations_for

_META_KEY = "scl_expectation"
_lock = threading.Lock()
_batch_definition: Any = None


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


def run_suite(
    frame: pd.DataFrame, file_kind: str, refs: References | None = None, scope: str | None = None
) -> ValidationReport:
    """Validate one landing string frame of ``file_kind`` (a contract file name); ``scope`` is
    the wave or experiment it belongs to, carried into the report."""
    run = SuiteRun(file_kind, refs, scope)
    clean = run.add(frame)
    return run.report(clean)


# The file kinds SuiteRun may validate in more than one chunk (see its docstring).
CHUNKED_FILES = frozenset({ONA_SURVEY.name})


@dataclass
class _Failed:
    """One failed expectation, summed over the chunks run so far."""

    definition: ExpectationDef
    rows_failed: int = 0
    sample: list[dict[str, Any]] = field(default_factory=list)
    # The offending rows' values of the definition's ``note_column``, counted: what its note
    # summarises, whatever the chunks.
    note_values: Counter = field(default_factory=Counter)


class SuiteRun:
    """One file's expectation suite run over its rows, in one piece or in chunks.

    :meth:`add` validates a chunk and returns its clean rows; :meth:`report` sums the chunks into
    the report one run over the whole file gives: rows failed, samples, notes and quarantine
    reasons are per row or per distinct value, so they add up. What needs the whole file at once
    (which of several duplicate nominations is kept) comes in ``whole_file``: by expectation
    name, its derived columns as Series indexed by ``source_row`` (missing for rows with no
    value), used instead of deriving them from one chunk alone. Only the survey has such a column
    (``lib/ingestion/survey_stream.py``); the other files' cross-row rules (a unique id, a member
    in both groups, a question logged twice) need them whole, so they take one chunk.
    """

    def __init__(
        self,
        file_kind: str,
        refs: References | None = None,
        scope: str | None = None,
        whole_file: Mapping[str, Mapping[str, pd.Series]] | None = None,
    ):
        self.file_kind, self.scope = file_kind, scope
        self.refs = refs or References()
        self.whole_file = dict(whole_file or {})
        self.spec = SPECS[file_kind]
        self.label: str | None = None
        self.rows = 0
        self.ran: dict[str, ExpectationDef] = {}
        self.failed: dict[str, _Failed] = {}
        self.quarantine: list[pd.DataFrame] = []

    @property
    def passed(self) -> bool:
        """No ERROR finding so far."""
        return all(f.definition.severity is not Severity.ERROR for f in self.failed.values())

    def add(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Validate the rows of ``frame`` (a landing frame or a chunk of one); their clean rows."""
        if self.rows and self.file_kind not in CHUNKED_FILES:
            raise ValueError(f"{self.file_kind} is validated whole: its cross-row rules need every row at once")
        label = file_label(frame, self.spec)
        self.label = self.label or label
        check_lineage(frame, label)
        self.rows += len(frame)
        canonical, repaired = canonical_rows(frame, self.file_kind, self.refs)
        checked = add_derived_columns(canonical, self.spec, self.whole_file)
        for name, values in repaired.items():
            checked[name] = values

        gx, gxe, batch_definition = _gx()
        suite = gx.ExpectationSuite(name=f"scl.{self.file_kind}")
        ran: dict[str, ExpectationDef] = {}
        for definition in expectations_for(self.file_kind):
            if not all(c in checked.columns for c in definition.columns):
                continue
            expectation = definition.build(gxe, checked, self.refs)
            if expectation is None:
                continue
            expectation.meta = {_META_KEY: definition.name}
            suite.add_expectation(expectation)
            ran[definition.name] = definition
        for name, definition in ran.items():
            self.ran.setdefault(name, definition)

        # The cached context is shared: one validation at a time if a caller uses threads.
        with _lock:
            result = batch_definition.get_batch(batch_parameters={"dataframe": checked}).validate(
                suite, result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [SOURCE_ROW]}
            )

        quarantined: dict[int, list[tuple[str, str]]] = {}
        filled: dict[str, tuple[list[int], str]] = {}  # column -> rows a setting loads with a value
        for outcome in result.results:
            definition = ran[outcome.expectation_config.meta[_META_KEY]]
            if outcome.exception_info and outcome.exception_info.get("raised_exception"):
                raise RuntimeError(
                    f"{label}: expectation {definition.name} could not run: {outcome.exception_info.get('exception_message')}"
                )
            if outcome.success:
                continue
            offending = offending_rows(outcome.result, checked, definition)
            failed = self.failed.setdefault(definition.name, _Failed(definition))
            # A missing column fails every row of the file.
            failed.rows_failed += int(outcome.result.get("unexpected_count", len(frame)))
            for row in offending[: SAMPLE_SIZE - len(failed.sample)]:
                if SOURCE_ROW in row or row not in failed.sample:  # a missing column is one entry, not one per chunk
                    failed.sample.append(row)
            if definition.note:
                rows = checked[SOURCE_ROW].isin([row[SOURCE_ROW] for row in offending if SOURCE_ROW in row])
                failed.note_values.update(checked.loc[rows, definition.note_column].dropna().value_counts().to_dict())
            loads, value = definition.loads(self.refs) if definition.loads else (False, None)
            if loads and value is not None:
                filled[definition.column] = ([row[SOURCE_ROW] for row in offending if SOURCE_ROW in row], value)
            if definition.severity is Severity.WARNING and definition.repairs is None and not loads:
                for row in offending:
                    quarantined.setdefault(row[SOURCE_ROW], []).append(
                        (definition.name, quarantine_reason(definition, row, self.refs))
                    )
        if quarantined:
            self.quarantine.append(quarantine_frame(frame, label, quarantined))
        if filled:
            canonical = canonical.copy()
            for column, (rows, value) in filled.items():
                # As object: a chunk whose column is blank throughout holds it as floats (NaN).
                canonical[column] = canonical[column].astype(object).mask(canonical[SOURCE_ROW].isin(rows), value)
        return canonical[~canonical[SOURCE_ROW].isin(list(quarantined))]

    def report(self, clean: pd.DataFrame | None = None) -> ValidationReport:
        """The file's report; ``clean`` is its clean rows when the caller kept them (the rows
        :meth:`add` returned), else the report carries none."""
        # Registry order, whichever chunk first ran an expectation.
        order = {d.name: i for i, d in enumerate(expectations_for(self.file_kind))}
        findings = []
        for failed in sorted(self.failed.values(), key=lambda f: order[f.definition.name]):
            definition = failed.definition
            note = definition.note(failed.note_values, self.refs) if definition.note else ""
            findings.append(
                Finding(
                    expectation=definition.name,
                    file=self.label or self.spec.name,
                    column=definition.column,
                    severity=definition.severity,
                    rows_failed=failed.rows_failed,
                    sample=tuple(failed.sample),
                    description=definition.description,
                    note=note,
                )
            )
        quarantine = pd.concat(self.quarantine, ignore_index=True) if self.quarantine else empty_quarantine()
        return ValidationReport(
            file=self.label or self.spec.name,
            file_kind=self.file_kind,
            rows=self.rows,
            findings=findings,
            quarantine=quarantine,
            clean=clean if clean is not None else pd.DataFrame(),
            expectations_run=tuple(sorted(self.ran, key=order.__getitem__)),
            scope=self.scope,
        )


