import os
import signal
import socket
import subprocess
import sys

from scl_pipeline.lib.runs.run_locks import (
    forget_run_lock, gone_processes, hold_run_lock, lock_folder, orphan_line, recovery_line,
)

# A process that holds run ``r1``'s lock, says so, then sleeps until it is killed.
HOLDER = """
import sys, time
from pathlib import Path
from scl_pipeline.lib.runs.run_locks import hold_run_lock
lock = hold_run_lock(Path(sys.argv[1]), "r1")
print("held", flush=True)
time.sleep(600)
"""


def test_a_killed_process_frees_its_run_lock_and_a_live_one_keeps_it(tmp_path):
    folder = lock_folder(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(folder)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        assert gone_processes(folder) == {}  # alive: its lock is not free
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=30)
        # No clean-up ran, the file is still there: the kernel released the lock with the process.
        assert gone_processes(folder) == {"r1": str(holder.pid)}
    finally:
        holder.kill()
        holder.wait(timeout=30)
    forget_run_lock(folder, "r1")
    assert gone_processes(folder) == {} and list(folder.iterdir()) == []


def test_this_process_holds_a_lock_until_it_closes_it_and_a_missing_folder_has_none(tmp_path):
    folder = lock_folder(tmp_path)
    assert gone_processes(folder) == {}
    with hold_run_lock(folder, "mine"):
        assert [p.name for p in folder.iterdir()] == ["mine.lock"]  # the temporary name is gone
        assert gone_processes(folder) == {}  # another handle cannot take the lock, even here
    assert gone_processes(folder) == {"mine": str(os.getpid())}


def test_each_host_has_its_own_folder_so_another_hosts_runs_are_never_judged_here(tmp_path):
    assert lock_folder(tmp_path) == tmp_path / "scl_run_locks" / socket.gethostname()
    with hold_run_lock(lock_folder(tmp_path, "node-b"), "theirs"):
        pass  # node-b's process ended: only node-b may say so
    assert gone_processes(lock_folder(tmp_path, "node-a")) == {}


def test_the_lines_name_the_run_what_it_ran_why_and_the_pools_freed():
    reason = "its process 2 on node-a is gone"
    assert recovery_line("r1", "wave_job 2021-Q2", reason, ["duckdb", "duckdb"]) == (
        "recovered: run r1 (wave_job 2021-Q2) marked failed, its process 2 on node-a is gone; "
        "freed its slot(s) in pool(s) duckdb"
    )
    assert recovery_line("r1", "wave_job 2021-Q2", reason, []) == (
        "recovered: run r1 (wave_job 2021-Q2) marked failed, its process 2 on node-a is gone")
    assert orphan_line("r2", "CANCELED", ["duckdb"]) == (
        "recovered: run r2 has ended (canceled) but held slot(s) in pool(s) duckdb: freed")
    assert orphan_line("r3", None, ["duckdb"]) == "recovered: run r3 no longer exists but held slot(s) in pool(s) duckdb: freed"
