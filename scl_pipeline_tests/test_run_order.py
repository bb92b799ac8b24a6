"""The suite's order (helpers/run_order.py): longest files first, each file's tests together."""

from scl_pipeline_tests.helpers.run_order import longest_files_first, seconds_per_file

DURATIONS = """
============================= slowest 5 durations =============================
301.20s call     scl_pipeline_tests/e2e/test_deploy_postgres.py::test_the_deployment_runs
40.00s setup    scl_pipeline_tests/e2e/test_b.py::test_one[x]
20.50s call     scl_pipeline_tests/e2e/test_b.py::test_one[x]
3.00s teardown scl_pipeline_tests/lib/test_c.py::TestC::test_two
(2 durations < 0.005s hidden.  Use -vv to show these durations.)
"""


def test_seconds_are_summed_per_file_over_setup_call_and_teardown():
    assert seconds_per_file(DURATIONS.splitlines()) == {
        "scl_pipeline_tests/e2e/test_deploy_postgres.py": 301.2,
        "scl_pipeline_tests/e2e/test_b.py": 60.5,
        "scl_pipeline_tests/lib/test_c.py": 3.0,
    }


def test_slow_files_first_then_the_longest_each_file_whole_and_in_its_order():
    nodeids = ["a.py::t1", "b.py::t1", "a.py::t2", "c.py::t1", "d.py::t1", "b.py::t2", "e.py::t1", "f.py::t1",
               "g.py::t1"]
    seconds = {"b.py": 50.0, "d.py": 80.0, "c.py": 1.0, "g.py": 10.0}
    slow = {"e.py::t1", "b.py::t2", "g.py::t1"}
    assert longest_files_first(nodeids, lambda n: n, seconds, slow.__contains__) == [
        "b.py::t1", "b.py::t2", "g.py::t1", "e.py::t1",  # marked slow: measured by seconds, then the others
        "d.py::t1", "c.py::t1",  # measured
        "a.py::t1", "a.py::t2", "f.py::t1",  # unmeasured: as collected
    ]
