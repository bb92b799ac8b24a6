"""What the report assets share: their group and keys, the pseudonym key they read ids under,
turning a report problem into a clear step failure, and the metadata of a written page."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

from scl_pipeline.defs.resources import ServingSettings
from scl_pipeline.lib.lake import DataLake
from scl_pipeline.lib.lake_access import AccessSettingError, serving_group, share
from scl_pipeline.lib.network.wave_graphs import SnapshotMissingError
from scl_pipeline.lib.reports.document import Report
from scl_pipeline.lib.reports.inputs import ReportInputError
from scl_pipeline.lib.serving.pseudonyms import PseudonymKey, PseudonymKeyError, key_from_environment

REPORTS_GROUP = "reports"
WAVE_REPORT_KEY = dg.AssetKey([REPORTS_GROUP, "wave_report"])
PROGRAM_REPORT_KEY = dg.AssetKey([REPORTS_GROUP, "program_report"])
KINDS = {"matplotlib", "html"}


def pseudonym_key(serving: ServingSettings) -> PseudonymKey:
    """The key the serving copy is published with (same rules: the public demo key only for the
    demo): the reports join the marts on pseudonyms, never on raw employee ids. The pseudonyms
    never leave the step (people are drawn as dots), so the demo key is not announced again."""
    try:
        return key_from_environment(allow_demo_key=serving.allow_demo_key, announce_demo_key=False)
    except PseudonymKeyError as exc:
        raise dg.Failure(description=str(exc)) from None


def report_group(lake: DataLake) -> int | None:
    """The group that may read the reports (``SCL_SERVING_GROUP``, as the serving copy), with the
    reports folder opened to it; None: readable by the pipeline's user only."""
    try:
        group = serving_group()
        lake.reports.mkdir(parents=True, exist_ok=True)
        share(lake.reports, group)
    except AccessSettingError as exc:
        raise dg.Failure(description=str(exc)) from None
    return group


@contextmanager
def failing_clearly() -> Iterator[None]:
    """A mart not built yet or one the pictures cannot draw ends the step with its message
    (which names the table, the column and the rows)."""
    try:
        yield
    except (ReportInputError, SnapshotMissingError) as exc:
        raise dg.Failure(description=str(exc)) from None


def page_metadata(report: Report, page: Path, seconds: float) -> dict:
    """Where the page is (path and ``file://`` link), its images, its key numbers, and each
    picture small enough for the event log, with its caption."""
    metadata: dict = {
        "path": dg.MetadataValue.path(str(page)),
        "url": dg.MetadataValue.url(page.resolve().as_uri()),
        "images": dg.MetadataValue.int(len(report.figures)),
        "key_numbers": dg.MetadataValue.md(
            "| | |\n|---|---|\n" + "\n".join(f"| {label} | {value} |" for label, value in report.key_numbers)
        ),
        "seconds": dg.MetadataValue.float(round(seconds, 2)),
    }
    for figure in report.figures:
        metadata[figure.name] = dg.MetadataValue.md(f"**{figure.title}**\n\n{figure.preview_markdown()}\n\n{figure.caption}")
    return metadata
