"""A wave's survey validated and typed chunk by chunk: a survey of millions of rows is whole in
pandas only once, as the typed rows the warehouse receives.

Two passes over the file (:class:`~.readers.StreamedFile` reads it again for each):

1. Duplicate nominations need the whole file: the kept row of a (respondent, nominee, relation)
   group is the one with the highest strength wherever it is. The first pass keeps only integer
   codes of each row's canonical ids, relation and strength (28 bytes a row) and finds the
   dropped duplicates with the same rule as a whole-file validation
   (:func:`.validation.duplicates.kept_of_dropped`). So do blank strengths (is the row's relation
   rated elsewhere?) and relations (does any row give one?): the pass keeps the blank rows only
   (:class:`.blanks.BlankScan`). A survey of one chunk skips this pass.
2. The second pass validates each chunk with the survey's suite (:class:`SuiteRun`, given the
   first pass's duplicates), types its clean rows (:func:`.coerce.coerce_frame`) and keeps them
   as an Arrow record batch (a compact column store: ids once per row in one buffer, not one
   Python object each). After the last chunk the batches become the one typed pandas frame.

The report equals that of :func:`.validation.validate_wave` on the whole file (tested).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from scl_pipeline.lib.ingestion.blanks import BLANK_RELATION, BLANK_STRENGTH, BlankScan
from scl_pipeline.lib.ingestion.coerce import coerce_frame
from scl_pipeline.lib.contract import DEFAULT_RELATION, HR_EXPORT, ONA_SURVEY, SOURCE_FILE, SOURCE_ROW, FileSpec
from scl_pipeline.lib.ingestion.readers import CHUNK_ROWS, StreamedFile
from scl_pipeline.lib.ingestion.validation import ValidationReport, WaveValidation, validate_hr_export
from scl_pipeline.lib.ingestion.validation.expectations import References
from scl_pipeline.lib.ingestion.validation.files import survey_references
from scl_pipeline.lib.ingestion.validation.checked_frame import canonical_rows
from scl_pipeline.lib.ingestion.validation.duplicates import kept_of_dropped
from scl_pipeline.lib.ingestion.validation.gx_execution import SuiteRun
from scl_pipeline.lib.ingestion.validation.suites import (
    DUPLICATE_NOMINATION,
    DUPLICATE_OF,
    RELATION_NOT_BLANK,
    STRENGTH_NOT_BLANK,
)
from scl_pipeline.lib.ingestion.values import MatchOptions
from scl_pipeline.lib.runs.progress import Progress

# The two passes, as progress labels name them.
PASSES = ("duplicate check", "validation")
# Progress is told from this many survey rows on (about 40,000 people): a shorter survey is
# ingested in seconds, and its lines would only crowd the CLI's output.
PROGRESS_MIN_ROWS = 500_000

_ARROW_TYPES = {"VARCHAR": pa.string(), "INTEGER": pa.int64(), "DATE": pa.timestamp("ns"),
                "TIMESTAMP": pa.timestamp("ns"), "BOOLEAN": pa.bool_()}
# What the first pass reads of each chunk: a nomination's group, its strength and its row.
_KEY_COLUMNS = ("respondent_id", "nominee_id", "relation", "strength")
_PANDAS_TYPES = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
# The blank checks' derived columns, which need the whole file (which relations are rated).
_BLANK_CHECKS = {STRENGTH_NOT_BLANK: BLANK_STRENGTH, RELATION_NOT_BLANK: BLANK_RELATION}


@dataclass
class StreamedWave:
    """A wave validated with its survey streamed: the validation (reports without the survey's
    clean strings) and the survey's typed clean rows, None when an ERROR finding rejects the
    wave."""

    validation: WaveValidation
    typed_survey: pd.DataFrame | None


def validate_wave_streamed(
    hr: pd.DataFrame,
    survey: StreamedFile,
    wave: str,
    options: MatchOptions = MatchOptions(),
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[str], Progress] | None = None,
) -> StreamedWave:
    """Validate ``wave``'s HR export frame and its ``survey`` file, the survey ``chunk_rows``
    rows at a time; ``progress(pass)`` gives the callback told (rows done, rows expected) as
    each pass over a survey of :data:`PROGRESS_MIN_ROWS` or more goes on (:data:`PASSES`)."""
    hr_report = validate_hr_export(hr, wave, options)
    refs = survey_references(hr, wave, options)
    progress_of = progress if progress and survey.rows_estimate >= PROGRESS_MIN_ROWS else (lambda _: None)
    # A rejected HR export rejects the wave: the survey is still validated, for the report, but
    # not typed.
    typing = hr_report.passed
    # A survey of one chunk is whole in it: its duplicates are found within the chunk. Should the
    # file hold more rows than counted (a CSV cannot), the two passes run after all.
    single = None
    if survey.rows_estimate <= chunk_rows:
        single = _validated(survey, refs, wave, options, chunk_rows, None, progress_of(PASSES[1]), typing)
    report, typed_survey = single or _validated(
        survey, refs, wave, options, chunk_rows, _duplicates(survey, refs, chunk_rows, progress_of(PASSES[0])),
        progress_of(PASSES[1]), typing,
    )
    validation = WaveValidation(label=wave, reports={HR_EXPORT.name: hr_report, ONA_SURVEY.name: report})
    return StreamedWave(validation=validation, typed_survey=typed_survey)


def _validated(
    survey: StreamedFile,
    refs: References,
    wave: str,
    options: MatchOptions,
    chunk_rows: int,
    duplicates: dict[str, dict[str, pd.Series]] | None,
    told: Progress | None,
    typing: bool,
) -> tuple[ValidationReport, pd.DataFrame | None] | None:
    """The second pass: the survey's report and typed clean rows (None when rejected, or when
    not ``typing``). Without ``duplicates`` (the first pass skipped) the survey must fit one
    chunk, else None."""
    run = SuiteRun(ONA_SURVEY.name, refs, scope=wave, whole_file=duplicates)
    batches: list[pa.RecordBatch] = []
    schema = _arrow_schema(ONA_SURVEY)
    for chunk in survey.chunks(chunk_rows):
        if duplicates is None and run.rows:
            return None
        clean = run.add(chunk)
        # Typing assumes valid values: once a chunk fails an ERROR expectation the wave is
        # rejected, and the remaining chunks are only validated, for a complete report.
        if typing and run.passed:
            typed = coerce_frame(clean, ONA_SURVEY, options).drop(columns=SOURCE_FILE)
            batches.append(_batch(typed, schema))
        else:
            batches.clear()
        if told:
            told(run.rows, max(run.rows, survey.rows_estimate))
    report = run.report()
    return report, _typed_frame(batches, schema, str(survey.path)) if typing and report.passed else None


def _duplicates(
    survey: StreamedFile, refs: References, chunk_rows: int, told: Progress | None
) -> dict[str, dict[str, pd.Series]]:
    """The whole file's dropped duplicate nominations, as the duplicate expectation's derived
    column (``source_row`` -> the ``source_row`` kept instead) under its name, and the rows with a
    blank strength or relation the blank expectations flag (lib/ingestion/blanks.py). No
    duplicates when an id column is missing (the suite then reports the missing column and looks
    for no duplicates)."""
    vocabulary: dict[str, dict[Hashable, int]] = {"id": {}, "relation": {}}
    parts: dict[str, list[np.ndarray]] = {name: [] for name in ("respondent", "nominee", "relation", "strength", "row")}
    blank = BlankScan()
    named_ids = True
    done = 0
    for chunk in survey.chunks(chunk_rows, columns=_KEY_COLUMNS):
        canonical, _ = canonical_rows(chunk, ONA_SURVEY.name, refs)
        blank.add(canonical, canonical[SOURCE_ROW])
        done += len(chunk)
        named_ids = named_ids and {"respondent_id", "nominee_id"} <= set(chunk.columns)
        if not named_ids:
            continue
        named = (canonical["respondent_id"].notna() & canonical["nominee_id"].notna()).to_numpy()
        canonical = canonical[named]
        relation = canonical["relation"] if "relation" in canonical else pd.Series(None, index=canonical.index, dtype=object)
        strength = (
            pd.to_numeric(canonical["strength"], errors="coerce")
            if "strength" in canonical
            else pd.Series(np.nan, index=canonical.index)
        )
        parts["respondent"].append(_codes(canonical["respondent_id"], vocabulary["id"]))
        parts["nominee"].append(_codes(canonical["nominee_id"], vocabulary["id"]))
        parts["relation"].append(_codes(relation.fillna(DEFAULT_RELATION), vocabulary["relation"]))
        parts["strength"].append(strength.fillna(-1.0).to_numpy(dtype=float))  # as a whole-file run compares them
        parts["row"].append(canonical[SOURCE_ROW].to_numpy(dtype=np.int64))
        if told:
            told(done, max(done, survey.rows_estimate))
    flags = blank.flags()
    whole = {name: {flag: flags[flag]} for name, flag in _BLANK_CHECKS.items() if flag in flags}
    if not named_ids:
        return whole
    keys = {name: np.concatenate(arrays) for name, arrays in parts.items()}
    parts.clear()
    dropped, kept = kept_of_dropped(keys["respondent"], keys["nominee"], keys["relation"], keys["strength"], keys["row"])
    return {DUPLICATE_NOMINATION: {DUPLICATE_OF: pd.Series(kept.tolist(), index=dropped, dtype=object)}, **whole}


def _codes(values: pd.Series, vocabulary: dict[Hashable, int]) -> np.ndarray:
    """Exact integer codes of ``values`` (none missing), one ``vocabulary`` across chunks."""
    for value in pd.unique(values.to_numpy()):
        vocabulary.setdefault(value, len(vocabulary))
    return values.map(vocabulary).to_numpy(dtype=np.int32)


def _arrow_schema(spec: FileSpec) -> pa.Schema:
    """The typed frame's columns (coerce_frame) as Arrow types, without the constant source_file."""
    return pa.schema([(SOURCE_ROW, pa.int64())] + [(c, _ARROW_TYPES[spec.types[c]]) for c in spec.columns])


def _batch(typed: pd.DataFrame, schema: pa.Schema) -> pa.RecordBatch:
    """A typed chunk as an Arrow batch. Its buffers come from the system allocator, which hands
    large freed blocks back at once: Arrow's own pool would keep them after the conversion to
    pandas, and the process would hold the rows twice after all."""
    pool = pa.system_memory_pool()
    columns = [pa.array(typed[field.name], type=field.type, from_pandas=True, memory_pool=pool) for field in schema]
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def _typed_frame(batches: list[pa.RecordBatch], schema: pa.Schema, source_file: str) -> pd.DataFrame:
    """The batches (emptied) as one typed frame with the dtypes coerce_frame gives; repeated
    strings (an id on every row it appears in) share one Python object."""
    table = pa.Table.from_batches(batches, schema=schema)
    batches.clear()
    # Each column's Arrow buffers are freed as soon as it is converted: the rows are never
    # whole twice.
    frame = table.to_pandas(types_mapper=_PANDAS_TYPES.get, deduplicate_objects=True, self_destruct=True, split_blocks=True)
    del table
    frame[SOURCE_ROW] = frame[SOURCE_ROW].astype("int64")
    frame.insert(0, SOURCE_FILE, source_file)
    return frame
