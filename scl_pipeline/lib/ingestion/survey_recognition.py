"""Which layout a survey export has and where its columns are: :func:`recognise`.

Tool header rows: Qualtrics writes three (column ids, question texts, ``{"ImportId": ...}``),
recognised by the third; SurveyMonkey two (question texts over their options), recognised by its
``Respondent ID`` and ``Collector ID`` columns, the two rows read as one header
(``question - option``). Otherwise ``header_rows`` in ``survey_layout.toml`` says. The column
groups (nominees, strengths, relations): :mod:`.survey_groups`.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from scl_pipeline.lib.contract import ONA_SURVEY
from scl_pipeline.lib.ingestion.aliases import AliasMap, canonical_header
from scl_pipeline.lib.ingestion.survey_config import LONG, MULTISELECT, WIDE, SurveyLayoutConfig
from scl_pipeline.lib.ingestion.survey_groups import configured_group, found_groups
from scl_pipeline.lib.ingestion.survey_layouts import LayoutError, Recognised, headers_list
from scl_pipeline.lib.ingestion.tool_headers import split_header_rows
from scl_pipeline.lib.ingestion.values import parse_timestamps

# Respondent columns as tools name them, after the contract's own aliases (canonical headers).
# Compared without case, spaces or punctuation (_squashed).
RESPONDENT_HEADERS = (
    "recipient_email", "email_address", "email", "respondent_email", "external_reference",
    "external_data_reference", "respondent_name", "recipient_name", "full_name", "name",
)
ANSWERED_AT_HEADERS = (
    "answered_at", "timestamp", "submitted_at", "response_time", "end_date", "recorded_date", "completion_time",
    "date_submitted",
)


def is_long(headers: list[str], aliases: AliasMap) -> bool:
    """Whether the header has the contract's required survey columns (directly or by alias)."""
    resolved = {aliases.resolve(ONA_SURVEY, h) for h in headers}
    return set(ONA_SURVEY.required) <= resolved


def recognise(
    headers: list[str],
    rows: pd.DataFrame,
    config: SurveyLayoutConfig,
    aliases: AliasMap,
    names_people: Callable[[str], bool],
) -> tuple[Recognised, pd.DataFrame]:
    """The layout of a file read as written (``headers``, ``rows`` of strings by position), and
    its answer rows (tool header rows removed). ``names_people(value)`` says whether a cell value
    names someone of the wave. Raises :class:`LayoutError` saying what to configure."""
    headers, answers, header_rows = split_header_rows(list(headers), rows, config.header_rows)
    if config.layout == LONG or (config.layout not in (WIDE, MULTISELECT) and not config.questions and is_long(headers, aliases)):
        return Recognised(layout=LONG, header_rows=header_rows, headers=headers), answers
    def personal(header: str) -> bool:
        return "@" in header or names_people(header)

    respondent = _respondent(headers, config, aliases, header_rows, personal)
    answered_at = _answered_at(headers, answers, config)
    taken = {p for p in (respondent[1], answered_at[1] if answered_at else None) if p is not None}
    if config.questions:
        groups = tuple(configured_group(q, headers, answers, config, taken, personal) for q in config.questions)
        notes: tuple[str, ...] = ("column groups as configured",)
    else:
        groups, notes = found_groups(headers, answers, config, taken, names_people, personal)
    layout = WIDE if any(len(g.nominees) > 1 or g.separator is None for g in groups) else MULTISELECT
    if config.layout in (WIDE, MULTISELECT):
        layout = config.layout
    return Recognised(layout, header_rows, headers, respondent, answered_at, groups, notes), answers


def _squashed(header: str) -> str:
    """A header without case, spaces or punctuation: ``RecipientEmail`` = ``Recipient e-mail``."""
    return canonical_header(header).replace("_", "")


def _position(headers: list[str], wanted: str) -> int | None:
    key = _squashed(wanted)
    return next((i for i, h in enumerate(headers) if _squashed(h) == key), None)


def _respondent(
    headers: list[str], config: SurveyLayoutConfig, aliases: AliasMap, header_rows: int, personal: Callable[[str], bool]
) -> tuple[str, int]:
    if config.respondent:
        at = _position(headers, config.respondent)
        if at is None:
            raise LayoutError(
                f"has no respondent column {config.respondent!r} (respondent in {config.source or 'survey_layout.toml'}); "
                f"its columns: {headers_list(headers, personal)}"
            )
        return headers[at], at
    surveymonkey = header_rows == 2 and any(canonical_header(h) == "collector_id" for h in headers)
    for i, h in enumerate(headers):
        # SurveyMonkey's "Respondent ID" numbers its responses: it is not an employee.
        if aliases.resolve(ONA_SURVEY, h) == "respondent_id" and not surveymonkey:
            return h, i
    for name in RESPONDENT_HEADERS:
        at = _position(headers, name)
        if at is not None:
            return headers[at], at
    raise LayoutError(
        "has no column naming the respondent (none is called respondent_id, Email, RecipientEmail, Name or an "
        f"alias); its columns: {headers_list(headers, personal)}. Name it in survey_layout.toml: respondent = \"<column>\""
    )


def _answered_at(headers: list[str], answers: pd.DataFrame, config: SurveyLayoutConfig) -> tuple[str, int] | None:
    if config.answered_at:
        at = _position(headers, config.answered_at)
        if at is None:
            raise LayoutError(f"has no answered_at column {config.answered_at!r} (answered_at in survey_layout.toml)")
        return headers[at], at
    for name in ANSWERED_AT_HEADERS:
        at = _position(headers, name)
        # A tool's local date format (8/2/21 10:15) would reject the wave: only ISO times are taken.
        if at is not None and len(answers):
            values = answers[at].dropna()
            if len(values) and parse_timestamps(values).notna().all():
                return headers[at], at
    return None
