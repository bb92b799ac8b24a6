"""A survey tool's export as written -> the contract's long rows (one per nomination): the
layouts, what recognising a file finds (:class:`Recognised`) and :func:`reshape`.

Layouts (docs/survey_exports.md):

- **wide**: one row per respondent, nominees in numbered columns (``Q1_1 … Q1_K``,
  ``Colleague 1 … Colleague K``), optionally a parallel group with each slot's strength
  (``Q2_1 … Q2_K``); an empty slot is no tie;
- **multi-select**: one row per respondent, one cell per question naming several people
  separated by ``;`` (Microsoft Forms also ends the list with one) or ``,``;
- several column groups, each its own relation (``trust``, ``advice``, ...).

How a file's layout is recognised: :mod:`.survey_recognition` (the respondent, the answer time,
the tool's header rows) and :mod:`.survey_groups` (the nominee and strength columns).
:func:`reshape` gives each nomination its file row (after the header rows, from 1) and nominee
column, so messages and quarantine name a row and a column, never a person.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Columns of a long frame built here (the contract's names, before matching), and the lineage
# kept for messages: the file row and the nominee's column.
FILE_ROW, COLUMN = "file_row", "column"
# Working columns of the reshaped frame, dropped before validation: the strength's column and
# the number of the question (column group) each nomination answers.
STRENGTH_COLUMN, QUESTION = "strength_column", "question"


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
            shown = span([h for _, h, _ in g.nominees])
            strength = (
                f"strength {span(g.strength_columns)}" if isinstance(g.strength, tuple)
                else f"strength {g.strength} for all" if g.strength is not None else "no strength (every tie strong)"
            )
            split = f", cells split on {g.separator!r}" if g.separator else ""
            parts.append(f"{g.relation}: nominees {shown}{split}, {strength}")
        return "; ".join(parts + list(self.notes))


def span(headers: Sequence[str]) -> str:
    if len(headers) <= 2:
        return " and ".join(repr(h) for h in headers)
    return f"{headers[0]!r} .. {headers[-1]!r} ({len(headers)} columns)"


def headers_list(headers: list[str], personal: Callable[[str], bool], limit: int = 30) -> str:
    """The headers for a message; one that looks like a person's data (an ``@``, a person of the
    wave: a header-less export's first answer row) is not repeated."""
    hidden = sum(1 for h in headers[:limit] if personal(h))
    shown = ", ".join(repr(h) for h in headers[:limit] if not personal(h))
    note = f" ({hidden} cell(s) that look like a person's data not shown: is the header row missing?)" if hidden else ""
    return shown + (f", ... ({len(headers)} in all)" if len(headers) > limit else "") + note


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
