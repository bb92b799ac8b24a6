"""People named as survey tools name them (an employee id, an e-mail address, a full name)
matched to the ``employee_id`` of the wave's HR export.

The HR export's e-mail and name columns are read for this alone (:func:`hr_people_columns`
says which) and never stored: the matched employee id is what goes on. Matching ignores case,
surrounding and repeated spaces and accents (``Zoë Müller`` = ``zoe  muller``, the folding of
:func:`.countries.country_key`), and reads ``Last, First`` as ``First Last``. A value that matches
nobody is *unmatched*, one that matches several people *ambiguous*: both are quarantined by the
caller, by row and column, without the value.

Ids are left as given: validation repairs and checks them as in any long file
(:mod:`.id_matching`), so an unknown id is quarantined as "not in the HR export" as today.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from scl_pipeline.lib.ingestion.aliases import canonical_header
from scl_pipeline.lib.ingestion.countries import country_key as folded  # the one folding rule
from scl_pipeline.lib.ingestion.id_matching import canonical_id

ID, EMAIL, NAME, AUTO = "id", "email", "name", "auto"
PEOPLE_KINDS: tuple[str, ...] = (AUTO, ID, EMAIL, NAME)
UNMATCHED, AMBIGUOUS, MISSING = "unmatched", "ambiguous", "missing"
WHAT = {ID: "employee id", EMAIL: "e-mail", NAME: "name"}

# HR export headers (canonical form) read for matching, unless survey_layout.toml names others.
EMAIL_HEADERS = ("email", "e_mail", "email_address", "work_email", "business_email", "mail")
NAME_HEADERS = ("full_name", "name", "display_name", "employee_name")
FIRST_NAME_HEADERS = ("first_name", "given_name", "firstname")
LAST_NAME_HEADERS = ("last_name", "surname", "family_name", "lastname")


@lru_cache(maxsize=1 << 17)
def name_key(text: str) -> str:
    """``'Müller, Zoë'`` -> ``'zoe muller'``: a name as matching compares it (each name is folded
    once: recognition and matching ask for the same names)."""
    last, comma, first = str(text).partition(",")
    return folded(f"{first} {last}" if comma else last)


def email_key(text: str) -> str:
    return (canonical_id(text) or "").casefold()


def hr_people_columns(
    headers: Iterable[str], email_header: str | None = None, name_header: str | None = None
) -> dict[str, str]:
    """Which HR export headers (as written) hold e-mail addresses and names: header -> ``email``,
    ``full_name``, ``first_name`` or ``last_name``. Configured headers win; otherwise the usual
    names (:data:`EMAIL_HEADERS`, ...), the first of each found."""
    by_canonical = {canonical_header(h): h for h in reversed(list(headers))}
    out: dict[str, str] = {}

    def take(role: str, configured: str | None, usual: tuple[str, ...]) -> None:
        names = (configured,) if configured else usual
        found = next((by_canonical[canonical_header(n)] for n in names if canonical_header(n) in by_canonical), None)
        if found is not None:
            out[found] = role

    take("email", email_header, EMAIL_HEADERS)
    take("full_name", name_header, NAME_HEADERS)
    if "full_name" not in out.values() and not name_header:
        take("first_name", None, FIRST_NAME_HEADERS)
        take("last_name", None, LAST_NAME_HEADERS)
    return out


@dataclass(frozen=True)
class People:
    """The wave's people as matching sees them: their canonical ids, and per folded e-mail and
    per folded name the ids it belongs to."""

    ids: frozenset[str]
    by_email: Mapping[str, tuple[str, ...]]
    by_name: Mapping[str, tuple[str, ...]]

    @classmethod
    def from_hr(cls, employee_ids: pd.Series, personal: pd.DataFrame | None = None) -> People:
        """``employee_ids`` with, row for row, ``personal``'s ``email`` / ``full_name`` (or
        ``first_name`` + ``last_name``) columns."""
        ids = employee_ids.map(canonical_id)
        personal = personal if personal is not None else pd.DataFrame(index=employee_ids.index)
        names = personal.get("full_name")
        if names is None and {"first_name", "last_name"} <= set(personal.columns):
            names = personal["first_name"].fillna("") + " " + personal["last_name"].fillna("")
        return cls(
            ids=frozenset(i for i in ids if i is not None),
            by_email=_index(ids, personal.get("email"), email_key),
            by_name=_index(ids, names, name_key),
        )

    def lookup(self, kind: str, value: str) -> tuple[str, ...]:
        """The ids an ``email`` or ``name`` value matches."""
        if kind == EMAIL:
            return self.by_email.get(email_key(value), ())
        return self.by_name.get(name_key(value), ())


def _index(ids: pd.Series, values: pd.Series | None, key) -> dict[str, tuple[str, ...]]:
    if values is None:
        return {}
    out: dict[str, list[str]] = {}
    for person, value in zip(ids.tolist(), values.tolist()):
        if person is None or value is None or (isinstance(value, float) and value != value):
            continue
        k = key(value)
        if k and person not in out.setdefault(k, []):
            out[k].append(person)
    return {k: tuple(v) for k, v in out.items()}


@dataclass(frozen=True)
class Resolved:
    """Per value: the employee id (the value itself when it is taken as an id; None when
    unmatched, ambiguous or missing), how it was matched (``id``, ``email``, ``name``,
    ``unmatched``, ``ambiguous``, ``missing``), what it was taken for, and for an ambiguous
    value how many people it matches."""

    ids: pd.Series
    how: pd.Series
    kind: pd.Series
    candidates: pd.Series


def classify(value: str, people: People) -> str:
    """What a value names in ``auto`` mode: an HR employee id is an id (some HR systems use
    e-mail addresses as ids); else an ``@`` makes it an e-mail; a token with digits and no space
    (``1001.0``, an unknown id) an id; anything else a name."""
    text = canonical_id(value) or ""
    if text in people.ids:
        return ID
    if "@" in value:
        return EMAIL
    if any(c.isdigit() for c in text) and not any(c.isspace() for c in text):
        return ID
    return NAME


def resolve_people(values: pd.Series, people: People, kind: str = AUTO) -> Resolved:
    """Match ``values`` (strings or None) as ``kind`` (:data:`PEOPLE_KINDS`); each distinct value
    is matched once."""
    if kind not in PEOPLE_KINDS:
        raise ValueError(f"people = {kind!r}: expected one of {', '.join(PEOPLE_KINDS)}")
    text = values.astype(object).where(values.notna(), None)
    results = {value: _resolve_one(str(value), people, kind) for value in pd.unique(text.dropna().to_numpy())}
    missing = (None, MISSING, "", 0)

    def pick(i: int) -> pd.Series:
        # A dict lookup per row (hashing), not a Python call per row.
        out = text.map({value: result[i] for value, result in results.items()})
        return out.astype(object).where(text.notna(), missing[i])

    return Resolved(ids=pick(0).where(lambda v: v.notna(), None), how=pick(1), kind=pick(2), candidates=pick(3))


def _resolve_one(value: str, people: People, kind: str) -> tuple[str | None, str, str, int]:
    stripped = value.strip()
    if not stripped:
        return None, MISSING, "", 0
    taken = classify(stripped, people) if kind == AUTO else kind
    if taken == ID:
        return stripped, ID, ID, 0
    matches = people.lookup(taken, stripped)
    if len(matches) == 1:
        return matches[0], taken, taken, 0
    return None, (AMBIGUOUS if matches else UNMATCHED), taken, len(matches)
