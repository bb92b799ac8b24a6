"""Which rows repeat another row, and which one of each group is kept.

Row rules across a whole file, computed in pandas/numpy and handed to GX as ``__``-prefixed
derived columns (``ExpectationDef.derive``): duplicate nominations (the kept row has the highest
strength, SPEC §2) and repeated experiment rows (the first is kept).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scl_pipeline.lib.contract import DEFAULT_RELATION, SOURCE_ROW


def kept_row(frame: pd.DataFrame, repeat_of: np.ndarray) -> pd.Series:
    """The ``source_row`` of the kept row each repeated row repeats (``None`` for the others)."""
    rows = frame[SOURCE_ROW].to_numpy(dtype=object)
    kept = np.where(repeat_of >= 0, rows[np.maximum(repeat_of, 0)], None)
    return pd.Series(kept, index=frame.index, dtype=object)


def duplicate_of(survey: pd.DataFrame) -> pd.Series:
    """For each survey row, the ``source_row`` of the kept row of its (respondent, nominee,
    relation) group when it is a dropped duplicate, else ``None``.

    The kept row has the highest strength (missing or invalid strength ranks lowest), the
    earliest ``source_row`` on a tie. A missing relation is the default relation.
    """
    relation = survey["relation"] if "relation" in survey.columns else pd.Series(None, index=survey.index, dtype=object)
    strength = (
        pd.to_numeric(survey["strength"], errors="coerce")
        if "strength" in survey.columns
        else pd.Series(float("nan"), index=survey.index)
    )
    named = (survey["respondent_id"].notna() & survey["nominee_id"].notna()).to_numpy()
    groups = [pd.factorize(values[named])[0] for values in (survey["respondent_id"], survey["nominee_id"], relation.fillna(DEFAULT_RELATION))]
    rows = survey[SOURCE_ROW].to_numpy()[named]
    dropped, kept = kept_of_dropped(*groups, strength.fillna(-1.0).to_numpy()[named], rows)
    kept_of = dict(zip(dropped.tolist(), kept.tolist()))
    return pd.Series([kept_of.get(r) for r in survey[SOURCE_ROW].tolist()], index=survey.index, dtype=object)


def kept_of_dropped(
    respondent: np.ndarray, nominee: np.ndarray, relation: np.ndarray, strength: np.ndarray, row: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Duplicate nominations: the rows dropped, and for each the row kept instead.

    A nomination's group is its (respondent, nominee, relation), given as exact integer codes
    (one code per distinct value; a survey streamed in chunks codes them across chunks). The
    kept row has the highest ``strength`` (-1 for none), the earliest ``row`` on a tie.
    """
    order = np.lexsort((row, -strength, relation, nominee, respondent))  # the last key sorts first
    starts = np.ones(len(order), dtype=bool)
    for codes in (respondent, nominee, relation):
        ordered = codes[order]
        starts[1:] &= ordered[1:] == ordered[:-1]
    starts = ~starts  # a group starts where any code differs from the row before
    starts[:1] = True
    first = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
    ordered_rows = row[order]
    return ordered_rows[~starts], ordered_rows[first][~starts]
