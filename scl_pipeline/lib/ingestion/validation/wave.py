"""Cross-file validation: a wave (HR export + survey) and an experiment (assignment + log)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from scl_pipeline.lib.contract import ASSIGNMENT, HR_EXPORT, INTERACTIONS, ONA_SURVEY, FileSpec
from scl_pipeline.lib.ingestion.validation.files import (
    ids_of,
    validate_assignment,
    validate_hr_export,
    validate_interactions,
    validate_survey,
)
from scl_pipeline.lib.ingestion.validation.findings import FileSetValidation
from scl_pipeline.lib.ingestion.values import MatchOptions


def _report_of(spec: FileSpec) -> property:
    return property(lambda self: self.reports[spec.name], doc=f"The {spec.stem} file's ValidationReport.")


@dataclass
class WaveValidation(FileSetValidation):
    """The validation of one wave: passes when neither file has an ERROR finding."""

    hr = _report_of(HR_EXPORT)
    survey = _report_of(ONA_SURVEY)


@dataclass
class ExperimentValidation(FileSetValidation):
    """The validation of one experiment: its assignment and its question/answer log."""

    assignment = _report_of(ASSIGNMENT)
    interactions = _report_of(INTERACTIONS)


def validate_wave(
    hr: pd.DataFrame, survey: pd.DataFrame, wave: str, options: MatchOptions = MatchOptions()
) -> WaveValidation:
    """Validate a wave's HR export and survey, the survey against the HR export's people.

    Without an ``employee_id`` column the HR export fails on structure and the survey is not
    checked against it (every row would otherwise be quarantined for the HR file's fault).
    """
    hr_report = validate_hr_export(hr, wave, options)
    survey_report = validate_survey(survey, hr if "employee_id" in hr.columns else None, wave, options)
    return WaveValidation(label=wave, reports={HR_EXPORT.name: hr_report, ONA_SURVEY.name: survey_report})


def validate_experiment(
    assignment: pd.DataFrame,
    interactions: pd.DataFrame,
    hr_ids: Iterable[str] | None = None,
    experiment_id: str = "experiment",
    options: MatchOptions = MatchOptions(),
) -> ExperimentValidation:
    """Validate an experiment: the assignment (against ``hr_ids`` when given) and the interaction
    log against the assignment's members (only members not quarantined themselves)."""
    assignment_report = validate_assignment(assignment, hr_ids, hr_label="HR export", options=options)
    members = ids_of(assignment_report.clean) if "employee_id" in assignment.columns else None
    interactions_report = validate_interactions(interactions, members, experiment_id, options)
    return ExperimentValidation(
        label=experiment_id,
        reports={ASSIGNMENT.name: assignment_report, INTERACTIONS.name: interactions_report},
    )
