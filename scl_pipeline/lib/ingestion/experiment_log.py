"""An experiment's assignment and question/answer log, split into rows the indicators can use
and rows that must go to quarantine with their reason (nothing is dropped silently).

Problems found (``problem`` codes, docs/impact.md):

assignment: ``missing_id`` (employee_id or experiment_id), ``unknown_group`` (not program/control), ``in_both_groups``
(listed as program and as control in the same experiment: every row of that person).
interactions: ``missing_value`` (experiment_id, asker, responder or a parseable asked_at), ``bad_answered_at``
(not empty and not a timestamp), ``asker_not_member`` / ``responder_not_member`` (not in the
experiment's usable assignment), ``self_question`` (asker = responder),
``answered_before_asked``, ``duplicate_row`` (the same question logged again; the first is kept).

Exact duplicate assignment rows are one membership and are not a problem.

The row rules shared with ingestion (:func:`in_both_groups`, :func:`self_questions`,
:func:`repeated_questions`, :func:`repeated_members`) are defined here once: the validation
registry (``lib/ingestion/validation/experiment_suites.py``) quarantines the rows they flag before loading,
so the warehouse's experiment tables hold only usable rows and nothing is dropped unseen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api.types import is_datetime64_any_dtype

from scl_pipeline.lib.ingestion.values import parse_timestamps

ASSIGNMENT_COLUMNS: tuple[str, ...] = ("experiment_id", "employee_id", "group")
INTERACTION_COLUMNS: tuple[str, ...] = ("experiment_id", "asker_id", "responder_id", "asked_at", "answered_at")
GROUPS: tuple[str, str] = ("program", "control")
PROBLEM_COLUMNS: tuple[str, ...] = ("experiment_id", "table", "row", "source_row", "problem", "reason")


@dataclass(frozen=True)
class ExperimentLog:
    """Usable rows of every experiment in the frames, and the problem rows with reasons.

    ``assignment``: experiment_id, employee_id, group (one row per member).
    ``interactions``: the usable log rows with ``asked_at``/``answered_at`` parsed (UTC) and
    ``answered`` (an exchange: answered_at present).
    ``problems``: PROBLEM_COLUMNS, one row per offending input row, every reason joined by "; ";
    ``row`` is the 0-based position in the frame given (``source_row`` is copied when present).
    """

    assignment: pd.DataFrame
    interactions: pd.DataFrame
    problems: pd.DataFrame


def _require(frame: pd.DataFrame, columns: tuple[str, ...], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {missing}; has {list(frame.columns)}")


def _text(values: pd.Series) -> pd.Series:
    """Ids as stripped strings; empty cells as NA."""
    out = values.astype("string").str.strip()
    return out.mask(out == "")


def _timestamps(values: pd.Series) -> pd.Series:
    """UTC timestamps: typed values as they are (naive ones are UTC), text by the landing
    contract's ISO 8601 rule (``lib/ingestion/values.py``); NaT when missing or unparseable."""
    if is_datetime64_any_dtype(values):
        parsed = pd.to_datetime(values)
        return parsed.dt.tz_localize("UTC") if parsed.dt.tz is None else parsed.dt.tz_convert("UTC")
    return parse_timestamps(values)


def _experiment(frame: pd.DataFrame) -> pd.Series:
    """The experiment of each row (one unnamed experiment when the column is absent)."""
    if "experiment_id" in frame.columns:
        return _text(frame["experiment_id"])
    return pd.Series("", index=frame.index, dtype="string")


def _first_of_same(key: pd.DataFrame, eligible: np.ndarray) -> np.ndarray:
    """Per row, the position of the first earlier ``eligible`` row with the same ``key`` values
    that it repeats, else -1 (the first of identical rows is kept)."""
    out = np.full(len(key), -1, dtype=np.int64)
    rows = np.flatnonzero(eligible)
    if not len(rows):
        return out
    group = key.iloc[rows].groupby(list(key.columns), dropna=False, sort=False).ngroup().to_numpy()
    first = pd.Series(rows).groupby(group).transform("min").to_numpy()
    repeats = first < rows
    out[rows[repeats]] = first[repeats]
    return out


def in_both_groups(assignment: pd.DataFrame) -> np.ndarray:
    """Rows of a person listed as program and as control in one experiment: every row of that
    person (which group is right cannot be told). Needs employee_id and group; experiment_id when
    the frame holds several experiments. Rows without an id or a known group never count."""
    ids, group, experiment = _text(assignment["employee_id"]), _text(assignment["group"]).str.lower(), _experiment(assignment)
    valid = (ids.notna() & group.isin(GROUPS).fillna(False) & experiment.notna()).to_numpy(dtype=bool)
    keys = pd.DataFrame({"experiment": experiment, "id": ids, "group": group})[valid]
    out = np.zeros(len(assignment), dtype=bool)
    out[np.flatnonzero(valid)] = (keys.groupby(["experiment", "id"])["group"].transform("nunique") > 1).to_numpy()
    return out


def repeated_members(assignment: pd.DataFrame) -> np.ndarray:
    """Per row, the position of an earlier row listing the same person in the same group of the
    same experiment (that row is kept), else -1."""
    ids, group = _text(assignment["employee_id"]), _text(assignment["group"]).str.lower()
    key = pd.DataFrame({"experiment": _experiment(assignment), "id": ids, "group": group})
    return _first_of_same(key, (ids.notna() & group.notna()).to_numpy(dtype=bool))


def self_questions(interactions: pd.DataFrame) -> np.ndarray:
    """Rows whose asker is also the responder."""
    asker, responder = _text(interactions["asker_id"]), _text(interactions["responder_id"])
    return (asker == responder).fillna(False).to_numpy(dtype=bool)


def repeated_questions(interactions: pd.DataFrame) -> np.ndarray:
    """Per row, the position of an earlier row logging the same question (same experiment, asker,
    responder, asked_at and answered_at instants, and question_id when the log has one; that row
    is kept), else -1. Rows without asker, responder or a parseable asked_at never repeat."""
    key = pd.DataFrame({"experiment": _experiment(interactions), "asker": _text(interactions["asker_id"]),
                        "responder": _text(interactions["responder_id"]), "asked": _timestamps(interactions["asked_at"])})
    if "answered_at" in interactions.columns:
        key["answered"] = _timestamps(interactions["answered_at"])
    if "question_id" in interactions.columns:
        key["question"] = _text(interactions["question_id"])
    complete = key[["experiment", "asker", "responder", "asked"]].notna().all(axis=1).to_numpy()
    return _first_of_same(key, complete)


class _Problems:
    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []

    def add(self, frame: pd.DataFrame, mask, table: str, problem: str, reasons: pd.Series) -> np.ndarray:
        """Record the rows of ``mask`` (positions in ``frame``); returns the mask."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return mask
        hit = frame[mask]
        source = hit["source_row"] if "source_row" in hit.columns else pd.Series(pd.NA, index=hit.index)
        self.parts.append(pd.DataFrame({
            "experiment_id": hit["experiment_id"].astype("string").to_numpy(), "table": table,
            "row": hit.index.to_numpy(), "source_row": source.to_numpy(), "problem": problem,
            "reason": reasons[mask].to_numpy(dtype=object),
        }))
        return mask

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(columns=list(PROBLEM_COLUMNS))
        found = pd.concat(self.parts, ignore_index=True)
        keys = ["experiment_id", "table", "row"]
        joined = found.groupby(keys, sort=False, dropna=False).agg(
            source_row=("source_row", "first"), problem=("problem", "; ".join), reason=("reason", "; ".join)
        )
        return joined.reset_index().sort_values(keys, ignore_index=True)[list(PROBLEM_COLUMNS)]


def _assignment(assignment: pd.DataFrame, problems: _Problems) -> pd.DataFrame:
    frame = assignment.reset_index(drop=True)
    frame["experiment_id"] = _text(frame["experiment_id"])
    frame["employee_id"] = _text(frame["employee_id"])
    group = _text(frame["group"]).str.lower()
    no_id = frame["employee_id"].isna() | frame["experiment_id"].isna()
    problems.add(frame, no_id, "assignment", "missing_id",
                 pd.Series("employee_id and experiment_id are required", index=frame.index))
    bad_group = ~group.isin(GROUPS).fillna(False).astype(bool) & ~no_id
    problems.add(frame, bad_group, "assignment", "unknown_group",
                 "group " + frame["group"].astype("string").fillna("<empty>").map(repr) + f" is not one of {list(GROUPS)}")
    frame["group"] = group
    valid = ~no_id & ~bad_group
    in_both = valid & in_both_groups(frame)
    problems.add(frame, in_both, "assignment", "in_both_groups",
                 "employee_id " + frame["employee_id"].map(repr) + " is listed in both the program and the control group")
    usable = frame[valid & ~in_both]
    return usable.drop_duplicates(["experiment_id", "employee_id"])[list(ASSIGNMENT_COLUMNS)].reset_index(drop=True)


def _interactions(interactions: pd.DataFrame, members: pd.DataFrame, problems: _Problems) -> pd.DataFrame:
    frame = interactions.reset_index(drop=True)
    for col in ("experiment_id", "asker_id", "responder_id"):
        frame[col] = _text(frame[col])
    asked = _timestamps(frame["asked_at"])
    answered_text = _text(frame["answered_at"].astype("string"))
    answered = _timestamps(frame["answered_at"])
    missing = (frame["experiment_id"].isna() | frame["asker_id"].isna() | frame["responder_id"].isna()
               | asked.isna()).to_numpy()
    bad = problems.add(frame, missing, "interactions", "missing_value", pd.Series(
        "experiment_id, asker_id, responder_id and a parseable asked_at are required; asked_at is "
        + frame["asked_at"].astype("string").fillna("<empty>").map(repr), index=frame.index))
    bad_answer = answered_text.notna() & answered.isna()
    bad = bad | problems.add(frame, bad_answer, "interactions", "bad_answered_at",
                 "answered_at " + answered_text.fillna("").map(repr) + " is not a timestamp")
    known = pd.MultiIndex.from_frame(members[["experiment_id", "employee_id"]])
    for role in ("asker", "responder"):
        outside = ~missing & ~pd.MultiIndex.from_arrays([frame["experiment_id"], frame[f"{role}_id"]]).isin(known)
        bad = bad | problems.add(frame, outside, "interactions", f"{role}_not_member",
                     f"{role}_id " + frame[f"{role}_id"].map(repr) + " is not a member of the experiment's assignment "
                     "(absent, or quarantined there)")
    self_q = ~missing & self_questions(frame)
    bad = bad | problems.add(frame, self_q, "interactions", "self_question",
                 pd.Series("asker_id and responder_id are the same person", index=frame.index))
    early = (answered < asked).fillna(False).astype(bool)
    bad = bad | problems.add(frame, early, "interactions", "answered_before_asked",
                 "answered_at " + answered.astype("string").map(repr) + " is before asked_at " + asked.astype("string").map(repr))
    frame["asked_at"], frame["answered_at"] = asked, answered
    dup = (repeated_questions(frame) >= 0) & ~missing
    bad = bad | problems.add(frame, dup, "interactions", "duplicate_row",
                             pd.Series("the same question is logged in an earlier row", index=frame.index))
    usable = frame[~bad].copy()
    usable["answered"] = usable["answered_at"].notna()
    return usable.reset_index(drop=True)


def split_experiment_log(assignment: pd.DataFrame, interactions: pd.DataFrame) -> ExperimentLog:
    """The usable assignment and log rows of every experiment, and every problem row with its reason."""
    _require(assignment, ASSIGNMENT_COLUMNS, "experiment assignment")
    _require(interactions, INTERACTION_COLUMNS, "experiment interactions")
    problems = _Problems()
    members = _assignment(assignment, problems)
    log = _interactions(interactions, members, problems)
    return ExperimentLog(assignment=members, interactions=log, problems=problems.frame())

