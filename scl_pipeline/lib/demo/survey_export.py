"""The demo's survey written as a survey tool would export it: the same nominations in the
contract's long layout, a wide layout or multi-select cells, people named by employee id, e-mail
address or full name (docs/survey_exports.md). Every combination loads to the same warehouse
rows (tested), so each layout is exercised end to end.

- ``long``: the contract (``respondent_id, nominee_id, relation, strength, answered_at``);
- ``wide``: one row per respondent: ``respondent``, ``answered_at``, then per relation its
  nominees in ``<relation>_1 .. <relation>_K`` and their strengths in
  ``<relation>_strength_1 .. _K`` (recognised without configuration);
- ``multiselect``: one row per respondent: ``respondent``, ``answered_at``, then one cell per
  relation and strength, ``<relation>: strength <s>``, holding ``Name;Name;`` as Microsoft Forms
  writes it. A tool cannot say which cell is which strength, so the demo writes its
  ``survey_layout.toml`` (one ``[[questions]]`` per cell column, a fixed strength each).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from scl_pipeline.lib.demo.organisation import Organisation
from scl_pipeline.lib.demo.writer import write_table
from scl_pipeline.lib.contract import STRENGTH_MAX, STRENGTH_MIN
from scl_pipeline.lib.ingestion.survey_config import SURVEY_LAYOUT_FILE

SURVEY_LAYOUTS: tuple[str, ...] = ("long", "wide", "multiselect")
PEOPLE_BY: tuple[str, ...] = ("id", "email", "name")
SEPARATOR = ";"


def people_names(org: Organisation, people_by: str) -> np.ndarray:
    """What the survey calls each person: employee id, e-mail address or full name."""
    if people_by not in PEOPLE_BY:
        raise ValueError(f"people_by={people_by!r}: expected one of {', '.join(PEOPLE_BY)}")
    return {"id": org.employee_id, "email": org.email, "name": org.full_name}[people_by]


def write_survey(table: pa.Table, org: Organisation, path: Path, file_format: str, layout: str, people_by: str) -> Path:
    """Write one wave's long survey ``table`` (ids dictionary-encoded over ``org.employee_id``)
    at ``path`` (suffix by format) in ``layout``, people named ``people_by``."""
    if layout not in SURVEY_LAYOUTS:
        raise ValueError(f"survey_layout={layout!r}: expected one of {', '.join(SURVEY_LAYOUTS)}")
    if layout == "long" and people_by == "id":
        return write_table(table, path, file_format)
    names = people_names(org, people_by)
    respondent = names[table.column("respondent_id").combine_chunks().indices.to_numpy()]
    nominee = names[table.column("nominee_id").combine_chunks().indices.to_numpy()]
    long = pd.DataFrame(
        {
            "respondent_id": respondent,
            "nominee_id": nominee,
            "relation": table.column("relation").to_pandas().astype(str).to_numpy(),
            "strength": table.column("strength").to_numpy(),
            "answered_at": table.column("answered_at").to_pandas().to_numpy(),
        }
    )
    if layout == "long":
        return write_table(long, path, file_format)
    relations = list(dict.fromkeys(long["relation"]))
    return write_table(_wide(long, relations) if layout == "wide" else _multiselect(long, relations), path, file_format)


def _respondents(long: pd.DataFrame) -> pd.DataFrame:
    first = long.drop_duplicates("respondent_id")
    return pd.DataFrame({"respondent": first["respondent_id"].to_numpy(), "answered_at": first["answered_at"].to_numpy()})


def _wide(long: pd.DataFrame, relations: list[str]) -> pd.DataFrame:
    out = _respondents(long)
    row_of = pd.Series(np.arange(len(out)), index=out["respondent"].to_numpy())
    for relation in relations:
        part = long[long["relation"] == relation]
        slot = part.groupby("respondent_id", sort=False).cumcount().to_numpy()
        rows = row_of[part["respondent_id"].to_numpy()].to_numpy()
        k = int(slot.max()) + 1 if len(part) else 0
        nominees = np.full((len(out), k), None, dtype=object)
        strengths = np.full((len(out), k), None, dtype=object)
        nominees[rows, slot] = part["nominee_id"].to_numpy()
        strengths[rows, slot] = part["strength"].to_numpy()
        block = {f"{relation}_{i + 1}": nominees[:, i] for i in range(k)}
        block |= {f"{relation}_strength_{i + 1}": pd.array(strengths[:, i], dtype="Int64") for i in range(k)}
        out = pd.concat([out, pd.DataFrame(block)], axis=1)
    return out


def cell_column(relation: str, strength: int) -> str:
    return f"{relation}: strength {strength}"


def _multiselect(long: pd.DataFrame, relations: list[str]) -> pd.DataFrame:
    out = _respondents(long)
    columns = {}
    for relation in relations:
        for strength in range(STRENGTH_MAX, STRENGTH_MIN - 1, -1):
            part = long[(long["relation"] == relation) & (long["strength"] == strength)]
            cells = part.groupby("respondent_id", sort=False)["nominee_id"].agg(lambda names: "".join(f"{n}{SEPARATOR}" for n in names))
            columns[cell_column(relation, strength)] = out["respondent"].map(cells).to_numpy()
    return pd.concat([out, pd.DataFrame(columns)], axis=1)


def multiselect_config(relations: tuple[str, ...]) -> str:
    """The ``survey_layout.toml`` that says which multi-select column is which strength."""
    lines = [
        "# Written by the demo generator: its multi-select survey has one column per relation and",
        "# strength (a survey tool cannot say which), docs/survey_exports.md.",
        'layout = "multiselect"',
        'respondent = "respondent"',
        f'separator = "{SEPARATOR}"',
    ]
    for relation in relations:
        for strength in range(STRENGTH_MAX, STRENGTH_MIN - 1, -1):
            lines += ["", "[[questions]]", f'relation = "{relation}"', f'nominees = "{cell_column(relation, strength)}"', f"strength = {strength}"]
    return "\n".join(lines) + "\n"


def write_layout_config(landing_root: Path, layout: str, relations: tuple[str, ...]) -> Path | None:
    """The demo's ``survey_layout.toml`` when its layout needs one (multi-select), else None."""
    if layout != "multiselect":
        return None
    path = Path(landing_root) / SURVEY_LAYOUT_FILE
    path.write_text(multiselect_config(relations))
    return path
