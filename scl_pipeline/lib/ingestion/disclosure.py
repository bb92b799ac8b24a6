"""What a message about a landing file may quote (issue 15.2): the one rule for every message,
Dagster event metadata and data-quality detail written about landing files.

Run failures, check metadata and logs are stored in ``dagster_home`` and shown in the UI, to
people who may not see the raw data. So they name files, columns and row numbers; they quote a
cell value only of a column that holds group labels, never of ids, names, dates or anything
else that can identify a person, and never a value that looks like an e-mail address or a
phone number whatever its column (a shifted column can hold anything). Other values are shown
by their *shape* (``E1001`` -> ``A9999``, ``03/04/2021`` -> ``99/99/9999``): enough to see a
lost leading zero, a ``.0`` suffix or a day-first date, never the value itself.

The values themselves stay where only the pipeline's owners look: ``raw.quarantine`` in the
warehouse.
"""

from __future__ import annotations

import html
import re

# Columns whose values are labels shared by groups of people, never about one person.
QUOTABLE_COLUMNS: frozenset[str] = frozenset(
    {
        "country", "department", "level", "site", "employment_status", "invited_to_survey",
        "relation", "strength", "group", "completed", "cohort", "question_id",
        # Where in a survey tool's export a nomination is: its answer row and its header.
        "file_row", "column",
    }
)
_PERSONAL_LOOKING = re.compile(r"@|(?:\d\D?){6,}")  # an e-mail, or six digits (a phone, an id)
_SHAPE_MAX = 16


def shape(text: str) -> str:
    """``text`` with digits as ``9``, letters as ``A``/``a``, other characters kept, cut to 16."""
    out = []
    for char in str(text)[:_SHAPE_MAX]:
        if char.isdigit():
            out.append("9")
        elif char.isalpha():
            out.append("A" if char.isupper() else "a")
        elif char.isprintable():
            out.append(char)
        else:
            out.append("?")
    return "".join(out) + ("…" if len(str(text)) > _SHAPE_MAX else "")


def may_quote(column: str | None, value: object) -> bool:
    """Whether a message may show ``value`` of ``column`` itself."""
    return column in QUOTABLE_COLUMNS and not _PERSONAL_LOOKING.search(str(value))


def shown_value(column: str | None, value: object) -> str:
    """``value`` as a message may show it: quoted (control characters escaped), or its shape."""
    if value is None:
        return "missing"
    if may_quote(column, value):
        return repr(str(value))
    return f"shaped {shape(str(value))!r}"


def metadata_value(column: str | None, value: object) -> object:
    """``value`` for JSON metadata: itself when a message may quote it, else ``shaped '<shape>'``."""
    if value is None or may_quote(column, value):
        return value
    return f"shaped {shape(str(value))!r}"


def shown_cell(column: str, value: object) -> str:
    """``column=value`` for a sample row: ``country='Atlantis'``, ``nominee_id shaped 'A99'``."""
    shown = shown_value(column, value)
    return f"{column}={shown}" if shown.startswith("'") or shown == "missing" else f"{column} {shown}"


def markdown_text(text: str) -> str:
    """``text`` safe in one markdown table cell: no HTML, no column break, one line."""
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ").replace("`", "'")
