"""Which header of a landing file is which contract column: aliases, personal-data columns and
ambiguity.

Headers are matched case-, space- and punctuation-insensitively and through the alias map. Two
headers that end up naming the same contract column (``department`` twice, or ``Dept`` beside
``Department``) are an error naming both, never a silent choice. Columns that carry names,
e-mail addresses or phone numbers are dropped here and never reach the warehouse (SPEC §1).

When required columns are missing, the message quotes the header only if it *is* a header: if no
cell names a contract column, or a cell looks like data (digits, an ``@``), the first line is
probably an employee's row of a header-less export, and the message says so without repeating
it (issue 15.2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scl_pipeline.lib.ingestion.aliases import AliasMap, canonical_header
from scl_pipeline.lib.contract import FileSpec

# Normalised header names that carry names, e-mail addresses or phone numbers (SPEC §1).
_PII_RE = re.compile(
    r"(^|_)(name|names|full_?name|first_?name|last_?name|given_?name|surname|family_?name"
    r"|display_?name|e_?mail|mail|email_address|phone|phone_number|mobile|telephone|tel|cell)($|_)"
)
_DATA_LIKE = re.compile(r"\d|@")


class HeaderError(ValueError):
    """The header cannot be used; ``problem`` is safe to show (see the module docstring)."""


class HeaderBelowError(HeaderError):
    """A row below the first reads as the header (a title above it) but cannot be used."""


@dataclass(frozen=True)
class HeaderMap:
    """Position of each used column -> its contract column, plus what was left out."""

    columns: dict[int, str]
    dropped_pii: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def is_pii_header(header: str) -> bool:
    return _PII_RE.search(canonical_header(header)) is not None


def map_headers(headers: list[str], spec: FileSpec, aliases: AliasMap) -> HeaderMap:
    """Map ``headers`` (in file order, as written) to ``spec``'s columns; raises HeaderError."""
    columns: dict[int, str] = {}
    dropped: list[str] = []
    ignored: list[str] = []
    for position, header in enumerate(headers):
        target = aliases.resolve(spec, header)
        if target in spec.columns:
            if target in columns.values():
                first = next(p for p, t in columns.items() if t == target)
                raise HeaderError(
                    f"columns {first + 1} ({headers[first]!r}) and {position + 1} ({header!r}) both map to "
                    f"{target!r} (headers are compared ignoring case, spaces and aliases); keep one"
                )
            columns[position] = target
        elif is_pii_header(header):
            dropped.append(header)
        else:
            ignored.append(header)
    missing = [c for c in spec.required if c not in columns.values()]
    if missing:
        raise HeaderError(_missing_message(missing, headers, columns))
    return HeaderMap(columns=columns, dropped_pii=dropped, ignored=ignored)


# How far down a file the header is looked for: a report title, a date line and blank rows
# above it are common in exports from HR and survey tools; a header further down is not.
HEADER_SEARCH_ROWS = 10


def find_header(rows: list[tuple[int, list[str]]], spec: FileSpec, aliases: AliasMap) -> int:
    """Which of ``rows`` (the file's first non-blank rows as (row number, cells)) is the header:
    the first whose cells hold the contract columns. Usually the first row; when a title sits
    above the header, the header below it. Raises HeaderBelowError when a row below the first
    reads as a header (a contract column, no data-like cell) but lacks required columns,
    naming its row number; else HeaderError with the first row's problem."""
    first_error: HeaderError | None = None
    for position, (number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        try:
            map_headers(cells, spec, aliases)
            return position
        except HeaderError as exc:
            first_error = first_error or exc
            if position and header_recognised(cells, _contract_columns(cells, spec, aliases)):
                raise HeaderBelowError(
                    f"the header seems to be on row {number} (the {number - 1} row(s) above it look like a title "
                    f"and would be skipped), but it has a problem: {exc}"
                ) from None
    raise first_error or HeaderError("the file has no header row")


def _contract_columns(cells: list[str], spec: FileSpec, aliases: AliasMap) -> dict[int, str]:
    """Position -> contract column of the cells that name one."""
    return {p: t for p, t in ((p, aliases.resolve(spec, c)) for p, c in enumerate(cells)) if t in spec.columns}


def header_recognised(headers: list[str], columns: dict[int, str]) -> bool:
    """Whether the first line reads as a header: a contract column among it, no data-like cell."""
    return bool(columns) and not any(_DATA_LIKE.search(str(h)) for h in headers)


def _missing_message(missing: list[str], headers: list[str], columns: dict[int, str]) -> str:
    head = f"missing required column(s) {', '.join(missing)}"
    if header_recognised(headers, columns):
        shown = ", ".join(repr(str(h)) for h in headers)
        return f"{head}; the header has {shown}. Map other names in column_aliases.toml."
    if columns:
        what = f"it names {', '.join(sorted(set(columns.values())))} but other cells look like data (digits, '@')"
    elif any(_DATA_LIKE.search(str(h)) for h in headers):
        what = "no cell is a contract column name and some look like data (digits, '@')"
    else:
        what = "no cell is a contract column name or an alias"
    return (
        f"{head}; the first line ({len(headers)} cells) does not read as a header: {what}. Is the header "
        "row missing? Its cells are not repeated here: without a header they would be an employee's data. "
        "Add the header row, or map your column names in column_aliases.toml."
    )
