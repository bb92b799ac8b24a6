"""The header rows survey tools write above the answers: Qualtrics three (column ids, question
texts, ``{"ImportId": ...}``), recognised by the third; SurveyMonkey two (question texts over
their options), recognised by its ``Respondent ID`` and ``Collector ID`` columns and read as one
header ``question - option``. Otherwise ``header_rows`` in ``survey_layout.toml`` says. A header
of several rows is read from its first row (Qualtrics' column ids; its older exports have only
the two first rows), or, when that row has blank cells (question texts over their options, as
SurveyMonkey's), from its first two.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from scl_pipeline.lib.ingestion.aliases import canonical_header

_QUALTRICS_IMPORT = '{"importid"'
# A SurveyMonkey option row cell that only says "this is the answer".
_PLAIN_OPTIONS = {"response", "open_ended_response"}


def split_header_rows(headers: list[str], rows: pd.DataFrame, header_rows: int | None) -> tuple[list[str], pd.DataFrame, int]:
    """The header to read and the answer rows: ``header_rows`` as configured, else Qualtrics'
    three rows (its third row of ``{"ImportId": ...}`` cells) or SurveyMonkey's two (its
    ``Respondent ID`` and ``Collector ID`` columns) recognised, else one."""
    if header_rows is None:
        header_rows = 1
        canonical = {canonical_header(h) for h in headers}
        if len(rows) >= 2 and _mostly(rows.iloc[1], lambda v: v.strip().lower().replace(" ", "").startswith(_QUALTRICS_IMPORT)):
            header_rows = 3
        elif {"respondent_id", "collector_id"} <= canonical and len(rows) >= 1:
            header_rows = 2
    extra = rows.iloc[: header_rows - 1]
    if header_rows > 1 and any(not h for h in headers):  # question texts over their options
        headers = _combined(headers, extra.iloc[0].tolist() if len(extra) else [])
    answers = rows.iloc[header_rows - 1 :].reset_index(drop=True)
    return headers, answers, header_rows


def _combined(top: list[str], options: list[object]) -> list[str]:
    """SurveyMonkey's header: each question text carried over its blank cells, then `` - option``."""
    out, current = [], ""
    for i, cell in enumerate(top):
        current = cell or current
        option = options[i] if i < len(options) else None
        option = "" if option is None or (isinstance(option, float) and option != option) else str(option).strip()
        out.append(f"{current} - {option}" if option and canonical_header(option) not in _PLAIN_OPTIONS else current)
    return out


def _mostly(values: pd.Series, test: Callable[[str], bool], share: float = 0.5) -> bool:
    present = [str(v) for v in values.tolist() if v is not None and not (isinstance(v, float) and v != v) and str(v).strip()]
    return bool(present) and sum(map(test, present)) >= share * len(present)
