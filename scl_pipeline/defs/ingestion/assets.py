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
from collections.abc import Callable

import dagster as dg
import pandas as pd

from scl_pipeline.defs.ingestion.check_assets import (
    Unreadable,
    check_table_specs,
    quality_result,
    recording,
)
from scl_pipeline.defs.ingestion.checks import file_check_specs, gate_check_spec, raw_key
from scl_pipeline.defs.ingestion.step_results import load, now, step_results, typing
from scl_pipeline.defs.partitions import ALL_WAVES_GRAIN, PROGRAM_GRAIN, WAREHOUSE_POOL, WAVE_GRAIN, wave_multi_asset
from scl_pipeline.defs.resources import DataLakeResource, GateSettings, IngestionSettings, NetworkSettings
from scl_pipeline.lib.ingestion.check_tables import EXPERIMENTS_SCOPE, PROGRAM_SCOPE
from scl_pipeline.lib.contract import ASSIGNMENT, HR_EXPORT, INTERACTIONS, ONA_SURVEY, PARTICIPANTS, FileSpec
from scl_pipeline.lib.ingestion.discovery import landing_aliases, read_experiments, read_program
from scl_pipeline.lib.ingestion.errors import LandingFileError
from scl_pipeline.lib.ingestion.loading import record_quality
from scl_pipeline.lib.ingestion.settings import IngestionConfig
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


def _read(context: dg.AssetExecutionContext, lake: DataLakeResource, scope: str, read: Callable):
    """Read a slice's files; an unreadable file is recorded in its step's data-quality table and
    fails the run clearly (call within :func:`~.check_assets.recording`)."""
    try:
        return read()
    except LandingFileError as exc:
        kind = next((s.name for s in (HR_EXPORT, ONA_SURVEY, PARTICIPANTS, ASSIGNMENT, INTERACTIONS) if s.stem in exc.path), "landing")
        row = unreadable_file_row(context.run_id, scope, kind, exc.path, exc.published, now())
        held = record_quality(lake.warehouse, row, scope)
        recorded = quality_result(lake, scope, held, accepted=False)
        raise Unreadable(recorded, dg.Failure(description=str(exc), metadata={"file": exc.path, "problem": exc.problem})) from None


def _options(context: dg.AssetExecutionContext, lake: DataLakeResource, scope: str, config: IngestionConfig) -> MatchOptions:
    """How this run matches values: the settings' id option and the landing root's country
    spellings (a wave's options, with its blank policy, are lib.ingestion.wave_intake's)."""
    aliases = _read(context, lake, scope, lambda: landing_aliases(lake.lake, config.allow_outside_links))
    return MatchOptions(case_insensitive_ids=config.case_insensitive_ids, country_aliases=aliases.countries, blanks=config.blanks())


def _warn(context: dg.AssetExecutionContext, text: str) -> None:
    """A warning in the run's log (the UI) and in Python's (``scl run`` prints it as a note)."""
    context.log.warning(text)
    log.warning(text)


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
        lambda: typing(
            lambda: intake_wave(lake.lake, wave, ingestion.config(), gates.config(), relation, threshold, previous, progress)
        ),
    )
    context.log.info(f"survey of wave {wave}: {intake.survey.summary.description}")
    if intake.presence_warning:
        _warn(context, intake.presence_warning)
    validation = intake.validation
    reports = [(HR_EXPORT, validation.hr), (ONA_SURVEY, validation.survey)]
    typed = {} if intake.typed_hr is None else {HR_EXPORT: intake.typed_hr, ONA_SURVEY: intake.typed_survey}
    outcome = load(context, lake, reports, {}, wave, wave, intake.options, lambda _: intake.gates, typed)
    yield from step_results(
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
        outcome = load(context, lake, reports, {PARTICIPANTS: _EMPTY}, None, PROGRAM_SCOPE, options)
        yield from step_results(lake, PROGRAM_SCOPE, reports, outcome, {PARTICIPANTS: []})
        return
    report = validate_participants(
        landed.frame, _known_employee_ids(lake), hr_label="HR exports of the loaded waves", options=options
    )
    reports = [(PARTICIPANTS, report)]
    outcome = load(context, lake, reports, {PARTICIPANTS: report.clean}, None, PROGRAM_SCOPE, options)
    yield from step_results(lake, PROGRAM_SCOPE, reports, outcome, {PARTICIPANTS: [landed]})


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
    outcome = load(context, lake, reports, frames, None, EXPERIMENTS_SCOPE, options)
    yield from step_results(
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
