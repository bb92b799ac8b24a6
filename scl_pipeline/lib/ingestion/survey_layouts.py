"""A survey tool's export as written -> the contract's long rows (one per nomination).

Layouts (docs/survey_exports.md):

- **wide**: one row per respondent, nominees in numbered columns (``Q1_1 … Q1_K``,
  ``Colleague 1 … Colleague K``), optionally a parallel group with each slot's strength
  (``Q2_1 … Q2_K``); an empty slot is no tie;
- **multi-select**: one row per respondent, one cell per question naming several people
  separated by ``;`` (Microsoft Forms also ends the list with one) or ``,``;
- several column groups, each its own relation (``trust``, ``advice``, ...).

Tool header rows: Qualtrics writes three (column ids, question texts, ``{"ImportId": ...}``),
recognised by the third; SurveyMonkey two (question texts over their options), recognised by its
``Respondent ID`` and ``Collector ID`` columns, the two rows read as one header
(``question - option``). Otherwise ``header_rows`` in ``survey_layout.toml`` says.

Without configuration, a group of numbered columns (or a column of ``;``-separated cells) whose
values name people of the wave's HR export is a nominee group; a numbered group of numbers or
answer labels after it is its strength. Its relation is the relation its header names
(``Whom do you trust?`` -> ``trust``), else ``trust`` when it is the only group. Whatever is not
clear this way is an error that says what to configure. :func:`reshape` gives each nomination
its file row (after the header rows, from 1) and nominee column, so messages and quarantine
name a row and a column, never a person.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scl_pipeline.lib.ingestion.aliases import AliasMap, canonical_header
from scl_pipeline.lib.ingestion.answer_scales import NUMBERED, SHIPPED_SCALES, is_number
from scl_pipeline.lib.contract import DEFAULT_RELATION, KNOWN_RELATIONS, ONA_SURVEY
from scl_pipeline.lib.ingestion.countries import country_key as folded
from scl_pipeline.lib.ingestion.survey_config import LONG, MULTISELECT, WIDE, Question, SurveyLayoutConfig
from scl_pipeline.lib.ingestion.tool_headers import split_header_rows
from scl_pipeline.lib.ingestion.values import parse_timestamps

# Columns of a long frame built here (the contract's names, before matching), and the lineage
# kept for messages: the file row and the nominee's column.
FILE_ROW, COLUMN = "file_row", "column"
# Working columns of the reshaped frame, dropped before validation: the strength's column and
# the number of the question (column group) each nomination answers.
STRENGTH_COLUMN, QUESTION = "strength_column", "question"
_SLOT = re.compile(r"^(?P<stem>.+?)[\s_\-#.:]*(?P<slot>\d+)\s*$")
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
# Enough of a group's or a cell column's values must name people to take it for nominees.
PEOPLE_SHARE = 0.5


class LayoutError(ValueError):
    """The file's layout cannot be read; the message names columns (headers), never cells."""


@dataclass(frozen=True)
class Group:
    """A recognised column group: the relation, its nominee columns by slot (``(slot, header,
    position)``; one slot for a multi-select cell), and its strength: columns by slot, a fixed
    number, or None."""

    relation: str
    nominees: tuple[tuple[str, str, int], ...]
    strength: tuple[tuple[str, str, int], ...] | int | None = None
    scale: str | None = None
    separator: str | None = None  # multi-select cells are split on it
    pattern: str = ""  # as configured or recognised, for messages

    @property
    def strength_columns(self) -> list[str]:
        return [h for _, h, _ in self.strength] if isinstance(self.strength, tuple) else []


@dataclass(frozen=True)
class Recognised:
    """What :func:`recognise` found: the layout and how the file is read."""

    layout: str
    header_rows: int
    headers: list[str]
    respondent: tuple[str, int] | None = None
    answered_at: tuple[str, int] | None = None
    groups: tuple[Group, ...] = ()
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        """One paragraph naming the layout, the header rows and every column used."""
        parts = [f"layout {self.layout}", f"{self.header_rows} header row(s)"]
        if self.respondent:
            parts.append(f"respondent column {self.respondent[0]!r}")
        if self.answered_at:
            parts.append(f"answered_at column {self.answered_at[0]!r}")
        for g in self.groups:
            shown = _span([h for _, h, _ in g.nominees])
            strength = (
                f"strength {_span(g.strength_columns)}" if isinstance(g.strength, tuple)
                else f"strength {g.strength} for all" if g.strength is not None else "no strength (every tie strong)"
            )
            split = f", cells split on {g.separator!r}" if g.separator else ""
            parts.append(f"{g.relation}: nominees {shown}{split}, {strength}")
        return "; ".join(parts + list(self.notes))


def _span(headers: Sequence[str]) -> str:
    if len(headers) <= 2:
        return " and ".join(repr(h) for h in headers)
    return f"{headers[0]!r} .. {headers[-1]!r} ({len(headers)} columns)"


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
        groups = tuple(_configured(q, headers, answers, config, taken, personal) for q in config.questions)
        notes: tuple[str, ...] = ("column groups as configured",)
    else:
        groups, notes = _found_groups(headers, answers, config, taken, names_people, personal)
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
                f"its columns: {_headers_list(headers, personal)}"
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
        f"alias); its columns: {_headers_list(headers, personal)}. Name it in survey_layout.toml: respondent = \"<column>\""
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


def _headers_list(headers: list[str], personal: Callable[[str], bool], limit: int = 30) -> str:
    """The headers for a message; one that looks like a person's data (an ``@``, a person of the
    wave: a header-less export's first answer row) is not repeated."""
    hidden = sum(1 for h in headers[:limit] if personal(h))
    shown = ", ".join(repr(h) for h in headers[:limit] if not personal(h))
    note = f" ({hidden} cell(s) that look like a person's data not shown: is the header row missing?)" if hidden else ""
    return shown + (f", ... ({len(headers)} in all)" if len(headers) > limit else "") + note


def _pattern(pattern: str) -> re.Pattern[str]:
    """A header pattern (``Q1_*``): case and runs of spaces ignored, ``*`` the slot."""
    parts = [r"\s+".join(map(re.escape, piece.split())) for piece in pattern.strip().split("*")]
    return re.compile(r"^\s*" + r"(.+?)".join(parts) + r"\s*$", re.IGNORECASE)


def _matching(pattern: str, headers: list[str], taken: set[int]) -> list[tuple[str, str, int]]:
    regex = _pattern(pattern)
    found = []
    for i, h in enumerate(headers):
        match = regex.match(h)
        if match and i not in taken:
            found.append(((match.group(1) if match.groups() else "").strip(), h, i))
    return found


def _configured(
    q: Question, headers: list[str], answers: pd.DataFrame, config: SurveyLayoutConfig, taken: set[int],
    personal: Callable[[str], bool],
) -> Group:
    where = config.source or "survey_layout.toml"
    nominees = _matching(q.nominees, headers, taken)
    if not nominees:
        raise LayoutError(
            f"has no column matching nominees = {q.nominees!r} (question of relation {q.relation!r} in {where}); "
            f"its columns: {_headers_list(headers, personal)}"
        )
    strength: tuple[tuple[str, str, int], ...] | int | None = q.strength if isinstance(q.strength, int) else None
    if isinstance(q.strength, str):
        found = _matching(q.strength, headers, taken)
        if not found:
            raise LayoutError(
                f"has no column matching strength = {q.strength!r} (question of relation {q.relation!r} in {where}); "
                f"its columns: {_headers_list(headers, personal)}"
            )
        strength = _paired(nominees, found, q.strength, where)
    separator = None if "*" in q.nominees else (config.separator or _separator(answers[nominees[0][2]]))
    return Group(q.relation, tuple(nominees), strength, q.scale, separator, q.nominees)


def _paired(nominees, strength, pattern: str, where: str) -> tuple[tuple[str, str, int], ...]:
    """The strength column of each nominee slot, in the nominee order; a slot without one is an error."""
    by_slot = {slot: (slot, h, i) for slot, h, i in strength}
    missing = [h for slot, h, _ in nominees if slot not in by_slot]
    if missing and len(nominees) == 1 and len(strength) == 1:
        return tuple(strength)
    if missing:
        have = ", ".join(repr(h) for _, h, _ in strength[:10])
        raise LayoutError(
            f"nominee column(s) {', '.join(repr(m) for m in missing[:10])} have no strength column in the group "
            f"{pattern!r} (it has {have}); add the column(s) to the export, or change strength in {where}"
        )
    return tuple(by_slot[slot] for slot, _, _ in nominees)


def _separator(cells: pd.Series) -> str:
    """``;`` when any cell has one (Forms), else ``,``."""
    text = cells.dropna().astype(str)
    return ";" if text.str.contains(";", regex=False).any() else ","


def _relation_of(header: str) -> str | None:
    words = set(re.findall(r"[a-z]+", folded(header)))
    found = [r for r in sorted(KNOWN_RELATIONS) if r in words]
    return found[0] if len(found) == 1 else None


@dataclass
class _Candidate:
    stem: str
    slots: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def first(self) -> int:
        return self.slots[0][2]


def _found_groups(
    headers: list[str], answers: pd.DataFrame, config: SurveyLayoutConfig, taken: set[int], names_people: Callable[[str], bool],
    personal: Callable[[str], bool],
) -> tuple[tuple[Group, ...], tuple[str, ...]]:
    """Nominee and strength groups recognised from the headers and the values (module docstring)."""
    numbered: dict[str, _Candidate] = {}
    for i, h in enumerate(headers):
        match = _SLOT.match(h)
        if match and i not in taken:
            numbered.setdefault(folded(match["stem"]), _Candidate(match["stem"])).slots.append((match["slot"], h, i))
    nominee_groups: list[_Candidate] = []
    strength_groups: list[_Candidate] = []
    labels = {label for scale in config.scales.values() for label in scale.labels}  # shipped and yours
    for candidate in sorted(numbered.values(), key=lambda c: c.first):
        values = pd.concat([answers[i] for _, _, i in candidate.slots]).dropna().astype(str).str.strip()
        values = values[values != ""]
        if values.empty:
            continue
        if _share(values, lambda v: _strength_like(v, labels)) >= 0.8:
            strength_groups.append(candidate)
        elif _share(values, names_people) >= PEOPLE_SHARE:
            nominee_groups.append(candidate)
    cells: list[tuple[str, int, str]] = []
    grouped = {i for c in nominee_groups + strength_groups for _, _, i in c.slots}
    for i, h in enumerate(headers):
        if i in taken or i in grouped or not len(answers):
            continue
        text = answers[i].dropna().astype(str)
        text = text[text.str.strip() != ""]
        if text.empty:
            continue
        separator = config.separator or _separator(text)
        if _share(text, lambda v: separator in v) < 0.5:
            continue
        parts = text.str.split(separator, regex=False).explode().str.strip()
        if _share(parts[parts != ""], names_people) >= PEOPLE_SHARE:
            cells.append((h, i, separator))
    if not nominee_groups and not cells:
        raise LayoutError(
            "cannot tell its layout: it has no respondent_id and nominee_id columns (long layout), no numbered "
            "columns naming people of the HR export (wide: Q1_1 .. Q1_K) and no column of people separated by "
            f"';' or ',' (multi-select); its columns: {_headers_list(headers, personal)}. Describe it in survey_layout.toml "
            "(layout, respondent, [[questions]]; docs/survey_exports.md)"
        )
    pairs: dict[int, _Candidate] = {}
    notes = []
    for s in strength_groups:
        before = [n for n in nominee_groups if n.first < s.first]
        if not before:
            notes.append(f"numbered columns {_span([h for _, h, _ in s.slots])} look like strengths of no nominee group: not read")
            continue
        owner = before[-1]
        if owner.first in pairs:
            notes.append(f"numbered columns {_span([h for _, h, _ in s.slots])}: a second strength group of one question, not read")
            continue
        pairs[owner.first] = s
    count = len(nominee_groups) + len(cells)
    groups = []
    for candidate in nominee_groups:
        strength = pairs.get(candidate.first)
        paired = _paired(candidate.slots, strength.slots, f"{strength.stem}*", "survey_layout.toml") if strength else None
        groups.append(Group(_relation(candidate.stem, count), tuple(candidate.slots), paired, None, None, f"{candidate.stem}*"))
    for h, i, separator in cells:
        groups.append(Group(_relation(h, count), (("", h, i),), None, None, separator, h))
    relations = [g.relation for g in groups]
    if len(set(relations)) < len(relations) or "" in relations:
        raise LayoutError(
            f"has {len(groups)} groups of nominee columns ({', '.join(repr(g.pattern) for g in groups)}) and their "
            "headers do not name one relation each; say which is which in survey_layout.toml ([[questions]] "
            "relation = \"trust\", nominees = \"Q1_*\")"
        )
    return tuple(sorted(groups, key=lambda g: g.nominees[0][2])), ("column groups recognised",) + tuple(notes)


def _relation(header: str, groups: int) -> str:
    """The relation a group's header names; the default one for a file's only group; else ""
    (unknown: the caller says what to configure)."""
    return _relation_of(header) or (DEFAULT_RELATION if groups == 1 else "")


def _strength_like(value: str, labels: set[str]) -> bool:
    """A strength as tools write it: 1..5 (``4.0`` too), a scale's label, ``4 - Often``. A bigger
    number is an id, not a strength."""
    if is_number(value):
        return 1 <= float(value) <= 5
    return folded(value) in labels or SHIPPED_SCALES[NUMBERED].value(value) is not None


def _share(values: pd.Series, test: Callable[[str], bool]) -> float:
    distinct = pd.unique(values.to_numpy())
    if not len(distinct):
        return 0.0
    return sum(bool(test(str(v))) for v in distinct) / len(distinct)


def reshape(recognised: Recognised, answers: pd.DataFrame) -> pd.DataFrame:
    """One row per nomination of a wide or multi-select file: respondent and nominee as written,
    relation, strength as written (number or label), answered_at, the file row, the nominee's and
    the strength's column and the question's number; in file order (row, then column). Empty
    slots and empty cell parts are no tie."""
    frames = []
    rows = np.arange(1, len(answers) + 1)
    respondent = answers[recognised.respondent[1]] if recognised.respondent else pd.Series(None, index=answers.index)
    answered = answers[recognised.answered_at[1]] if recognised.answered_at else pd.Series(None, index=answers.index, dtype=object)
    order = 0
    for number, group in enumerate(recognised.groups):
        for slot_index, (slot, header, position) in enumerate(group.nominees):
            strength_column = None
            if isinstance(group.strength, tuple):
                strength_column = group.strength[slot_index][1]
                strength = answers[group.strength[slot_index][2]]
            else:
                strength = pd.Series(None if group.strength is None else str(group.strength), index=answers.index, dtype=object)
            part = pd.DataFrame(
                {
                    "respondent_id": respondent.to_numpy(dtype=object),
                    "nominee_id": answers[position].to_numpy(dtype=object),
                    "relation": group.relation,
                    "strength": strength.to_numpy(dtype=object),
                    "answered_at": answered.to_numpy(dtype=object),
                    FILE_ROW: rows,
                    COLUMN: header,
                    STRENGTH_COLUMN: strength_column,
                    QUESTION: number,
                    "_order": order,
                }
            )
            order += 1
            if group.separator:
                part["nominee_id"] = part["nominee_id"].map(
                    lambda cell, sep=group.separator: None if cell is None else [p for p in str(cell).split(sep)],
                    na_action="ignore",
                )
                part = part.explode("nominee_id")
            frames.append(part)
    columns = ["respondent_id", "nominee_id", "relation", "strength", "answered_at", FILE_ROW, COLUMN, STRENGTH_COLUMN, QUESTION, "_order"]
    long = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    nominee = long["nominee_id"].astype(object).where(long["nominee_id"].notna(), None)
    present = nominee.map(lambda v: v is not None and str(v).strip() != "")
    long = long[present.to_numpy(dtype=bool)]
    long = long.sort_values([FILE_ROW, "_order"], kind="stable").drop(columns="_order").reset_index(drop=True)
    for column in ("respondent_id", "nominee_id", "strength", "answered_at"):
        values = long[column].astype(object)
        present = values.notna()
        stripped = values[present].astype(str).str.strip()
        values = values.where(~present, None)
        values.loc[stripped.index] = stripped.where(stripped != "", None)
        long[column] = values.astype(object).where(values.notna(), None)
    return long
