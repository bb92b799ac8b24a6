"""The 5-day question-and-answer experiment: program members against key-collaborator controls,
planted under the indicators of SPEC §3b.

Rules, as in the case study: everyone may ask two questions to anyone in the experiment; anyone
who answered a question may ask more (one more per answer given). A question is an *exchange*
when ``answered_at`` is set.

Indicators, each a share of a group's members (SPEC §3b; the pipeline computes them in
``lib/impact/kbis.py``). Neighbours are those in U at the *reference wave*, the last wave whose
quarter ended before the experiment began:

* ``knowledge_gaps_addressed``: as asker, answered by at least ``K`` (2) distinct members;
* ``building_connectivity``: an exchange, either way, with a member who was not a neighbour;
* ``engagement``: took part in at least ``E`` (3) exchanges, either way ("interacted actively").

How the case study's figures are planted: :mod:`.experiment_plan`. The rates in the truth
file are always recomputed from the written log (:func:`kbi_rates`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scl_pipeline.lib.contract import ASSIGNMENT, INTERACTIONS
from scl_pipeline.lib.demo.experiment_plan import E, K, plan_exchanges
from scl_pipeline.lib.impact.kbis import CONNECTIVITY, ENGAGEMENT, INDICATORS, KNOWLEDGE_GAPS

# The indicators' names and K are the pipeline's (lib/impact/kbis.py); what is planted
# (experiment_plan.py) and the rates recomputed below are the demo's own code, independent of the pipeline's.
DEFINITIONS: dict[str, str] = {
    KNOWLEDGE_GAPS: "as asker, answered by at least 2 distinct members (SPEC §3b, K = 2)",
    CONNECTIVITY: "an answered question, either way, with a member who was not a neighbour in U at the reference wave",
    ENGAGEMENT: "took part in at least 3 answered questions, as asker or responder (SPEC §3b, E = 3)",
}
DAYS = 5


@dataclass(frozen=True)
class Experiment:
    assignment: pd.DataFrame
    interactions: pd.DataFrame


def build_experiment(
    rng: np.random.Generator,
    employee_id: np.ndarray,
    neighbours: np.ndarray,
    program_members: np.ndarray,
    control_members: np.ndarray,
    start: dt.datetime,
) -> Experiment:
    """assignment.csv and interactions.csv for the given program and control person indices.

    ``neighbours`` is U at the reference wave among ``program_members`` then ``control_members``
    (a symmetric boolean matrix in that order).
    """
    people = np.concatenate([program_members, control_members])
    program = np.repeat([True, False], [len(program_members), len(control_members)])
    answered, unanswered = plan_exchanges(rng, program, neighbours)

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


def member_neighbours(members: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The symmetric boolean matrix of the edges (a, b) of U between ``members`` (person
    indices), in the order of ``members``."""
    position = np.full(int(max(members.max(initial=0), a.max(initial=0), b.max(initial=0))) + 1, -1)
    position[members] = np.arange(len(members))
    i, j = position[a], position[b]
    inside = (i >= 0) & (j >= 0)
    matrix = np.zeros((len(members), len(members)), dtype=bool)
    matrix[i[inside], j[inside]] = matrix[j[inside], i[inside]] = True
    return matrix


def kbi_rates(
    assignment: pd.DataFrame, interactions: pd.DataFrame, neighbour_pairs: set[tuple[str, str]], k: int = K,
    e: int = E,
) -> dict[str, dict[str, float]]:
    """Share of each group's members meeting each indicator (module docstring), from the log.

    ``neighbour_pairs`` holds the edges of U at the reference wave as (smaller id, larger id).
    """
    members = assignment.set_index("employee_id")["group"]
    done = interactions[interactions["answered_at"].notna()]
    done = done[done["asker_id"].isin(members.index) & done["responder_id"].isin(members.index)]
    done = done[done["asker_id"] != done["responder_id"]]
    responders = done.groupby("asker_id")["responder_id"].nunique()
    exchanges = pd.concat([done["asker_id"], done["responder_id"]]).value_counts()
    strangers = [
        (a, r) for a, r in zip(done["asker_id"], done["responder_id"]) if (min(a, r), max(a, r)) not in neighbour_pairs
    ]
    flags = {
        KNOWLEDGE_GAPS: set(responders[responders >= k].index),
        CONNECTIVITY: {person for pair in strangers for person in pair},
        ENGAGEMENT: set(exchanges[exchanges >= e].index),
    }
    return {
        indicator: {
            group: float(members[members == group].index.isin(list(flags[indicator])).mean())
            for group in ("program", "control")
        }
        for indicator in INDICATORS
    }
