"""The process that executes a run, recorded in the run's tags, and whether it is still alive.

A pid alone is not an identity: after a kill the pid is free and the system may hand it to any
later process. The process start time (``/proc/<pid>/stat``, field 22, in clock ticks since boot)
tells the original process from a newcomer with the same pid, and the host name keeps a run
started on another machine from being judged by this machine's process table. The tags also name
the run they were written for: a re-executed run inherits its parent's tags, and must not be
judged by its parent's process before its own process has tagged it.
"""

from __future__ import annotations

import enum
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PID_TAG = "scl/pid"
HOST_TAG = "scl/host"
PROCESS_START_TAG = "scl/process_start"
PROCESS_RUN_TAG = "scl/process_run"
PROC = Path("/proc")


@dataclass(frozen=True)
class ProcessIdentity:
    pid: int
    host: str
    start: str  # clock ticks since boot, as /proc/<pid>/stat has it; "" where /proc is missing

    def tags(self, run_id: str) -> dict[str, str]:
        """The tags saying that this process executes run ``run_id``."""
        return {PID_TAG: str(self.pid), HOST_TAG: self.host, PROCESS_START_TAG: self.start, PROCESS_RUN_TAG: run_id}

    @classmethod
    def from_tags(cls, tags: Mapping[str, str], run_id: str) -> ProcessIdentity | None:
        """The process run ``run_id`` was tagged with; None for runs without (or with unreadable,
        or inherited) tags."""
        pid, host = tags.get(PID_TAG, ""), tags.get(HOST_TAG, "")
        if not pid.isdigit() or not host or tags.get(PROCESS_RUN_TAG) != run_id:
            return None
        return cls(int(pid), host, tags.get(PROCESS_START_TAG, ""))

    def describe(self) -> str:
        return f"process {self.pid} on {self.host}"


def process_start(pid: int, proc: Path = PROC) -> str | None:
    """When process ``pid`` started (``/proc/<pid>/stat`` field 22); None when no such process
    runs (a zombie, killed but not yet reaped by its parent, does not run)."""
    try:
        stat = (proc / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError, NotADirectoryError):
        return None
    # Field 2 is the command name in parentheses and may itself hold spaces and ")": split after
    # the last ")"; what follows starts at field 3 (the state), so field 22 is index 19.
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] in ("Z", "X"):
        return None
    return fields[19]


def this_process(pid: int, proc: Path = PROC) -> ProcessIdentity:
    """The identity of process ``pid`` of this host (the caller passes ``os.getpid()``)."""
    return ProcessIdentity(pid, socket.gethostname(), process_start(pid, proc) or "")


class Liveness(enum.Enum):
    ALIVE = "alive"
    GONE = "gone"
    UNKNOWN = "unknown"  # another host, or no /proc here: nobody may declare the run dead


def liveness(identity: ProcessIdentity, host: str | None = None, proc: Path = PROC) -> Liveness:
    """Whether the process that ``identity`` names still runs, judged on ``host`` (default: this
    machine). A pid now held by a process that started at another time counts as gone."""
    if identity.host != (host if host is not None else socket.gethostname()):
        return Liveness.UNKNOWN
    if not (proc / "self" / "stat").is_file():
        return Liveness.UNKNOWN
    start = process_start(identity.pid, proc)
    if start is None:
        return Liveness.GONE
    if identity.start and start != identity.start:
        return Liveness.GONE
    return Liveness.ALIVE
