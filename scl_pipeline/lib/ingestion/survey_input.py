"""A wave's survey as the tool exported it -> the contract's long rows, which validation,
quarantine, the gates and the load then treat exactly as a long file's.

- A long file naming people by employee id with numeric strengths (today's contract) is
  streamed as it always was (:class:`~.readers.StreamedFile`): nothing here touches its rows.
  Whether a long file is one is told from its first :data:`PEEK_ROWS` rows.
- Anything else (a wide or multi-select export, tool header rows, people by e-mail or name,
  answer labels) is read whole (one row per respondent: small), its layout recognised or taken
  from ``survey_layout.toml`` (:mod:`.survey_recognition`), reshaped (:mod:`.survey_layouts`),
  its people matched through the HR export and its labels mapped (:mod:`.survey_matching`). What this
  step sets aside (people matching nobody or several people, blank respondents) and what it
  finds (labels off the scale) become findings and quarantine rows of the survey's report
  (:func:`with_layout_checks`), by row and column, never with the name or e-mail. What the
  step gives: :mod:`.survey_read`.

For a wide or multi-select file, ``source_row`` numbers the nominations in file order (row by
row, column by column: one file row gives several); the quarantine's values carry each one's
``file_row`` (the answer row, after the tool's header rows) and ``column``.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pandas as pd

from scl_pipeline.lib.contract import ONA_SURVEY, SOURCE_ROW
from scl_pipeline.lib.ingestion.aliases import AliasMap
from scl_pipeline.lib.ingestion.answer_scales import is_number
from scl_pipeline.lib.ingestion.errors import LandingFileError
from scl_pipeline.lib.ingestion.headers import HeaderError, is_pii_header, map_headers
from scl_pipeline.lib.ingestion.people_matching import ID, People, classify, hr_people_columns
from scl_pipeline.lib.ingestion.readers import StreamedFile, open_landing_file, read_as_written
from scl_pipeline.lib.ingestion.survey_config import AUTO, LONG, SurveyLayoutConfig
from scl_pipeline.lib.ingestion.survey_layouts import COLUMN, FILE_ROW, QUESTION, STRENGTH_COLUMN, LayoutError, Recognised, reshape
from scl_pipeline.lib.ingestion.survey_matching import matched_read, names_someone
from scl_pipeline.lib.ingestion.survey_read import SurveyRead, SurveySummary
from scl_pipeline.lib.ingestion.survey_recognition import recognise
from scl_pipeline.lib.ingestion.validation.findings import empty_quarantine
from scl_pipeline.lib.ingestion.validation.suites import REGISTRY
from scl_pipeline.lib.ingestion.validation.wave import WaveValidation

PEEK_ROWS = 1_000


def open_survey(
    path: Path, aliases: AliasMap, config: SurveyLayoutConfig, hr_file: StreamedFile, hr: pd.DataFrame, hr_label: str
) -> SurveyRead:
    """Open the wave's survey ``path``: streamed when it is the contract's long file of ids,
    else read, recognised, matched against the HR export (``hr_file``, its frame ``hr``) and
    mapped. Raises :class:`LandingFileError` naming the file and what to configure."""
    path = Path(path)
    plain = config.layout in (AUTO, LONG) and not config.questions and config.header_rows in (None, 1)
    streamed: StreamedFile | None = None
    long_error: LandingFileError | None = None
    if plain:
        try:
            streamed = open_landing_file(path, ONA_SURVEY, aliases)
        except LandingFileError as exc:
            if config.layout == LONG:
                raise
            long_error = exc
    ids = frozenset(hr["employee_id"].dropna().astype(str)) if "employee_id" in hr.columns else frozenset()
    if streamed is not None and _of_ids(streamed, config, People(ids, {}, {})):
        layout = "long (the contract's columns)"
        return SurveyRead(source=streamed, summary=SurveySummary(str(path), LONG, layout, streamed=True))
    people = _people(hr_file, hr, config)
    try:
        headers, rows = read_as_written(path, ONA_SURVEY, aliases)
        if rows.empty:
            raise LandingFileError(path, "has a header but no data rows")
        recognised, answers = recognise(headers, rows, config, aliases, lambda v: names_someone(v, people))
        if answers.empty:
            raise LandingFileError(path, f"has no answer rows after its {recognised.header_rows} header row(s)")
        long, dropped, ignored = _long_rows(path, recognised, answers, aliases)
    except LayoutError as exc:
        if long_error is not None and _names_long_columns(headers, aliases):
            raise long_error from None  # a long file missing a column: the reader's message says which
        raise LandingFileError(path, str(exc)) from None
    return matched_read(path, recognised, long, people, config, hr_label, dropped, ignored, len(answers))


def _names_long_columns(headers: list[str], aliases: AliasMap) -> bool:
    """Whether a header names a long survey's own columns (nominee_id, relation, strength)."""
    return any(aliases.resolve(ONA_SURVEY, h) in ("nominee_id", "relation", "strength") for h in headers)


def _of_ids(streamed: StreamedFile, config: SurveyLayoutConfig, people: People) -> bool:
    """Whether a long file's first rows name people by id and give strengths as numbers."""
    with closing(streamed.chunks(PEEK_ROWS)) as chunks:
        first = next(chunks, None)
    if first is None:
        return True  # no rows: the reader's own error says so
    if config.people not in (AUTO, ID):
        return False
    for column in ("respondent_id", "nominee_id"):
        values = first[column].dropna().astype(str).unique() if column in first.columns else []
        if config.people == AUTO and any(classify(v, people) != ID for v in values):
            return False
    strengths = first["strength"].dropna().astype(str).str.strip() if "strength" in first.columns else pd.Series([], dtype=object)
    labels = [v for v in strengths.unique() if v and not is_number(v)]
    # Text no scale knows ("strong") is validation's to reject (strength_valid), as in any long file.
    return not any(scale.value(v) is not None for v in labels for scale in config.scales.values())


def _people(hr_file: StreamedFile, hr: pd.DataFrame, config: SurveyLayoutConfig) -> People:
    """The wave's people with their e-mails and names, read from the HR export for matching only."""
    roles = hr_people_columns(hr_file.headers, config.hr_email, config.hr_name)
    for configured, what, role in ((config.hr_email, "hr_email", "email"), (config.hr_name, "hr_name", "full_name")):
        if configured and role not in roles.values():
            raise LandingFileError(
                hr_file.path, f"has no column {configured!r} ({what} in survey_layout.toml); its columns: {hr_file.headers}"
            )
    personal = hr_file.read_other_columns(roles) if roles else None
    if personal is not None and len(personal) != len(hr):
        raise LandingFileError(hr_file.path, "changed while it was read; the next run reads the new file")
    return People.from_hr(hr["employee_id"] if "employee_id" in hr.columns else pd.Series([], dtype=object), personal)


def _long_rows(path: Path, recognised: Recognised, answers: pd.DataFrame, aliases: AliasMap) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The nominations of the answer rows, with lineage; and the personal and other columns left out."""
    if recognised.layout == LONG:
        try:
            mapping = map_headers(recognised.headers, ONA_SURVEY, aliases)
        except HeaderError as exc:
            raise LandingFileError(path, str(exc)) from None
        frame = answers[list(mapping.columns)].rename(columns=mapping.columns)
        frame[FILE_ROW] = range(1, len(frame) + 1)
        frame[COLUMN] = "nominee_id"
        frame[STRENGTH_COLUMN] = "strength"
        frame[QUESTION] = 0
        return frame.reset_index(drop=True), mapping.dropped_pii, mapping.ignored
    long = reshape(recognised, answers)
    used = {recognised.respondent[1]} if recognised.respondent else set()
    used |= {recognised.answered_at[1]} if recognised.answered_at else set()
    for group in recognised.groups:
        used |= {i for _, _, i in group.nominees}
        used |= {i for _, _, i in group.strength} if isinstance(group.strength, tuple) else set()
    unused = [h for i, h in enumerate(recognised.headers) if i not in used]
    # Named as a long file's would be: personal-data columns (a respondent's Name) are "dropped".
    return long, [h for h in unused if is_pii_header(h)], [h for h in unused if not is_pii_header(h)]


def with_layout_checks(validation: WaveValidation, read: SurveyRead) -> WaveValidation:
    """``validation`` with the survey report completed by what reading the survey found."""
    if not read.checks_run:
        return validation
    report = validation.survey
    order = {name: i for i, name in enumerate(REGISTRY)}
    findings = sorted(report.findings + read.findings, key=lambda f: order[f.expectation])
    quarantine = pd.concat([q for q in (read.quarantine, report.quarantine) if len(q)] or [empty_quarantine()], ignore_index=True)
    quarantine = quarantine.sort_values(SOURCE_ROW, kind="stable").reset_index(drop=True)
    merged = replace(
        report,
        findings=findings,
        quarantine=quarantine,
        rows=report.rows + len(read.quarantine),
        expectations_run=tuple(sorted(set(report.expectations_run) | set(read.checks_run), key=order.__getitem__)),
    )
    return WaveValidation(label=validation.label, reports={**validation.reports, ONA_SURVEY.name: merged})
