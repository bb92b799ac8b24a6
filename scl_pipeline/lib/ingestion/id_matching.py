"""How ids in a survey, roster or experiment meet the ids they refer to (the HR export's).

Spreadsheets change ids on the way: ``000123`` loses its zeros, ``1001`` becomes ``1001.0``,
a pasted id carries a zero-width space. Left alone, every such row is quarantined as "not in
HR" and the wave loads empty. Here:

- every id is canonical: Unicode NFKC (full-width digits are digits), invisible format
  characters removed (zero-width spaces, byte-order marks, soft hyphens, direction marks),
  surrounding space stripped;
- when the reference ids are all numbers (digits, optionally ``.0``), an id that is not one of
  them but is the same number (``1001.0``, ``001001`` for ``1001``; ``123`` for ``000123``) is
  repaired to it, only when exactly one reference id is that number;
- with ``case_insensitive_ids`` (off by default: ``e1`` and ``E1`` may be two people), an id
  equal to exactly one reference id but for letter case is repaired to it.

Repairs are counted (a WARNING finding per column); what cannot be repaired is quarantined as
before, and :func:`mismatch_pattern` says in words, without quoting ids, what the unmatched ids
have in common with the reference ids ("look like HR ids without their leading zeros").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd

from scl_pipeline.lib.ingestion.values import by_distinct

_NUMBER = re.compile(r"^(\d+)(?:\.0+)?$")
_LEADING_ZEROS = re.compile(r"(?<!\d)0+(?=\d)")
_SEPARATORS = re.compile(r"[\s\-_./]")
_NON_DIGITS = re.compile(r"\D")

DECIMAL, ZEROS, CASE = "a '.0' suffix", "leading zeros lost or added", "letter case"


def canonical_id(value: object) -> str | None:
    """NFKC, no invisible format characters, stripped; ``None`` when nothing is left."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    text = str(value)
    if not text.isascii():  # ASCII is its own NFKC form and has no format characters
        text = unicodedata.normalize("NFKC", text)
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return text.strip() or None


def canonical_ids(values: pd.Series) -> pd.Series:
    """:func:`canonical_id` of each value (each distinct value computed once)."""
    return by_distinct(values, canonical_id)


@dataclass(frozen=True)
class IdRepairs:
    """Ids as given -> the reference id they stand for, with the kind of each repair, and the
    ids that could be repaired but match several reference ids (left unrepaired)."""

    mapping: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    ambiguous: dict[str, int] = field(default_factory=dict)


def _number(text: str) -> int | None:
    match = _NUMBER.match(text)
    return int(match.group(1)) if match else None


def find_repairs(values: Iterable[str], known: frozenset[str], case_insensitive: bool = False) -> IdRepairs:
    """Repairs of the distinct ``values`` not in ``known`` (see the module docstring)."""
    unmatched = sorted({v for v in values if v is not None and v not in known})
    if not unmatched or not known:
        return IdRepairs()
    by_number: dict[int, list[str]] = defaultdict(list)
    numeric = all(_number(k) is not None for k in known)
    if numeric:
        for k in known:
            by_number[_number(k)].append(k)
    by_fold: dict[str, list[str]] = defaultdict(list)
    if case_insensitive:
        for k in known:
            by_fold[k.casefold()].append(k)
    repairs = IdRepairs()
    for value in unmatched:
        number = _number(value) if numeric else None
        candidates, kind = (by_number.get(number, []), DECIMAL if "." in value else ZEROS) if number is not None else ([], "")
        if not candidates and case_insensitive:
            candidates, kind = by_fold.get(value.casefold(), []), CASE
        if len(candidates) == 1:
            repairs.mapping[value] = candidates[0]
            repairs.kinds[value] = kind
        elif len(candidates) > 1:
            repairs.ambiguous[value] = len(candidates)
    return repairs


def repairs_summary(kinds: Iterable[str]) -> str:
    """``'120 rows with a '.0' suffix, 3 rows with letter case'`` (kinds counted per row)."""
    counts = Counter(kinds)
    return "repaired " + ", ".join(f"{n} row(s) by {kind}" for kind, n in counts.most_common())


# (what it says, how an id is reduced): an unmatched id resembles a reference id when both
# reduce to the same text.
_RESEMBLANCES: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("differ only by a '.0' suffix (a spreadsheet turned them into decimals)", lambda t: re.sub(r"\.0+$", "", t)),
    ("differ only by leading zeros (a spreadsheet treated them as numbers)", lambda t: _LEADING_ZEROS.sub("", t)),
    ("differ only in letter case: set case_insensitive_ids if your systems treat them as one id", str.casefold),
    ("differ only by separators (spaces, '-', '_', '.', '/')", lambda t: _SEPARATORS.sub("", t)),
    ("share only their digits with HR ids (another prefix, or none)", lambda t: _NON_DIGITS.sub("", t).lstrip("0")),
)


def mismatch_pattern(unmatched: Iterable[str], known: frozenset[str], label: str = "HR") -> str:
    """What the ``unmatched`` ids have in common with ``known``, in words and without ids;
    empty when they resemble nothing (people who are simply not in the reference)."""
    ids = sorted(set(unmatched))
    if not ids or not known:
        return ""
    if sum("@" in i for i in ids) * 2 > len(ids) and not any("@" in k for k in list(known)[:1000]):
        return f"most of these ids look like e-mail addresses, the {label} ids do not: export employee ids instead"
    best, best_count = "", 0
    for words, reduce in _RESEMBLANCES:
        reduced = {reduce(k) for k in known}
        reduced.discard("")
        count = sum(1 for i in ids if reduce(i) in reduced)
        if count > best_count:
            best, best_count = words, count
    if not best_count:
        return ""
    return f"{best_count} of these {len(ids)} distinct ids {best} ({_shape_note(ids, known)})"


def _shape_note(ids: list[str], known: frozenset[str]) -> str:
    """Typical lengths, a hint without values: 'ids here have 3-4 characters, HR ids 6'."""

    def span(values: Iterable[str]) -> str:
        lengths = sorted(len(v) for v in values)
        low, high = lengths[0], lengths[-1]
        return f"{low}" if low == high else f"{low}-{high}"

    return f"these have {span(ids)} characters, the reference ids {span(known)}"
