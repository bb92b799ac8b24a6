"""Ingestion: landing files -> validated -> raw warehouse tables, one slice at a time.

A slice is a wave (HR export + survey), the program roster, or all experiments. Every file is
validated with great-expectations before anything is written; a slice with an ERROR finding, or
a wave failing a sanity gate (lib.ingestion.gates), is rejected whole (its blocking checks fail,
the run fails with the reasons, downstream assets do not run, the warehouse keeps its previous
rows). WARNING findings quarantine rows (or count repaired ids).

Each step also writes, and declares, its own two check tables (lib.ingestion.check_tables):
``raw/<grain>_quarantine`` (rows set aside, written when the slice loads) and
``raw/<grain>_data_quality`` (every check, written when the slice loads and when it is rejected:
that asset materialises before the failure). ``raw/quarantine`` and ``marts/data_quality`` are the
SQL models that union them.
"""

import logging
from collections.abc import Callable, Iterator
from typing import TypeVar

import dagster as dg
import pandas as pd

from scl_pipeline.defs.ingestion.check_assets import (
    Unreadable,
    check_table_specs,
    quality_result,
    quarantine_result,
    recording,
)
from scl_pipeline.defs.ingestion.checks import (
    column_profile,
    file_check_results,
    file_check_specs,
    gate_check_result,
    gate_check_spec,
    raw_key,
)
from scl_pipeline.defs.partitions import ALL_WAVES_GRAIN, PROGRAM_GRAIN, WAREHOUSE_POOL, WAVE_GRAIN, wave_multi_asset
from scl_pipeline.defs.resources import DataLakeResource, GateSettings, IngestionSettings, NetworkSettings
from scl_pipeline.lib.ingestion.check_tables import EXPERIMENTS_SCOPE, PROGRAM_SCOPE, check_tables
from scl_pipeline.lib.ingestion.coerce import CoercionError
from scl_pipeline.lib.contract import ASSIGNMENT, HR_EXPORT, INTERACTIONS, ONA_SURVEY, PARTICIPANTS, FileSpec
from scl_pipeline.lib.ingestion.discovery import landing_aliases, read_experiments, read_program
from scl_pipeline.lib.ingestion.errors import LandingFileError
from scl_pipeline.lib.ingestion.loading import Gates, LoadOutcome, load_validated, record_quality
from scl_pipeline.lib.ingestion.readers import LandedFile, StreamedFile
from scl_pipeline.lib.ingestion.settings import IngestionConfig
from scl_pipeline.lib.ingestion.survey_read import FrameSource
from scl_pipeline.lib.ingestion.validation import (
    ValidationReport,
    validate_experiment,
    validate_participants,
)
from scl_pipeline.lib.ingestion.validation.records import unreadable_file_row
from scl_pipeline.lib.ingestion.values import MatchOptions
from scl_pipeline.lib.ingestion.wave_intake import PreviousWave, intake_wave, previous_in_warehouse
from scl_pipeline.lib.runs.progress import Progress, throttled_progress
from scl_pipeline.lib.warehouse.reads import known_employee_ids
from scl_pipeline.lib.waves import partition_key_to_wave

GROUP = "ingestion"
log = logging.getLogger(__name__)
T = TypeVar("T")


# Experiments are checked against every loaded HR export: they read all waves, so they load with
# the cross-wave assets (after the waves, and again whenever a wave's HR export changes).
_GRAIN = {"wave": WAVE_GRAIN, "program": PROGRAM_GRAIN, "experiment": ALL_WAVES_GRAIN}
_DEPS = {"experiment": [raw_key(HR_EXPORT)]}


def _spec_args(grain: str) -> dict:
    return {"group_name": GROUP, "kinds": {"duckdb"}, "tags": _GRAIN[grain], "deps": _DEPS.get(grain, [])}


def _spec(spec: FileSpec, description: str) -> dg.AssetSpec:
    return dg.AssetSpec(raw_key(spec), description=description, **_spec_args(spec.grain))


def _check_table_specs(grain: str) -> list[dg.AssetSpec]:
    return check_table_specs(grain, **_spec_args(grain))


def _now() -> pd.Timestamp:
    return pd.Timestamp.now(tz="UTC").tz_localize(None)


def _read(context: dg.AssetExecutionContext, lake: DataLakeResource, scope: str, read: Callable):
    """Read a slice's files; an unreadable file is recorded in its step's data-quality table and
    fails the run clearly (call within :func:`~.check_assets.recording`)."""
    try:
        return read()
    except LandingFileError as exc:
        kind = next((s.name for s in (HR_EXPORT, ONA_SURVEY, PARTICIPANTS, ASSIGNMENT, INTERACTIONS) if s.stem in exc.path), "landing")
        row = unreadable_file_row(context.run_id, scope, kind, exc.path, exc.published, _now())
        held = record_quality(lake.warehouse, row, scope)
        recorded = quality_result(lake, scope, held, accepted=False)
        raise Unreadable(recorded, dg.Failure(description=str(exc), metadata={"file": exc.path, "problem": exc.problem})) from None


def _options(context: dg.AssetExecutionContext, lake: DataLakeResource, scope: str, config: IngestionConfig) -> MatchOptions:
    """How this run matches values: the settings' id option and the landing root's country
    spellings (a wave's options, with its blank policy, are lib.ingestion.wave_intake's)."""
    aliases = _read(context, lake, scope, lambda: landing_aliases(lake.lake, config.allow_outside_links))
    return MatchOptions(case_insensitive_ids=config.case_insensitive_ids, country_aliases=aliases.countries, blanks=config.blanks())


def _load(
    context: dg.AssetExecutionContext,
    lake: DataLakeResource,
    reports: list[tuple[FileSpec, ValidationReport]],
    clean: dict[FileSpec, pd.DataFrame],
    slice_value: str | None,
    scope: str,
    options: MatchOptions,
    gates: Gates | None = None,
    typed: dict[FileSpec, pd.DataFrame] | None = None,
) -> LoadOutcome:
    return _typing(
        lambda: load_validated(
            lake.warehouse, [r for _, r in reports], clean, slice_value, scope, context.run_id, _now(), options, gates,
            typed,
        )
    )


def _typing(call: Callable[[], T]) -> T:
    """``call()``, a value validation let through but typing refused failing the run clearly."""
    try:
        return call()
    except CoercionError as exc:
        raise dg.Failure(description=str(exc), metadata={"file": exc.file, "column": exc.column}) from None


def _warn(context: dg.AssetExecutionContext, text: str) -> None:
    """A warning in the run's log (the UI) and in Python's (``scl run`` prints it as a note)."""
    context.log.warning(text)
    log.warning(text)


def _results(
    lake: DataLakeResource,
    scope: str,
    reports: list[tuple[FileSpec, ValidationReport]],
    outcome: LoadOutcome,
    landed: dict[FileSpec, list[LandedFile | StreamedFile | FrameSource]],
    profiled: dict[FileSpec, pd.DataFrame] | None = None,
    extra: dict[FileSpec, dict[str, object]] | None = None,
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    """Materializations (when accepted) and check results; a rejection ends in a clear Failure.
    The column profile is of each kind's first landed frame, or of ``profiled``'s frame (a
    streamed survey: its loaded rows)."""
    checks = [result for spec, report in reports for result in file_check_results(spec, report)]
    if outcome.gates:
        checks.append(gate_check_result(outcome.gates))
    tables = check_tables(scope)
    quality = quality_result(lake, scope, outcome.checks_written[tables.quality], outcome.accepted)
    if not outcome.accepted:
        yield quality  # the rejected attempt's checks were recorded
        yield from checks
        problems = [f.message for _, report in reports for f in report.errors]
        gates = [g.message for g in outcome.failed_gates]
        files = ", ".join(report.file for _, report in reports)
        what = f"{len(problems)} failed expectation(s)" if problems else f"{len(gates)} failed sanity gate(s) of {files}"
        raise dg.Failure(
            description=f"{scope} rejected, warehouse unchanged: {what}\n- " + "\n- ".join((problems + gates)[:10]),
            metadata={
                "failed_expectations": [f.expectation for _, r in reports for f in r.errors],
                "failed_gates": [g.name for g in outcome.failed_gates],
            },
        )
    for spec, files in landed.items():
        profiled_frame = (profiled or {}).get(spec)
        frames = [profiled_frame] if profiled_frame is not None else [f.frame for f in files if isinstance(f, LandedFile)]
        # A header found below a title (readers.find_header): which row was used, per file.
        below_title = {str(f.path): f.header_row for f in files if f.header_row > 1}
        yield dg.MaterializeResult(
            asset_key=raw_key(spec),
            metadata={
                "scope": scope,
                "dagster/row_count": dg.MetadataValue.int(outcome.written.get(spec.table, 0)),
                "quarantined_rows": int(sum(len(r.quarantine) for s, r in reports if s == spec)),
                "source_files": dg.MetadataValue.json([str(f.path) for f in files]),
                "dropped_pii_columns": dg.MetadataValue.json(sorted({c for f in files for c in f.dropped_pii})),
                "ignored_columns": dg.MetadataValue.json(sorted({c for f in files for c in f.ignored_columns})),
                # Counts per column, never rows: event metadata is no place for ids or names.
                "columns": dg.MetadataValue.md(column_profile(frames[0]) if frames else "no rows"),
                **({"header_row": dg.MetadataValue.json(below_title)} if below_title else {}),
                **(extra or {}).get(spec, {}),
            },
        )
    yield quality
    yield quarantine_result(lake, scope, outcome.checks_written[tables.quarantine])
    yield from checks


@wave_multi_asset(
    [
        _spec(HR_EXPORT, "The wave's HR export: the population of the wave (one row per employee), validated."),
        _spec(ONA_SURVEY, "The wave's ONA survey answers: one row per nomination, validated; quarantined rows excluded."),
        *_check_table_specs("wave"),
    ],
    check_specs=[*file_check_specs(HR_EXPORT), *file_check_specs(ONA_SURVEY), gate_check_spec()],
)
def wave_exports(
    context: dg.AssetExecutionContext,
    lake: DataLakeResource,
    network: NetworkSettings,
    gates: GateSettings,
    ingestion: IngestionSettings,
):
    """Load one wave's HR export and survey; replaces exactly that wave's rows in one transaction,
    unless an expectation or a sanity gate rejects the wave."""
    yield from recording(_wave_exports(context, lake, network, gates, ingestion))


def _wave_exports(
    context: dg.AssetExecutionContext,
    lake: DataLakeResource,
    network: NetworkSettings,
    gates: GateSettings,
    ingestion: IngestionSettings,
):
    wave = partition_key_to_wave(context.partition_key)
    relation, threshold = network.primary_relation, network.strong_threshold

    def progress(stage: str) -> Progress:
        return throttled_progress(context.log.info, f"survey of wave {wave}, {stage}", "rows")

    def previous() -> PreviousWave | None:
        if not lake.lake.warehouse_path.exists():
            return None
        with lake.warehouse() as con:
            return previous_in_warehouse(con, wave, relation, threshold)

    # Read, match, validate, type and gate: the one sequence `scl check` runs too.
    intake = _read(
        context, lake, wave,
        lambda: _typing(
            lambda: intake_wave(lake.lake, wave, ingestion.config(), gates.config(), relation, threshold, previous, progress)
        ),
    )
    context.log.info(f"survey of wave {wave}: {intake.survey.summary.description}")
    if intake.presence_warning:
        _warn(context, intake.presence_warning)
    validation = intake.validation
    reports = [(HR_EXPORT, validation.hr), (ONA_SURVEY, validation.survey)]
    typed = {} if intake.typed_hr is None else {HR_EXPORT: intake.typed_hr, ONA_SURVEY: intake.typed_survey}
    outcome = _load(context, lake, reports, {}, wave, wave, intake.options, lambda _: intake.gates, typed)
    yield from _results(
        lake, wave, reports, outcome, {HR_EXPORT: [intake.hr], ONA_SURVEY: [intake.survey.source]},
        profiled={ONA_SURVEY: intake.typed_survey},
        extra={ONA_SURVEY: {"survey_layout": dg.MetadataValue.json(intake.survey.summary.metadata())}},
    )


@dg.multi_asset(
    specs=[
        _spec(PARTICIPANTS, "The SCL program roster across waves (who took part, in which cohort), validated."),
        *_check_table_specs("program"),
    ],
    check_specs=file_check_specs(PARTICIPANTS),
    pool=WAREHOUSE_POOL,
    can_subset=False,
)
def participants(context: dg.AssetExecutionContext, lake: DataLakeResource, ingestion: IngestionSettings):
    """Load the roster; participants absent from every loaded HR export are quarantined."""
    yield from recording(_participants(context, lake, ingestion))


def _participants(context: dg.AssetExecutionContext, lake: DataLakeResource, ingestion: IngestionSettings):
    config = ingestion.config()
    options = _options(context, lake, PROGRAM_SCOPE, config)
    landed = _read(context, lake, PROGRAM_SCOPE, lambda: read_program(lake.lake, config.allow_outside_links))
    if landed is None:
        context.log.info("no program roster has landed (landing/program/participants.*): the roster is empty")
        reports = [(PARTICIPANTS, _nothing_landed(PARTICIPANTS))]
        outcome = _load(context, lake, reports, {PARTICIPANTS: _EMPTY}, None, PROGRAM_SCOPE, options)
        yield from _results(lake, PROGRAM_SCOPE, reports, outcome, {PARTICIPANTS: []})
        return
    report = validate_participants(
        landed.frame, _known_employee_ids(lake), hr_label="HR exports of the loaded waves", options=options
    )
    reports = [(PARTICIPANTS, report)]
    outcome = _load(context, lake, reports, {PARTICIPANTS: report.clean}, None, PROGRAM_SCOPE, options)
    yield from _results(lake, PROGRAM_SCOPE, reports, outcome, {PARTICIPANTS: [landed]})


@dg.multi_asset(
    specs=[
        _spec(ASSIGNMENT, "Experiment group assignment (program or control), all experiments, validated."),
        _spec(INTERACTIONS, "Experiment question/answer logs, all experiments, validated."),
        *_check_table_specs("experiment"),
    ],
    check_specs=[*file_check_specs(ASSIGNMENT), *file_check_specs(INTERACTIONS)],
    pool=WAREHOUSE_POOL,
    can_subset=False,
)
def experiments(context: dg.AssetExecutionContext, lake: DataLakeResource, ingestion: IngestionSettings):
    """Load every experiment folder; replaces both tables whole, so a removed experiment disappears."""
    yield from recording(_experiments(context, lake, ingestion))


def _experiments(context: dg.AssetExecutionContext, lake: DataLakeResource, ingestion: IngestionSettings):
    config = ingestion.config()
    options = _options(context, lake, EXPERIMENTS_SCOPE, config)
    landed = _read(context, lake, EXPERIMENTS_SCOPE, lambda: read_experiments(lake.lake, config.allow_outside_links))
    hr_ids = _known_employee_ids(lake)
    reports: list[tuple[FileSpec, ValidationReport]] = []
    clean: dict[FileSpec, list[pd.DataFrame]] = {ASSIGNMENT: [], INTERACTIONS: []}
    for experiment_id, files in landed.items():
        validation = validate_experiment(
            files[ASSIGNMENT.name].frame, files[INTERACTIONS.name].frame, hr_ids, experiment_id=experiment_id,
            options=options,
        )
        for spec, report in ((ASSIGNMENT, validation.assignment), (INTERACTIONS, validation.interactions)):
            reports.append((spec, report))
            clean[spec].append(report.clean.assign(experiment_id=experiment_id))
    if not landed:
        reports = [(spec, _nothing_landed(spec)) for spec in (ASSIGNMENT, INTERACTIONS)]
    no_experiment = _EMPTY.assign(experiment_id=pd.Series(dtype="string"))
    frames = {spec: pd.concat(parts, ignore_index=True) if parts else no_experiment for spec, parts in clean.items()}
    outcome = _load(context, lake, reports, frames, None, EXPERIMENTS_SCOPE, options)
    yield from _results(
        lake,
        EXPERIMENTS_SCOPE,
        reports,
        outcome,
        {spec: [files[spec.name] for files in landed.values()] for spec in (ASSIGNMENT, INTERACTIONS)},
    )


def _known_employee_ids(lake: DataLakeResource) -> frozenset[str] | None:
    """Everyone in any loaded HR export; None before the first wave is loaded (nothing to check against)."""
    if not lake.lake.warehouse_path.exists():
        return None
    with lake.warehouse() as con:
        return known_employee_ids(con)


_EMPTY = pd.DataFrame({"source_file": pd.Series(dtype=object), "source_row": pd.Series(dtype="int64")})


def _nothing_landed(spec: FileSpec) -> ValidationReport:
    """An optional file that has not landed: nothing to check, an empty table to load."""
    return ValidationReport(file=f"{spec.stem} (not landed)", file_kind=spec.name, rows=0, findings=[])
