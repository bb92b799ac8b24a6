"""The 5-day question-and-answer experiment: program members against key-collaborator controls.

Rules, as in the case study: everyone may ask two questions to anyone in the experiment; anyone
who answered a question may ask more (one more per answer given). A question is answered when
``answered_at`` is set.

Key behaviour indicators (KBIs), each a share of a group's members:

* **addressing knowledge gaps** (``knowledge_gaps``): the member asked at least one question that
  someone answered.
* **building connectivity** (``connectivity``): the member took part, as asker or as responder,
  in at least one *answered* question with a member working in another country (country from the
  HR export of the experiment's wave).
* **engagement** (``engagement``): the member answered at least two questions asked by other
  experiment members.

Planting: per group, exactly ``round(rate * members)`` members are drawn for each indicator
(members with compatriots in the experiment first; connectivity only among those who ask or
answer, preferring members with no compatriot); answered questions are then paired under the
rule that an exchange crosses countries only when both ends are meant to connect. The log is built greedily, so where no compatible
partner exists a flag is not realised; the rates reported are always recomputed from the log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scl_pipeline.lib.ingestion.contract import ASSIGNMENT, INTERACTIONS

INDICATORS: tuple[str, ...] = ("knowledge_gaps", "connectivity", "engagement")
# The case study's figures (program, control).
TARGET_RATES: dict[str, tuple[float, float]] = {
    "knowledge_gaps": (0.65, 0.25),
    "connectivity": (0.48, 0.15),
    "engagement": (0.60, 0.12),
}
FREE_QUESTIONS = 2
DAYS = 5


@dataclass(frozen=True)
class Experiment:
    assignment: pd.DataFrame
    interactions: pd.DataFrame


def _pick_flags(rng: np.random.Generator, in_group: np.ndarray, rate: float, preferred: np.ndarray) -> np.ndarray:
    """``round(rate * group size)`` random group members, ``preferred`` ones first."""
    members = np.flatnonzero(in_group)
    members = members[np.lexsort((rng.random(len(members)), ~preferred[members]))]
    flags = np.zeros(len(in_group), dtype=bool)
    flags[members[: round(rate * len(members))]] = True
    return flags


def plan_exchanges(
    rng: np.random.Generator, program: np.ndarray, country: np.ndarray
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Answered and unanswered (asker, responder) pairs over member positions.

    ``program`` flags program members; ``country`` is each member's country.
    """
    m = len(program)
    groups = (program, ~program)
    kg = np.zeros(m, dtype=bool)
    eng = np.zeros(m, dtype=bool)
    con = np.zeros(m, dtype=bool)
    compatriots = np.bincount(country, minlength=int(country.max()) + 1)[country] - 1
    # Members with compatriots can exchange at home, so flags that need partners go to them first:
    # engagement (two answers) to those with compatriots who ask.
    at_home = compatriots >= 3
    for g, in_group in enumerate(groups):
        kg |= _pick_flags(rng, in_group, TARGET_RATES["knowledge_gaps"][g], at_home)
    askers_at_home = np.bincount(country[kg], minlength=int(country.max()) + 1)[country] - kg >= 2
    for g, in_group in enumerate(groups):
        eng |= _pick_flags(rng, in_group, TARGET_RATES["engagement"][g], askers_at_home)
    active = kg | eng
    for g, in_group in enumerate(groups):
        # Members alone in their country can only exchange abroad: they connect first.
        cand = np.flatnonzero(in_group & active)
        cand = cand[np.lexsort((rng.random(len(cand)), compatriots[cand] >= 2))]
        count = min(len(cand), round(TARGET_RATES["connectivity"][g] * in_group.sum()))
        con[cand[:count]] = True

    answers = np.zeros(m, dtype=np.int64)
    asked = np.zeros(m, dtype=np.int64)
    got_answer = np.zeros(m, dtype=bool)
    crossed = np.zeros(m, dtype=bool)
    answered: list[tuple[int, int]] = []
    asked_to: dict[int, list[int]] = {}
    asked_by: dict[int, list[int]] = {}

    def compatible(person: int, partners_used: dict[int, list[int]]) -> np.ndarray:
        """Members who may exchange an answered question with ``person`` (not yet paired)."""
        ok = (country == country[person]) | (con & con[person])
        ok[person] = False
        ok[partners_used.get(person, [])] = False
        return ok

    def add(a: int, r: int) -> None:
        answered.append((a, r))
        asked_to.setdefault(a, []).append(r)
        asked_by.setdefault(r, []).append(a)
        asked[a] += 1
        answers[r] += 1
        got_answer[a] = True
        if country[a] != country[r]:
            crossed[a] = crossed[r] = True

    def best(cands: np.ndarray, load: np.ndarray) -> int | None:
        if not len(cands):
            return None
        low = cands[load[cands] == load[cands].min()]
        return int(rng.choice(low))

    idx = np.arange(m)
    quota = lambda a: FREE_QUESTIONS + answers[a]  # noqa: E731 - the experiment's rule
    for c in rng.permutation(np.flatnonzero(con)).tolist():
        if crossed[c]:
            continue
        abroad = con & (country != country[c])
        if kg[c] and asked[c] < quota(c):
            r = best(idx[abroad & eng], answers)
            if r is not None:
                add(c, r)
                continue
        if eng[c]:
            a = best(idx[abroad & kg & (asked < FREE_QUESTIONS + answers)], asked)
            if a is not None:
                add(a, c)
    for r in rng.permutation(np.flatnonzero(eng)).tolist():
        while answers[r] < 2:
            ok = compatible(r, asked_by) & kg & (asked < FREE_QUESTIONS + answers)
            a = best(idx[ok], asked)
            if a is None:
                break
            add(a, r)
    for a in rng.permutation(np.flatnonzero(kg & ~got_answer)).tolist():
        if asked[a] >= quota(a):
            continue
        ok = compatible(a, asked_to)
        # An engaged responder first; otherwise someone who has not answered yet, so a
        # non-engaged member never reaches two answers.
        r = best(idx[ok & eng], answers)
        if r is None:
            r = best(idx[ok & ~eng & (answers == 0)], answers)
        if r is not None:
            add(a, r)

    unanswered: list[tuple[int, int]] = []
    for a in range(m):
        # Everyone who has free questions left uses some; those go unanswered.
        n_more = int(rng.integers(0, quota(a) - asked[a] + 1)) if asked[a] < quota(a) else 0
        for r in rng.choice(np.delete(idx, a), size=min(n_more, m - 1), replace=False).tolist():
            unanswered.append((a, int(r)))
    return answered, unanswered


def build_experiment(
    rng: np.random.Generator,
    employee_id: np.ndarray,
    country: np.ndarray,
    program_members: np.ndarray,
    control_members: np.ndarray,
    start: dt.datetime,
) -> Experiment:
    """assignment.csv and interactions.csv for the given program and control person indices."""
    people = np.concatenate([program_members, control_members])
    program = np.repeat([True, False], [len(program_members), len(control_members)])
    member_country = np.unique(country[people], return_inverse=True)[1]
    answered, unanswered = plan_exchanges(rng, program, member_country)

    pairs = answered + unanswered
    asker = np.array([p[0] for p in pairs], dtype=np.int64)
    responder = np.array([p[1] for p in pairs], dtype=np.int64)
    t0 = np.datetime64(start, "s")
    day = rng.integers(0, DAYS, size=len(pairs))
    asked_at = t0 + (day * 86400 + rng.integers(0, 9 * 3600, size=len(pairs))).astype("timedelta64[s]")
    delay = rng.integers(300, 8 * 3600, size=len(pairs)).astype("timedelta64[s]")
    end = t0 + np.timedelta64(DAYS * 86400, "s")
    answered_at = np.minimum(asked_at + delay, end).astype("datetime64[s]").astype(object)
    answered_at[len(answered) :] = None
    order = np.lexsort((responder, asker, asked_at))
    interactions = pd.DataFrame(
        {
            "asker_id": employee_id[people[asker[order]]],
            "responder_id": employee_id[people[responder[order]]],
            "asked_at": asked_at[order],
            "answered_at": pd.to_datetime(pd.Series(answered_at[order], dtype=object)),
            "question_id": [f"Q{i:05d}" for i in range(1, len(pairs) + 1)],
        }
    )
    assignment = pd.DataFrame(
        {"employee_id": employee_id[people], "group": np.where(program, "program", "control")}
    ).sort_values(["group", "employee_id"], ascending=[False, True], ignore_index=True)
    assert list(assignment.columns) == list(ASSIGNMENT.columns)
    assert list(interactions.columns) == list(INTERACTIONS.columns)
    return Experiment(assignment=assignment, interactions=interactions)


def kbi_rates(assignment: pd.DataFrame, interactions: pd.DataFrame, country: pd.Series) -> dict[str, dict[str, float]]:
    """Share of each group's members meeting each indicator (see module docstring).

    ``country`` maps employee_id to country.
    """
    members = assignment.set_index("employee_id")["group"]
    done = interactions[interactions["answered_at"].notna()]
    done = done[done["asker_id"].isin(members.index) & done["responder_id"].isin(members.index)]
    cross = done["asker_id"].map(country) != done["responder_id"].map(country)
    flags = {
        "knowledge_gaps": set(done["asker_id"]),
        "connectivity": set(done.loc[cross, "asker_id"]) | set(done.loc[cross, "responder_id"]),
        "engagement": set(
            (counts := done[done["asker_id"] != done["responder_id"]]["responder_id"].value_counts())[counts >= 2].index
        ),
    }
    rates: dict[str, dict[str, float]] = {}
    for indicator in INDICATORS:
        rates[indicator] = {
            group: float(members[members == group].index.isin(list(flags[indicator])).mean())
            for group in ("program", "control")
        }
    return rates
