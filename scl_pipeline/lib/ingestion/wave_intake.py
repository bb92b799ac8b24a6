"""A wave's ingestion up to the write, the one sequence a run's ``raw/hr_export`` /
``raw/ona_survey`` step and ``scl check`` both go through.

In order: the landing root's country spellings and the blank policy of the run's settings (the
match options), the HR export read, the survey opened in whatever layout its tool wrote and its
people matched against that HR export, both files validated with the survey streamed in chunks,
the survey reader's own checks added, the HR export typed, and, when nothing rejected the wave,
its vital counts gated against the previous loaded wave and the roster's presence gated against
that wave's. What changes between the two callers is only what they compare with (the
``previous`` callable) and what they do with the outcome (write it, or print it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from scl_pipeline.lib.contract import HR_EXPORT
from scl_pipeline.lib.ingestion.coerce import coerce_frame
from scl_pipeline.lib.ingestion.discovery import landing_aliases, open_wave_hr, open_wave_survey
from scl_pipeline.lib.ingestion.gates import GateConfig, GateResult, check_gates, quarantine_reasons
from scl_pipeline.lib.ingestion.readers import LandedFile
from scl_pipeline.lib.ingestion.roster_presence import (
    RosterPresence,
    fewer_present,
    presence_detail,
    roster_gate,
    roster_presence,
)
from scl_pipeline.lib.ingestion.settings import IngestionConfig
from scl_pipeline.lib.ingestion.survey_input import with_layout_checks
from scl_pipeline.lib.ingestion.survey_read import SurveyRead
from scl_pipeline.lib.ingestion.survey_stream import validate_wave_streamed
from scl_pipeline.lib.ingestion.validation.wave import WaveValidation
from scl_pipeline.lib.ingestion.values import MatchOptions
from scl_pipeline.lib.ingestion.vitals import WaveVitals, previous_vitals, wave_vitals
from scl_pipeline.lib.lake import DataLake
from scl_pipeline.lib.runs.progress import Progress
from scl_pipeline.lib.warehouse.reads import previous_loaded_wave, program_roster


@dataclass(frozen=True)
class PreviousWave:
    """What a wave is compared with: the previous loaded wave's vitals (None: no such wave), the
    loaded roster's ids, and the roster's presence in that wave."""

    vitals: WaveVitals | None
    roster: list[str]
    presence: RosterPresence | None


def previous_in_warehouse(con: duckdb.DuckDBPyConnection, wave: str, relation: str, strong_threshold: int) -> PreviousWave:
    """The latest wave before ``wave`` loaded in the warehouse, and the loaded roster."""
    roster = program_roster(con)["employee_id"].tolist()
    prior = previous_loaded_wave(con, wave)
    if prior is None:
        return PreviousWave(None, roster, None)
    vitals, population = previous_vitals(con, prior, relation, strong_threshold)
    return PreviousWave(vitals, roster, roster_presence(prior, population, roster) if roster else None)


@dataclass
class WaveIntake:
    """One wave's files read, validated and (when validation passed) gated; nothing written."""

    wave: str
    options: MatchOptions
    hr: LandedFile
    survey: SurveyRead
    validation: WaveValidation  # with the survey reader's checks
    typed_survey: pd.DataFrame | None  # None when an ERROR finding rejects the wave
    typed_hr: pd.DataFrame | None = None
    previous: PreviousWave | None = None
    vitals: WaveVitals | None = None
    presence: RosterPresence | None = None  # roster participants in this wave's population
    gates: list[GateResult] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        """Every expectation and every gate passed: a run would load the wave."""
        return self.validation.passed and self.typed_hr is not None and all(g.passed for g in self.gates)

    @property
    def presence_warning(self) -> str | None:
        """Said when fewer roster participants are present than in the previous loaded wave."""
        before = self.previous.presence if self.previous else None
        if self.presence is None or not fewer_present(self.presence, before):
            return None
        return presence_detail(self.presence, before)


def intake_wave(
    lake: DataLake,
    wave: str,
    config: IngestionConfig,
    gate_config: GateConfig,
    relation: str,
    strong_threshold: int,
    previous: Callable[[], PreviousWave | None],
    progress: Callable[[str], Progress] | None = None,
) -> WaveIntake:
    """Read, match, validate, type and gate ``wave``'s landing files as a run does. ``previous``
    is asked only when the files pass (it may open the warehouse). Raises LandingFileError (a
    file that cannot be read) or CoercionError (a value validation let through that typing
    refuses)."""
    allow = config.allow_outside_links
    aliases = landing_aliases(lake, allow)
    options = MatchOptions(
        case_insensitive_ids=config.case_insensitive_ids, country_aliases=aliases.countries,
        blanks=config.blanks(strong_threshold, relation),
    )
    hr_file = open_wave_hr(lake, wave, allow)
    hr = hr_file.read()
    read = open_wave_survey(lake, wave, hr_file, hr.frame, allow)
    # The survey streams in chunks (lib.ingestion.survey_stream): only its typed rows are ever
    # whole in memory. The HR export, one row per person, is read whole.
    streamed = validate_wave_streamed(hr.frame, read.source, wave, options, config.chunk_rows, progress)
    validation = with_layout_checks(streamed.validation, read)
    intake = WaveIntake(wave, options, hr, read, validation, streamed.typed_survey)
    if not validation.passed or streamed.typed_survey is None:
        return intake
    intake.typed_hr = coerce_frame(validation.hr.clean, HR_EXPORT, options)
    intake.previous = before = previous()
    intake.vitals = wave_vitals(wave, intake.typed_hr, streamed.typed_survey, relation, strong_threshold)
    survey = validation.survey
    reasons = quarantine_reasons(survey.findings, survey.quarantined_by())
    intake.gates = check_gates(
        intake.vitals, before.vitals if before else None, gate_config, survey.rows, len(survey.quarantine), reasons,
        relation, strong_threshold,
    )
    roster = before.roster if before else []
    if roster:
        intake.presence = roster_presence(wave, intake.typed_hr["employee_id"], roster)
        intake.gates.append(roster_gate(intake.presence, before.presence, gate_config))
    return intake
