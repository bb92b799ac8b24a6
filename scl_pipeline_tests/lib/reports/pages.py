"""Every report page of a story at once, as the tests need them (the pipeline writes one page per
Dagster partition: defs/reports)."""

from __future__ import annotations

from pathlib import Path

from scl_pipeline.lib.reports.build import (
    PROGRAM_FOLDER,
    ReportInputs,
    program_report,
    wave_folder,
    wave_report,
)
from scl_pipeline.lib.reports.document import write_report


def write_reports(inputs: ReportInputs, folder: str | Path) -> dict[str, Path]:
    """Every wave's report in ``folder/<wave>/`` and the program's in ``folder/program/``;
    returns the page of each (key: wave, or ``program``)."""
    folders = {wave: wave_folder(folder, wave) for wave in inputs.waves}
    pages = {wave: write_report(wave_report(inputs, wave), path) for wave, path in folders.items()}
    pages[PROGRAM_FOLDER] = write_report(program_report(inputs), Path(folder) / PROGRAM_FOLDER)
    return pages
