"""How landing strings become values: the one definition used by validation and by typing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from scl_pipeline.lib.ingestion.blanks import BlankPolicy

TRUE_WORDS: frozenset[str] = frozenset({"true", "t", "yes", "y", "1"})
FALSE_WORDS: frozenset[str] = frozenset({"false", "f", "no", "n", "0"})
BOOLEAN_WORDS: frozenset[str] = TRUE_WORDS | FALSE_WORDS

_UTC_OFFSET_REGEX = r"[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$"


def parse_timestamps(values: pd.Series) -> pd.Series:
    """``values`` as UTC timestamps by the ISO 8601 rule; NaT when missing or unparseable.

    Naive values are UTC. Values with and without a UTC offset are parsed apart: pandas 2.3
    parsing them together with ``format="ISO8601"`` gives naive values that follow an offset
    value that offset (``2022-04-06T00:00`` after ``...+02:00`` became 22:00 UTC the day before).
    """
    text = values.astype(object).where(values.notna(), None)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    present = text[text.notna()].astype(str)
    if present.empty:
        return out
    has_offset = present.str.contains(_UTC_OFFSET_REGEX, regex=True)
    for part in (present[has_offset], present[~has_offset]):
        if not part.empty:
            out.loc[part.index] = pd.to_datetime(part, format="ISO8601", errors="coerce", utc=True)
    return out


@dataclass(frozen=True)
class MatchOptions:
    """How values are matched to references: the landing root's own country spellings (folded
    spelling -> alpha-2, ``[countries]`` of ``column_aliases.toml``), whether ids match
    ignoring letter case (the ``ingestion`` settings resource; off by default), and what a blank
    strength or relation means."""

    case_insensitive_ids: bool = False
    country_aliases: Mapping[str, str] = field(default_factory=dict)
    # What blank strengths and relations mean (the ingestion settings; lib/ingestion/blanks.py).
    blanks: BlankPolicy = field(default_factory=BlankPolicy)


def by_distinct(values: pd.Series, canonical: Callable[[object], str | None]) -> pd.Series:
    """``canonical`` of each present value, computed once per distinct value (a column of a
    million survey rows holds a few strengths and relations, and each id about ten times)."""
    present = values.dropna()
    mapping = {v: canonical(v) for v in present.unique()}
    out = values.astype(object).map(mapping)
    return out.where(out.notna(), None)
