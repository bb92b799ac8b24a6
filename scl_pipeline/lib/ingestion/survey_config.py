"""How a landing root's survey files are laid out: ``survey_layout.toml`` beside
``column_aliases.toml`` (optional; without it every layout is recognised, :mod:`.survey_recognition`).

A sibling file rather than a section of ``column_aliases.toml``: that file maps headers to the
contract, this one says how a tool's export becomes the contract's rows, and each stays short.
Every key is optional::

    layout = "wide"              # auto (default) | long | wide | multiselect
    header_rows = 3              # header rows the tool writes (Qualtrics 3, SurveyMonkey 2)
    respondent = "RecipientEmail"  # the column naming the respondent
    people = "auto"              # how people are named: auto | id | email | name
    answered_at = "EndDate"      # the column with the submission time (ISO 8601)
    separator = ";"              # between the people of a multi-select cell (default ; else ,)
    hr_email = "Work e-mail"     # the HR export's columns read to match e-mails and names
    hr_name = "Full name"

    [[questions]]                # one per column group; header patterns, * = the slot number
    relation = "trust"
    nominees = "Q1_*"
    strength = "Q2_*"            # a parallel group, or a number 1..5 for every nomination
    scale = "never_very_often"   # answer labels -> 1..5 (answer_scales)

    [scales.agreement]           # your own label scale
    "Strongly disagree" = 1

    [waves."2021-Q3"]            # keys for one wave only (questions replace the top-level ones)
    header_rows = 2
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from scl_pipeline.lib.ingestion.answer_scales import SHIPPED_SCALES, Scale, ScaleError
from scl_pipeline.lib.contract import KNOWN_RELATIONS, STRENGTH_MAX, STRENGTH_MIN
from scl_pipeline.lib.ingestion.errors import LandingFileError
from scl_pipeline.lib.ingestion.people_matching import PEOPLE_KINDS

SURVEY_LAYOUT_FILE = "survey_layout.toml"
AUTO, LONG, WIDE, MULTISELECT = "auto", "long", "wide", "multiselect"
LAYOUTS: tuple[str, ...] = (AUTO, LONG, WIDE, MULTISELECT)
_FILE_KEYS = {"layout", "header_rows", "respondent", "people", "answered_at", "separator", "hr_email", "hr_name", "questions"}
_QUESTION_KEYS = {"relation", "nominees", "strength", "scale"}


@dataclass(frozen=True)
class Question:
    """One column group: the relation its nominations are, the header pattern of its nominee
    columns (``*`` stands for the slot number; none: one multi-select column), and its strength:
    a parallel pattern, a fixed number, or none (every tie strong, SPEC §2)."""

    relation: str
    nominees: str
    strength: str | int | None = None
    scale: str | None = None


@dataclass(frozen=True)
class SurveyLayoutConfig:
    """One wave's survey layout as configured (every field optional)."""

    layout: str = AUTO
    header_rows: int | None = None
    respondent: str | None = None
    people: str = "auto"
    answered_at: str | None = None
    separator: str | None = None
    hr_email: str | None = None
    hr_name: str | None = None
    questions: tuple[Question, ...] = ()
    scales: dict[str, Scale] = field(default_factory=lambda: dict(SHIPPED_SCALES))
    source: str | None = None  # the configuration file, for messages

    @property
    def configured(self) -> bool:
        """Whether anything beyond recognition applies."""
        return self != SurveyLayoutConfig(scales=self.scales, source=self.source)


@dataclass(frozen=True)
class SurveyLayouts:
    """The landing root's survey configuration: the common one and per-wave overrides."""

    common: SurveyLayoutConfig = field(default_factory=SurveyLayoutConfig)
    waves: dict[str, dict[str, Any]] = field(default_factory=dict)

    def for_wave(self, wave: str) -> SurveyLayoutConfig:
        override = self.waves.get(wave)
        if not override:
            return self.common
        return _apply(self.common, override, f"[waves.{wave!r}]")

    @classmethod
    def from_toml(cls, text: str, source: str = SURVEY_LAYOUT_FILE) -> SurveyLayouts:
        data = tomllib.loads(text)
        scales = dict(SHIPPED_SCALES)
        for name, labels in data.pop("scales", {}).items():
            if not isinstance(labels, dict):
                raise ValueError(f"[scales.{name}] must be a table of label = number")
            scales[name] = Scale.of(name, labels)
        waves = data.pop("waves", {})
        common = _apply(SurveyLayoutConfig(scales=scales, source=source), data, "the top level")
        for wave, override in waves.items():
            _apply(common, override, f"[waves.{wave!r}]")  # checked now, applied per wave
        return cls(common=common, waves=waves)

    @classmethod
    def for_landing_root(cls, landing_root: Path) -> SurveyLayouts:
        path = Path(landing_root) / SURVEY_LAYOUT_FILE
        if not path.is_file():
            return cls()
        try:
            return cls.from_toml(path.read_text(), source=str(path))
        except (tomllib.TOMLDecodeError, ScaleError, ValueError, TypeError) as exc:
            raise LandingFileError(path, f"the survey layout configuration is not valid: {exc}") from None


def _apply(base: SurveyLayoutConfig, values: dict[str, Any], where: str) -> SurveyLayoutConfig:
    unknown = sorted(set(values) - _FILE_KEYS)
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {unknown}; use {sorted(_FILE_KEYS)}")
    changes: dict[str, Any] = {k: v for k, v in values.items() if k != "questions"}
    if changes.get("layout", base.layout) not in LAYOUTS:
        raise ValueError(f"{where}: layout = {changes['layout']!r}; use one of {', '.join(LAYOUTS)}")
    if changes.get("people", base.people) not in PEOPLE_KINDS:
        raise ValueError(f"{where}: people = {changes['people']!r}; use one of {', '.join(PEOPLE_KINDS)}")
    rows = changes.get("header_rows", base.header_rows)
    if rows is not None and (isinstance(rows, bool) or not isinstance(rows, int) or rows < 1):
        raise ValueError(f"{where}: header_rows = {rows!r}; use a whole number of at least 1")
    for key in ("respondent", "answered_at", "separator", "hr_email", "hr_name"):
        if key in changes and not (isinstance(changes[key], str) and changes[key]):
            raise ValueError(f"{where}: {key} must be a non-empty text")
    if "questions" in values:
        changes["questions"] = tuple(_question(q, i, where, base.scales) for i, q in enumerate(values["questions"], 1))
    return replace(base, **changes)


def _question(entry: Any, number: int, where: str, scales: dict[str, Scale]) -> Question:
    here = f"{where}, question {number}"
    if not isinstance(entry, dict):
        raise ValueError(f"{here}: expected a table ([[questions]])")
    unknown = sorted(set(entry) - _QUESTION_KEYS)
    if unknown:
        raise ValueError(f"{here}: unknown key(s) {unknown}; use {sorted(_QUESTION_KEYS)}")
    relation = str(entry.get("relation", "")).strip().lower()
    if relation not in KNOWN_RELATIONS:
        raise ValueError(f"{here}: relation = {entry.get('relation')!r}; use one of {', '.join(sorted(KNOWN_RELATIONS))}")
    nominees = entry.get("nominees")
    if not isinstance(nominees, str) or not nominees.strip():
        raise ValueError(f"{here}: nominees must name the nominee column(s), e.g. \"Q1_*\"")
    strength = entry.get("strength")
    if isinstance(strength, bool) or (isinstance(strength, int) and not STRENGTH_MIN <= strength <= STRENGTH_MAX):
        raise ValueError(f"{here}: strength = {strength!r}; use a column pattern or a number {STRENGTH_MIN}..{STRENGTH_MAX}")
    if strength is not None and not isinstance(strength, (str, int)):
        raise ValueError(f"{here}: strength must be a column pattern or a number")
    if isinstance(strength, str) and ("*" in strength) != ("*" in nominees):
        raise ValueError(f"{here}: nominees {nominees!r} and strength {strength!r} must both have a * slot, or neither")
    scale = entry.get("scale")
    if scale is not None and scale not in scales:
        raise ValueError(f"{here}: scale {scale!r} is neither shipped ({', '.join(SHIPPED_SCALES)}) nor under [scales]")
    return Question(relation=relation, nominees=nominees.strip(), strength=strength, scale=scale)
