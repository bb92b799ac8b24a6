"""Answer labels -> strength 1..5: survey tools export the label a respondent ticked
(``Often``, ``1 - Not at all``), not its number.

A scale maps labels to 1..5; labels are compared ignoring case, accents and spaces (the
folding of :func:`.countries.country_key`). Shipped scales:

- ``rarely_always``: Rarely, Occasionally, Sometimes, Often, Always;
- ``never_very_often``: Never, Seldom, Sometimes, Often, Very often;
- ``numbered``: any label that starts with its number, ``1 - Not at all`` … ``5 - Extremely``
  (``3.``, ``3 -``, ``3 –``, ``3)``, ``3:`` all count).

A landing root adds its own under ``[scales.<name>]`` of ``survey_layout.toml``
(:mod:`.survey_config`). Numbers (``4``, ``4.0``) pass through untouched, so validation's own
strength rule (``ona_survey.strength_valid``) still judges them. With no scale configured the
scale is the shipped one that knows every label seen, else the one that knows most of them;
labels it does not know are counted (:class:`LabelMapping`), never turned into a silent NULL.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from scl_pipeline.lib.contract import STRENGTH_MAX, STRENGTH_MIN
from scl_pipeline.lib.ingestion.countries import country_key as folded  # the one folding rule

NUMBERED = "numbered"
_NUMBER = re.compile(r"^\s*[+-]?\d+(?:\.0+)?\s*$")
_LEADING_NUMBER = re.compile(r"^\s*([1-9])\s*(?:[-–—.:)]|\s)\s*\S")


class ScaleError(ValueError):
    """A scale that cannot be used (a label mapped to a number outside 1..5)."""


@dataclass(frozen=True)
class Scale:
    """Folded label -> strength; ``numbered`` scales read the label's leading number instead."""

    name: str
    labels: Mapping[str, int] = field(default_factory=dict)
    numbered: bool = False

    @classmethod
    def of(cls, name: str, labels: Mapping[str, object]) -> Scale:
        """A scale from ``{label: number}`` as written in a configuration file."""
        mapped: dict[str, int] = {}
        for label, number in labels.items():
            if isinstance(number, bool) or not isinstance(number, int) or not STRENGTH_MIN <= number <= STRENGTH_MAX:
                raise ScaleError(
                    f"scale {name!r}: label {label!r} maps to {number!r}; use a whole number {STRENGTH_MIN}..{STRENGTH_MAX}"
                )
            mapped[folded(label)] = number
        return cls(name=name, labels=mapped)

    def value(self, label: str) -> int | None:
        """The strength of ``label``, None when the scale does not know it."""
        if self.numbered:
            match = _LEADING_NUMBER.match(label)
            number = int(match.group(1)) if match else None
            return number if number is not None and STRENGTH_MIN <= number <= STRENGTH_MAX else None
        return self.labels.get(folded(label))


SHIPPED_SCALES: dict[str, Scale] = {
    "rarely_always": Scale.of("rarely_always", {"Rarely": 1, "Occasionally": 2, "Sometimes": 3, "Often": 4, "Always": 5}),
    "never_very_often": Scale.of(
        "never_very_often", {"Never": 1, "Seldom": 2, "Sometimes": 3, "Often": 4, "Very often": 5}
    ),
    NUMBERED: Scale(name=NUMBERED, numbered=True),
}


def is_number(value: str) -> bool:
    """A strength written as a number (validation judges its range)."""
    return bool(_NUMBER.match(value))


@dataclass(frozen=True)
class LabelMapping:
    """Labels of one strength column group mapped: the strengths, which scale, how many cells were
    labels, and the labels the scale does not know with their cell counts."""

    values: pd.Series
    scale: str | None
    mapped: int
    off_scale: Counter


def choose_scale(labels: Iterable[str], scales: Mapping[str, Scale]) -> Scale | None:
    """The scale of ``scales`` that knows every label, else the one that knows most (ties: the
    first); None when none knows any."""
    distinct = list(dict.fromkeys(labels))
    best, best_known = None, 0
    for scale in scales.values():
        known = sum(scale.value(label) is not None for label in distinct)
        if known == len(distinct) and distinct:
            return scale
        if known > best_known:
            best, best_known = scale, known
    return best


def map_labels(values: pd.Series, scale: Scale | None, scales: Mapping[str, Scale] = SHIPPED_SCALES) -> LabelMapping:
    """``values`` (strings, None for blank) with labels replaced by their strength as text;
    numbers and blanks unchanged. Without ``scale``, it is chosen among ``scales``. A label no
    scale knows is left out (None) and counted in ``off_scale``: the caller turns the count into
    a finding that rejects the wave, so the NULL is never loaded silently."""
    text = values.astype(object).where(values.notna(), None)
    present = text.dropna().astype(str).str.strip()
    labels = present[~present.map(is_number) & (present != "")]
    if labels.empty:
        return LabelMapping(values=text, scale=None, mapped=0, off_scale=Counter())
    scale = scale or choose_scale(labels.unique(), scales)
    distinct = {label: (scale.value(label) if scale else None) for label in labels.unique()}
    numbers = labels.map(distinct)
    off = Counter(labels[numbers.isna()].tolist())
    out = text.copy()
    out.loc[labels.index] = numbers.map(lambda n: None if pd.isna(n) else str(int(n)))
    return LabelMapping(values=out, scale=scale.name if scale else None, mapped=int(numbers.notna().sum()), off_scale=off)
