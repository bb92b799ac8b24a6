import os
import socket
from pathlib import Path

import pytest

from scl_pipeline.lib.runs.processes import (
    HOST_TAG, PID_TAG, PROCESS_RUN_TAG, Liveness, ProcessIdentity, liveness, process_start, this_process,
)


def _stat(pid: int, start: int, state: str = "S", comm: str = "python") -> str:
    # Fields 4..21 are irrelevant here; field 22 is the start time.
    return f"{pid} ({comm}) {state} " + " ".join(str(n) for n in range(4, 22)) + f" {start} 99 98\n"


@pytest.fixture
def proc(tmp_path) -> Path:
    """A fake /proc with this process (``self``) and process 4242, started at tick 777."""
    for name, text in (("self", _stat(1, 1)), ("4242", _stat(4242, 777, comm="scl (run) ) x"))):
        (tmp_path / name).mkdir()
        (tmp_path / name / "stat").write_text(text)
    return tmp_path


def test_the_start_time_is_field_22_even_when_the_command_name_holds_spaces_and_parentheses(proc):
    assert process_start(4242, proc) == "777"


def test_a_missing_or_zombie_process_has_no_start(proc):
    assert process_start(5151, proc) is None
    (proc / "6161").mkdir()
    (proc / "6161" / "stat").write_text(_stat(6161, 5, state="Z"))
    assert process_start(6161, proc) is None


def test_liveness_alive_gone_reused_and_unknown(proc):
    host = "node-a"
    assert liveness(ProcessIdentity(4242, host, "777"), host, proc) is Liveness.ALIVE
    assert liveness(ProcessIdentity(5151, host, "777"), host, proc) is Liveness.GONE
    # The pid was handed to a process that started later: the run's process is gone.
    assert liveness(ProcessIdentity(4242, host, "700"), host, proc) is Liveness.GONE
    # Another machine's process table is not ours to judge, nor is a machine without /proc.
    assert liveness(ProcessIdentity(5151, "node-b", "777"), host, proc) is Liveness.UNKNOWN
    assert liveness(ProcessIdentity(5151, host, "777"), host, proc / "absent") is Liveness.UNKNOWN


def test_this_process_is_alive_on_the_real_proc():
    me = this_process(os.getpid())
    assert me.host == socket.gethostname() and me.start
    assert liveness(me) is Liveness.ALIVE


def test_tags_round_trip_only_for_the_run_they_were_written_for():
    me = ProcessIdentity(4242, "node-a", "777")
    tags = me.tags("run-1")
    assert ProcessIdentity.from_tags(tags, "run-1") == me
    # A re-executed run inherits its parent's tags: they say nothing about its own process.
    assert ProcessIdentity.from_tags(tags, "run-2") is None
    assert ProcessIdentity.from_tags({}, "run-1") is None
    assert ProcessIdentity.from_tags({**tags, PID_TAG: "x"}, "run-1") is None
    assert ProcessIdentity.from_tags({k: v for k, v in tags.items() if k != HOST_TAG}, "run-1") is None
    assert tags[PROCESS_RUN_TAG] == "run-1"
