"""Value rules shared by the expectation suites: canonical form of a landing string frame and
the tests a single string value must pass (dates, countries, booleans, strength).

Decisions (documented here once):

- Surrounding spaces never matter: every contract column is stripped, and an empty or blank
  cell is missing (``None``). Spreadsheet exports pad cells far too often for padding to be an
  error, and a padded id (``" E1"``) would otherwise silently miss its HR row. Ids are also
  Unicode-normalised and cleared of invisible characters (:func:`id_matching.canonical_id`).
- Categorical labels ignore case: ``relation``, ``group`` and the boolean columns are lower-cased,
  so ``" Trust "`` is the relation ``trust``. Ids keep their case: ``e1`` and ``E1`` may be two
  people, and guessing would merge them (unless the ``case_insensitive_ids`` setting says so).
- Strength is an integer 1–5; ``"4.0"`` (how spreadsheets write whole numbers) is the integer 4
  and is canonicalised to ``"4"``; ``"2.5"``, ``"0"``, ``"6"``, ``"high"`` fail.
- Dates and timestamps must be ISO 8601 (``2021-07-01``, ``2021-07-01 09:30``,
  ``2021-07-01T09:30:00+02:00``). ``03/04/2021`` is rejected: in a company spanning 89 countries
  day-first and month-first exports both occur, and a silent swap is worse than a failure.
- Countries must normalise with :func:`countries.normalise_country`; the value itself stays as
  given (typing to alpha-2 happens at ingestion).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

from scl_pipeline.lib.contract import PERSON_ID_COLUMNS, STRENGTH_MAX, STRENGTH_MIN, FileSpec
from scl_pipeline.lib.ingestion.countries import normalise_country
from scl_pipeline.lib.ingestion.id_matching import canonical_ids
from scl_pipeline.lib.ingestion.values import BOOLEAN_WORDS, by_distinct, parse_timestamps  # noqa: F401 (re-exported)

LABEL_COLUMNS: frozenset[str] = frozenset({"relation", "group"})
BOOLEAN_COLUMNS: frozenset[str] = frozenset({"invited_to_survey", "completed"})
DATE_COLUMNS: frozenset[str] = frozenset({"hire_date", "answered_at", "asked_at", "start_date", "end_date"})
STRENGTH_REGEX = rf"^[{STRENGTH_MIN}-{STRENGTH_MAX}]$"
_WHOLE_FLOAT_REGEX = r"^([+-]?\d+)\.0+$"


def strip_cells(values: pd.Series) -> pd.Series:
    """Strings stripped of surrounding space; missing and blank cells become ``None``."""
    return by_distinct(values, _stripped)


def canonicalise(frame: pd.DataFrame, spec: FileSpec) -> pd.DataFrame:
    """Copy of ``frame`` with the contract columns of ``spec`` in canonical string form."""
    out = frame.copy()
    for column in spec.columns:
        if column not in out.columns:
            continue
        if column in PERSON_ID_COLUMNS:
            out[column] = canonical_ids(out[column])
        elif column in LABEL_COLUMNS or column in BOOLEAN_COLUMNS:
            out[column] = by_distinct(out[column], _label)
        elif column == "strength":
            out[column] = by_distinct(out[column], _strength)
        else:
            out[column] = strip_cells(out[column])
    return out


def _stripped(value: object) -> str | None:
    return str(value).strip() or None


def _label(value: object) -> str | None:
    text = _stripped(value)
    return text.lower() if text else None


def _strength(value: object) -> str | None:
    text = _stripped(value)
    return re.sub(_WHOLE_FLOAT_REGEX, r"\1", text) if text else None


def distinct_values(values: pd.Series) -> list[str]:
    return [v for v in values.dropna().unique().tolist()]


def unparseable_dates(values: Iterable[str]) -> list[str]:
    """The values (of the given distinct ones) that are not ISO 8601 dates or timestamps."""
    distinct = pd.Series(list(values), dtype=object)
    if distinct.empty:
        return []
    return distinct[parse_timestamps(distinct).isna()].tolist()


def dates_after(values: Iterable[str], end: pd.Timestamp) -> list[str]:
    """The values (of the given distinct ones) that parse to an instant after ``end`` (UTC)."""
    distinct = pd.Series(list(values), dtype=object)
    if distinct.empty:
        return []
    return distinct[parse_timestamps(distinct) > end].tolist()


def unknown_countries(values: Iterable[str], aliases: Mapping[str, str] | None = None) -> list[str]:
    """The values (of the given distinct ones) that name no ISO 3166-1 country (nor an alias)."""
    return [v for v in values if normalise_country(v, aliases) is None]


def ids_outside(values: Iterable[str], known: frozenset[str]) -> list[str]:
    """The values (of the given distinct ones) not in ``known``."""
    return [v for v in values if v not in known]
