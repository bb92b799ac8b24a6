"""What a blank ``strength`` or ``relation`` means in a survey that has the column (issue 22 §1).

SPEC §2 says what a survey *without* strength means (every tie is strong) and that a survey
without a relation column is of the default relation. A column that is there but blank on some
rows is different: left alone, 30 % of blank strengths silently stop being strong, strong arcs
fall by a third, and no check says why. Here the meaning is a setting of the ``ingestion``
resource (:class:`BlankPolicy`), and the rows it concerns are always counted:

- ``blank_strength`` — a blank strength on a row of a relation that the survey rates on other
  rows (a relation rated nowhere keeps SPEC §2's rule: no strength, every tie strong):
  ``quarantine`` (default: the rows are set aside with a WARNING that counts them, and the
  quarantine-share gate stops the wave when they are many), ``not_strong`` (loaded without a
  strength: never a strong tie), ``strong`` (loaded with the strong threshold as strength).
- ``blank_relation`` — a blank relation where other rows give one: ``quarantine`` (default) or
  ``primary`` (loaded as the primary relation). A relation column blank on every row is a survey
  without relations (SPEC §2: the default relation), as before.

Whole-file facts (which relations are rated, whether any row gives a relation) decide which rows
are flagged: :func:`blank_flags` computes them on a whole frame, and the streamed survey's first
pass computes the same from every chunk (``lib/ingestion/survey_stream.py``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from scl_pipeline.lib.contract import DEFAULT_RELATION, DEFAULT_STRONG_THRESHOLD

StrengthPolicy = Literal["quarantine", "not_strong", "strong"]
RelationPolicy = Literal["quarantine", "primary"]
QUARANTINE = "quarantine"

# Derived columns (validation): the relation of a row whose strength is blank though that
# relation is rated elsewhere; "blank" on a row without relation where others have one.
BLANK_STRENGTH = "__blank_strength_of"
BLANK_RELATION = "__blank_relation"
BLANK = "blank"


@dataclass(frozen=True)
class BlankPolicy:
    """This run's meaning of blank strengths and relations (the ``ingestion`` settings
    ``blank_strength`` and ``blank_relation``), with the network settings they load as: the
    strong threshold (``strong``) and the primary relation (``primary``)."""

    strength: StrengthPolicy = QUARANTINE
    relation: RelationPolicy = QUARANTINE
    strong_threshold: int = DEFAULT_STRONG_THRESHOLD
    primary_relation: str = DEFAULT_RELATION

    def __post_init__(self) -> None:
        if self.strength not in ("quarantine", "not_strong", "strong"):
            raise ValueError(f"ingestion.blank_strength={self.strength!r}: expected quarantine, not_strong or strong")
        if self.relation not in ("quarantine", "primary"):
            raise ValueError(f"ingestion.blank_relation={self.relation!r}: expected quarantine or primary")

    def strength_loaded_as(self) -> str | None:
        """The strength a flagged row loads with (canonical text), None when it loads blank."""
        return str(self.strong_threshold) if self.strength == "strong" else None

    def strength_note(self) -> str:
        if self.strength == QUARANTINE:
            return ("quarantined (ingestion.blank_strength = quarantine); set it to not_strong or strong to load "
                    "them, after checking why the survey tool left them blank")
        what = "never strong ties" if self.strength == "not_strong" else f"strong, with strength {self.strong_threshold}"
        return f"loaded as {what} (ingestion.blank_strength = {self.strength})"

    def relation_note(self) -> str:
        if self.relation == QUARANTINE:
            return "quarantined (ingestion.blank_relation = quarantine); set it to primary to load them"
        return f"loaded as the primary relation {self.primary_relation!r} (ingestion.blank_relation = primary)"


def relation_or_default(frame: pd.DataFrame) -> pd.Series:
    """Each row's relation, the default relation where blank or without the column (as the
    duplicate rule and ``staging.ties`` read it)."""
    if "relation" not in frame.columns:
        return pd.Series(DEFAULT_RELATION, index=frame.index, dtype=object)
    return frame["relation"].fillna(DEFAULT_RELATION)


def rated_relations(frame: pd.DataFrame) -> set[str]:
    """The relations some row of ``frame`` gives a strength for."""
    if "strength" not in frame.columns:
        return set()
    return set(relation_or_default(frame)[frame["strength"].notna()].unique())


def strength_flags(frame: pd.DataFrame, rated: Collection[str]) -> pd.Series:
    """:data:`BLANK_STRENGTH`: the relation of each row with a blank strength whose relation is in
    ``rated``, None elsewhere."""
    relation = relation_or_default(frame)
    flagged = frame["strength"].isna() & relation.isin(list(rated))
    return relation.astype(object).where(flagged, None)


def relation_flags(frame: pd.DataFrame, any_given: bool) -> pd.Series:
    """:data:`BLANK_RELATION`: ``"blank"`` on each row without a relation when ``any_given``
    (some row of the file gives one), None elsewhere."""
    blank = frame["relation"].isna().to_numpy() & any_given
    return pd.Series(np.where(blank, BLANK, None), index=frame.index, dtype=object)


def blank_flags(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """Both derived columns over a whole survey frame (canonical strings)."""
    flags = {}
    if "strength" in frame.columns:
        flags[BLANK_STRENGTH] = strength_flags(frame, rated_relations(frame))
    if "relation" in frame.columns:
        flags[BLANK_RELATION] = relation_flags(frame, bool(frame["relation"].notna().any()))
    return flags


class BlankScan:
    """The facts :func:`blank_flags` needs, gathered over a survey read in chunks (canonical
    strings): the relations rated anywhere, whether any row gives a relation, and only the rows
    with a blank strength or relation (their ``source_row`` and relation). :meth:`flags` gives the
    derived columns of the whole file, indexed by ``source_row``."""

    def __init__(self) -> None:
        self.rated: set[str] = set()
        self.relation_given = False
        self.has = {"strength": False, "relation": False}
        self._blank_strength: list[pd.Series] = []
        self._blank_relation: list[pd.Series] = []

    def add(self, frame: pd.DataFrame, rows: pd.Series) -> None:
        """One chunk (canonical strings) and its ``source_row`` numbers."""
        relation = relation_or_default(frame)
        if "strength" in frame.columns:
            self.has["strength"] = True
            given = frame["strength"].notna()
            self.rated |= set(relation[given].unique())
            self._blank_strength.append(pd.Series(relation[~given].to_numpy(), index=rows[~given].to_numpy(), dtype=object))
        if "relation" in frame.columns:
            self.has["relation"] = True
            blank = frame["relation"].isna()
            self.relation_given |= bool((~blank).any())
            self._blank_relation.append(pd.Series(BLANK, index=rows[blank].to_numpy(), dtype=object))

    def flags(self) -> dict[str, pd.Series]:
        """The derived columns present in the file: flagged rows only, by ``source_row``."""
        out = {}
        if self.has["strength"]:
            blank = pd.concat(self._blank_strength) if self._blank_strength else pd.Series(dtype=object)
            out[BLANK_STRENGTH] = blank[blank.isin(list(self.rated))]
        if self.has["relation"]:
            blank = pd.concat(self._blank_relation) if self._blank_relation else pd.Series(dtype=object)
            out[BLANK_RELATION] = blank if self.relation_given else blank.iloc[0:0]
        return out
