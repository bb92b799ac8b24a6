"""A hand-made experiment with every kind of problem row, shared by the log and KBI tests.

Members: program p1..p4, control c1..c5; ``both`` is listed in both groups. The reference graph
(2022-Q2, the last quarter ended before the first usable question on 2022-08-10) has the edges
p1-p2, c1-c2 and p3-c1.
"""

from __future__ import annotations

import pandas as pd

from scl_pipeline_tests.lib.impact.graphs import snapshot_of

ASSIGNMENT = pd.DataFrame({
    "experiment_id": "X1",
    "employee_id": ["p1", "p2", "p3", "p4", "c1", "c2", "c3", "c4", "c5", "both", "both", "p1"],
    "group": ["program", "Program ", "program", "program", "control", "control", "control", "control",
              "control", "program", "control", "program"],
})
# (asker, responder, asked_at, answered_at, question_id); comments give the row's fate.
LOG = [
    ("p1", "p2", "2022-08-15 09:00", "2022-08-15 10:00", "Q1"),  # exchange, neighbours
    ("p1", "p3", "2022-08-15 09:10", "2022-08-15 11:00", "Q2"),  # exchange, not neighbours
    ("p2", "c1", "2022-08-16 09:00", "2022-08-16 09:30", "Q3"),  # exchange, not neighbours
    ("p3", "c1", "2022-08-16 10:00", "2022-08-16 12:00", "Q4"),  # exchange, neighbours
    ("p4", "p1", "2022-08-16 10:00", None, "Q5"),  # unanswered
    ("c1", "c2", "2022-08-17 09:00", "2022-08-17 09:05", "Q6"),  # exchange, neighbours
    ("c2", "c1", "2022-08-17 10:00", "2022-08-17 10:05", "Q7"),  # exchange, neighbours
    ("c3", "p1", "2022-08-17 10:00", None, "Q8"),  # unanswered
    ("c3", "outsider", "2022-08-17 11:00", "2022-08-17 12:00", "Q9"),  # responder_not_member
    ("c4", "c5", "2022-06-20 11:00", "2022-06-20 10:00", "Q10"),  # answered_before_asked (and early)
    ("both", "p1", "2022-08-18 11:00", "2022-08-18 12:00", "Q11"),  # asker_not_member (in both groups)
    ("p4", "p4", "2022-08-18 11:00", "2022-08-18 12:00", "Q12"),  # self_question
    ("p1", "p2", "2022-08-15 09:00", "2022-08-15 10:00", "Q1"),  # duplicate_row of Q1
    ("c5", "c4", "2022-08-10 08:00", None, "Q13"),  # unanswered, the first usable question
    (None, "c4", "2022-08-10 08:00", None, "Q14"),  # missing_value
    ("c5", "c4", "2022-08-11 08:00", "yesterday", "Q15"),  # bad_answered_at
]
INTERACTIONS = pd.DataFrame(LOG, columns=["asker_id", "responder_id", "asked_at", "answered_at", "question_id"]).assign(
    experiment_id="X1")
PEOPLE = {p: "US" for p in ["p1", "p2", "p3", "p4", "c1", "c2", "c3", "c4", "c5", "both", "outsider"]}


def graphs():
    """2022-Q1 and 2022-Q3 would give other answers: only 2022-Q2 is the reference."""
    return {
        "2022-Q1": snapshot_of(PEOPLE, [], "2022-Q1"),
        "2022-Q2": snapshot_of(PEOPLE, [("p1", "p2"), ("c1", "c2"), ("p3", "c1")], "2022-Q2"),
        "2022-Q3": snapshot_of(PEOPLE, [("p1", "p3"), ("p2", "c1")], "2022-Q3"),
    }
