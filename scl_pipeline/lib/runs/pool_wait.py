"""A run waiting for a concurrency-pool slot: what it waits for, and how long it may wait.

Every warehouse step is in pool ``duckdb`` with one slot across all runs; a run whose step cannot
get the slot waits. The wait is normal (another run is writing), but a slot held by a run that will
never finish would make it wait for ever: the wait is shown, and ends after ``SCL_POOL_WAIT_TIMEOUT``
seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

POOL_WAIT_TIMEOUT_ENV = "SCL_POOL_WAIT_TIMEOUT"
DEFAULT_POOL_WAIT_TIMEOUT = 1800.0
RECOVERY_DOC = "docs/operations.md, \"Recovery after a crash or kill\""


def pool_wait_timeout(environ: Mapping[str, str]) -> float:
    """Seconds a run may wait for a pool slot: ``SCL_POOL_WAIT_TIMEOUT`` or 1800."""
    raw = environ.get(POOL_WAIT_TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_POOL_WAIT_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = float("nan")
    if not seconds > 0 or seconds == float("inf"):
        raise ValueError(f"{POOL_WAIT_TIMEOUT_ENV}={raw!r}: expected a positive number of seconds")
    return seconds


@dataclass(frozen=True)
class Slot:
    pool: str
    run_id: str
    step_key: str


@dataclass(frozen=True)
class PoolWait:
    """A step of a run waiting in ``pool``, and who holds the pool's slots meanwhile."""

    run_id: str
    step_key: str
    pool: str
    holders: tuple[Slot, ...]


def waits_of(run_id: str, pending: Iterable[Slot], assigned: Iterable[Slot], claimed: Iterable[Slot]) -> list[PoolWait]:
    """The steps of ``run_id`` that are queued for a slot (``pending``) and not given one yet
    (neither ``assigned`` nor ``claimed``), each with the other runs' steps holding its pool."""
    # A step given a slot holds it from the moment it is assigned, before it claims it.
    given = list(dict.fromkeys([*claimed, *assigned]))
    waits = []
    for slot in pending:
        if slot.run_id != run_id or slot in given:
            continue
        holders = tuple(h for h in given if h.pool == slot.pool and h.run_id != run_id)
        waits.append(PoolWait(run_id, slot.step_key, slot.pool, holders))
    return waits


def _holders(wait: PoolWait) -> str:
    if not wait.holders:
        return "no slot free yet"
    return "held by " + ", ".join(f"run {h.run_id} step {h.step_key}" for h in wait.holders)


def wait_line(wait: PoolWait, waited: float, timeout: float) -> str:
    return (
        f"  waiting {waited:.0f}s for a slot of pool {wait.pool!r} for step {wait.step_key} "
        f"({_holders(wait)}); gives up after {timeout:.0f}s ({POOL_WAIT_TIMEOUT_ENV})"
    )


def timeout_message(wait: PoolWait, timeout: float) -> str:
    return (
        f"gave up after waiting {timeout:.0f}s for a slot of pool {wait.pool!r} for step {wait.step_key} "
        f"({_holders(wait)}). If that run is dead (and was tagged on this host), `scl run` frees its slot on start; if it is alive, "
        f"let it finish or raise {POOL_WAIT_TIMEOUT_ENV}. How to free a slot by hand: {RECOVERY_DOC}."
    )
