"""Validation of landing files with great_expectations 1.x (SPEC §1–2).

Landing frames arrive as strings with ``source_row``/``source_file``; each file kind has an
expectation suite (:mod:`.suites`, one registry with the severity of every expectation), run by
:mod:`.gx_execution`. ERROR findings stop a wave; WARNING findings quarantine rows with their reason.
Great Expectations itself is imported only when a frame is validated.
"""

from scl_pipeline.lib.ingestion.validation.files import (
    ids_of,
    validate_assignment,
    validate_hr_export,
    validate_interactions,
    validate_participants,
    validate_survey,
)
from scl_pipeline.lib.ingestion.validation.findings import (
    FileSetValidation,
    Finding,
    Severity,
    ValidationReport,
    findings_markdown,
)
from scl_pipeline.lib.ingestion.validation.suites import EXPECTATIONS, REGISTRY, registry_markdown
from scl_pipeline.lib.ingestion.validation.wave import ExperimentValidation, WaveValidation, validate_experiment, validate_wave

__all__ = [
    "EXPECTATIONS",
    "REGISTRY",
    "ExperimentValidation",
    "FileSetValidation",
    "Finding",
    "Severity",
    "ValidationReport",
    "WaveValidation",
    "findings_markdown",
    "ids_of",
    "registry_markdown",
    "validate_assignment",
    "validate_experiment",
    "validate_hr_export",
    "validate_interactions",
    "validate_participants",
    "validate_survey",
    "validate_wave",
]
