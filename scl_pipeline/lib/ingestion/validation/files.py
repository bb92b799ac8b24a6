"""Entry points validating one landing file each (SPEC §1)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from scl_pipeline.lib.contract import ASSIGNMENT, HR_EXPORT, INTERACTIONS, ONA_SURVEY, PARTICIPANTS
from scl_pipeline.lib.ingestion.id_matching import canonical_ids
from scl_pipeline.lib.ingestion.validation import rules
from scl_pipeline.lib.ingestion.validation.findings import ValidationReport
from scl_pipeline.lib.ingestion.validation.gx_execution import run_suite
from scl_pipeline.lib.ingestion.validation.expectations import References
from scl_pipeline.lib.ingestion.values import MatchOptions
from scl_pipeline.lib.waves import is_wave, wave_start


def ids_of(frame: pd.DataFrame, column: str = "employee_id") -> frozenset[str]:
    """The canonical ids of ``column`` (id_matching.canonical_id); empty when the column is absent."""
    if column not in frame.columns:
        return frozenset()
    return frozenset(rules.distinct_values(canonical_ids(frame[column])))


def _as_ids(ids: Iterable[str] | None) -> frozenset[str] | None:
    if ids is None:
        return None
    return frozenset(rules.distinct_values(canonical_ids(pd.Series(list(ids), dtype=object))))


_DEFAULT = MatchOptions()


def validate_hr_export(hr: pd.DataFrame, wave: str, options: MatchOptions = _DEFAULT) -> ValidationReport:
    """Validate the HR export of ``wave``: structure, ids, countries, dates, booleans, and
    nobody hired after the wave (the sign of a later wave's export)."""
    return run_suite(hr, HR_EXPORT.name, References(wave_end=wave_end(wave), options=options), scope=wave)


def wave_end(wave: str) -> pd.Timestamp | None:
    """Last instant of the wave's quarter in UTC; None for a scope that is not a wave name."""
    if not is_wave(wave):
        return None
    start = pd.Timestamp(wave_start(wave), tz="UTC")
    return start + pd.DateOffset(months=3) - pd.Timedelta(microseconds=1)


def validate_survey(
    survey: pd.DataFrame, hr: pd.DataFrame | None, wave: str, options: MatchOptions = _DEFAULT
) -> ValidationReport:
    """Validate the ONA survey of ``wave``; with ``hr`` (the wave's HR export frame), ids are
    repaired against it where unambiguous and rows naming someone outside it are quarantined.
    Duplicate nominations are quarantined beyond the kept one."""
    return run_suite(survey, ONA_SURVEY.name, survey_references(hr, wave, options), scope=wave)


def survey_references(hr: pd.DataFrame | None, wave: str, options: MatchOptions = _DEFAULT) -> References:
    """What a survey of ``wave`` is checked against: the people of its HR export frame, if any."""
    return References(
        hr_ids=None if hr is None or "employee_id" not in hr.columns else ids_of(hr),
        hr_label=f"{wave} HR export",
        options=options,
    )


def validate_participants(
    participants: pd.DataFrame,
    hr_ids: Iterable[str] | None = None,
    hr_label: str = "HR export",
    options: MatchOptions = _DEFAULT,
) -> ValidationReport:
    """Validate the program roster; with ``hr_ids``, participants absent from HR are quarantined."""
    refs = References(hr_ids=_as_ids(hr_ids), hr_label=hr_label, options=options)
    return run_suite(participants, PARTICIPANTS.name, refs)


def validate_assignment(
    assignment: pd.DataFrame,
    hr_ids: Iterable[str] | None = None,
    hr_label: str = "HR export",
    options: MatchOptions = _DEFAULT,
) -> ValidationReport:
    """Validate an experiment's group assignment; with ``hr_ids``, members absent from HR are quarantined."""
    refs = References(hr_ids=_as_ids(hr_ids), hr_label=hr_label, options=options)
    return run_suite(assignment, ASSIGNMENT.name, refs)


def validate_interactions(
    interactions: pd.DataFrame,
    assignment_ids: Iterable[str] | None,
    experiment_id: str = "experiment",
    options: MatchOptions = _DEFAULT,
) -> ValidationReport:
    """Validate an experiment's question/answer log; with ``assignment_ids``, interactions whose
    asker or responder is not in the assignment are quarantined."""
    refs = References(
        assignment_ids=_as_ids(assignment_ids), assignment_label=f"{experiment_id} assignment", options=options
    )
    return run_suite(interactions, INTERACTIONS.name, refs)
