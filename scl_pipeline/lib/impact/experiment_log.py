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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

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
    return pd.to_datetime(values, errors="coerce", utc=True, format="mixed")


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
    groups_per_member = frame[valid].groupby(["experiment_id", "employee_id"], dropna=False)["group"].nunique()
    both = groups_per_member[groups_per_member > 1].index
    in_both = valid & pd.MultiIndex.from_frame(frame[["experiment_id", "employee_id"]]).isin(both)
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
    self_q = ~missing & (frame["asker_id"] == frame["responder_id"]).fillna(False).astype(bool)
    bad = bad | problems.add(frame, self_q, "interactions", "self_question",
                 pd.Series("asker_id and responder_id are the same person", index=frame.index))
    early = (answered < asked).fillna(False).astype(bool)
    bad = bad | problems.add(frame, early, "interactions", "answered_before_asked",
                 "answered_at " + answered.astype("string").map(repr) + " is before asked_at " + asked.astype("string").map(repr))
    frame["asked_at"], frame["answered_at"] = asked, answered
    key = ["experiment_id", "asker_id", "responder_id", "asked_at", "answered_at"]
    if "question_id" in frame.columns:
        key.append("question_id")
    dup = frame.duplicated(key, keep="first") & ~missing
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


def experiment_problems(assignment: pd.DataFrame, interactions: pd.DataFrame) -> pd.DataFrame:
    """Only the problem rows (PROBLEM_COLUMNS) of :func:`split_experiment_log`, for quarantine."""
    return split_experiment_log(assignment, interactions).problems
