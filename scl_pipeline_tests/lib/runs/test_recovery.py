from scl_pipeline.lib.runs.processes import Liveness, ProcessIdentity
from scl_pipeline.lib.runs.recovery import ActiveRun, DeadRun, dead_runs, orphan_line, recovery_line


def _run(run_id: str, pid: int | None, host: str = "node-a") -> ActiveRun:
    tags = ProcessIdentity(pid, host, "10").tags(run_id) if pid is not None else {"dagster/partition": "x"}
    return ActiveRun(run_id, f"wave_job {run_id}", tags)


def test_only_tagged_runs_whose_process_is_gone_are_dead():
    verdicts = {1: Liveness.ALIVE, 2: Liveness.GONE, 3: Liveness.UNKNOWN}
    runs = [_run("alive", 1), _run("gone", 2), _run("other-host", 3), _run("untagged", None)]
    dead = dead_runs(runs, probe=lambda identity: verdicts[identity.pid])
    assert dead == [DeadRun("gone", "wave_job gone", "its process 2 on node-a is gone")]


def test_the_lines_name_the_run_what_it_ran_why_and_the_pools_freed():
    dead = DeadRun("r1", "wave_job 2021-Q2", "its process 2 on node-a is gone")
    assert recovery_line(dead, ["duckdb", "duckdb"]) == (
        "recovered: run r1 (wave_job 2021-Q2) marked failed, its process 2 on node-a is gone; "
        "freed its slot(s) in pool(s) duckdb"
    )
    assert recovery_line(dead, []) == "recovered: run r1 (wave_job 2021-Q2) marked failed, its process 2 on node-a is gone"
    assert orphan_line("r2", "CANCELED", ["duckdb"]) == (
        "recovered: run r2 has ended (canceled) but held slot(s) in pool(s) duckdb: freed")
    assert orphan_line("r3", None, ["duckdb"]) == "recovered: run r3 no longer exists but held slot(s) in pool(s) duckdb: freed"
