import pandas as pd
import pytest

from scl_pipeline.lib.ingestion.experiment_log import PROBLEM_COLUMNS, split_experiment_log
from scl_pipeline_tests.lib.impact.experiment_example import ASSIGNMENT, INTERACTIONS


def test_every_problem_row_is_found_with_its_reason():
    log = split_experiment_log(ASSIGNMENT, INTERACTIONS)
    problems = log.problems
    assert list(problems.columns) == list(PROBLEM_COLUMNS)
    found = {(r.table, r.row): r.problem for r in problems.itertuples()}
    assert found == {
        ("assignment", 9): "in_both_groups",
        ("assignment", 10): "in_both_groups",
        ("interactions", 8): "responder_not_member",
        ("interactions", 9): "answered_before_asked",
        ("interactions", 10): "asker_not_member",
        ("interactions", 11): "self_question",
        ("interactions", 12): "duplicate_row",
        ("interactions", 14): "missing_value",
        ("interactions", 15): "bad_answered_at",
    }
    reasons = problems.set_index(["table", "row"])["reason"]
    assert "'both' is listed in both the program and the control group" in reasons[("assignment", 9)]
    assert "'outsider' is not a member" in reasons[("interactions", 8)]
    assert "before asked_at" in reasons[("interactions", 9)]
    assert "'yesterday' is not a timestamp" in reasons[("interactions", 15)]
    assert set(problems["experiment_id"]) == {"X1"}


def test_usable_rows_are_the_rest_and_nothing_is_lost():
    log = split_experiment_log(ASSIGNMENT, INTERACTIONS)
    members = log.assignment.set_index("employee_id")["group"]
    assert members.to_dict() == {"p1": "program", "p2": "program", "p3": "program", "p4": "program",
                                 "c1": "control", "c2": "control", "c3": "control", "c4": "control",
                                 "c5": "control"}
    assert log.interactions["question_id"].tolist() == ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8", "Q13"]
    assert log.interactions["answered"].sum() == 6
    flagged = (log.problems["table"] == "interactions").sum()
    assert len(log.interactions) + flagged == len(INTERACTIONS)


def test_several_reasons_of_one_row_are_joined_and_source_row_is_kept():
    assignment = pd.DataFrame({"experiment_id": "E", "employee_id": ["a", "b"], "group": ["program", "control"]})
    log = pd.DataFrame({"experiment_id": "E", "asker_id": ["zz"], "responder_id": ["zz"],
                        "asked_at": ["2022-01-02"], "answered_at": ["2022-01-01"], "source_row": [17]})
    problems = split_experiment_log(assignment, log).problems
    assert len(problems) == 1
    row = problems.iloc[0]
    assert row["problem"] == "asker_not_member; responder_not_member; self_question; answered_before_asked"
    assert row["source_row"] == 17


def test_unknown_group_and_missing_id_and_required_columns():
    assignment = pd.DataFrame({"experiment_id": ["E", "E", "E", None], "employee_id": ["a", None, "c", "d"],
                               "group": ["treatment", "program", "control", "control"]})
    problems = split_experiment_log(assignment, pd.DataFrame(columns=["experiment_id", "asker_id", "responder_id", "asked_at", "answered_at"])).problems
    assert problems.set_index("row")["problem"].to_dict() == {0: "unknown_group", 1: "missing_id", 3: "missing_id"}
    assert "'treatment' is not one of ['program', 'control']" in problems.iloc[0]["reason"]
    with pytest.raises(ValueError, match=r"experiment interactions: missing column\(s\) \['answered_at'\]"):
        split_experiment_log(assignment, pd.DataFrame(columns=["experiment_id", "asker_id", "responder_id", "asked_at"])).problems
