"""The column groups of a wide or multi-select export: each group's nominee columns, its strength
and its relation, as configured (``[[questions]]`` in ``survey_layout.toml``) or recognised.

Without configuration, a group of numbered columns (or a column of ``;``-separated cells) whose
values name people of the wave's HR export is a nominee group; a numbered group of numbers or
answer labels after it is its strength. Its relation is the relation its header names
(``Whom do you trust?`` -> ``trust``), else ``trust`` when it is the only group. Whatever is not
clear this way is an error that says what to configure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from scl_pipeline.lib.contract import DEFAULT_RELATION, KNOWN_RELATIONS
from scl_pipeline.lib.ingestion.answer_scales import NUMBERED, SHIPPED_SCALES, is_number
from scl_pipeline.lib.ingestion.countries import country_key as folded
from scl_pipeline.lib.ingestion.survey_config import Question, SurveyLayoutConfig
from scl_pipeline.lib.ingestion.survey_layouts import Group, LayoutError, headers_list, span

_SLOT = re.compile(r"^(?P<stem>.+?)[\s_\-#.:]*(?P<slot>\d+)\s*$")
# Enough of a group's or a cell column's values must name people to take it for nominees.
PEOPLE_SHARE = 0.5


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


def configured_group(
    q: Question, headers: list[str], answers: pd.DataFrame, config: SurveyLayoutConfig, taken: set[int],
    personal: Callable[[str], bool],
) -> Group:
    where = config.source or "survey_layout.toml"
    nominees = _matching(q.nominees, headers, taken)
    if not nominees:
        raise LayoutError(
            f"has no column matching nominees = {q.nominees!r} (question of relation {q.relation!r} in {where}); "
            f"its columns: {headers_list(headers, personal)}"
        )
    strength: tuple[tuple[str, str, int], ...] | int | None = q.strength if isinstance(q.strength, int) else None
    if isinstance(q.strength, str):
        found = _matching(q.strength, headers, taken)
        if not found:
            raise LayoutError(
                f"has no column matching strength = {q.strength!r} (question of relation {q.relation!r} in {where}); "
                f"its columns: {headers_list(headers, personal)}"
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


def found_groups(
    headers: list[str], answers: pd.DataFrame, config: SurveyLayoutConfig, taken: set[int], names_people: Callable[[str], bool],
    personal: Callable[[str], bool],
) -> tuple[tuple[Group, ...], tuple[str, ...]]:
    """Nominee and strength groups recognised from the headers and the values (the module docstring)."""
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
            f"';' or ',' (multi-select); its columns: {headers_list(headers, personal)}. Describe it in survey_layout.toml "
            "(layout, respondent, [[questions]]; docs/survey_exports.md)"
        )
    pairs: dict[int, _Candidate] = {}
    notes = []
    for s in strength_groups:
        before = [n for n in nominee_groups if n.first < s.first]
        if not before:
            notes.append(f"numbered columns {span([h for _, h, _ in s.slots])} look like strengths of no nominee group: not read")
            continue
        owner = before[-1]
        if owner.first in pairs:
            notes.append(f"numbered columns {span([h for _, h, _ in s.slots])}: a second strength group of one question, not read")
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
