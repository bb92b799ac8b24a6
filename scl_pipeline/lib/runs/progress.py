"""Progress lines of long steps: said through the run's log, throttled, and recognisable so
``scl run`` can echo them while the run goes on (defs/runs/supervision.py)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

# Progress of a long computation: (done, total) in its own unit (sources, rows).
Progress = Callable[[int, int], None]

# Every progress line starts with this, in the Dagster log and where the CLI looks for them.
PROGRESS_PREFIX = "progress: "
# Library warnings (e.g. personal-data columns dropped) under the CLI's stage lines, from the
# ``scl`` process and from the child processes executing its runs alike.
NOTE_FORMAT = "  note: %(message)s"


def throttled_progress(
    say: Callable[[str], None], label: str, unit: str, every_seconds: float = 10.0, every_fraction: float = 0.1,
    clock: Callable[[], float] = time.monotonic,
) -> Progress:
    """A :data:`Progress` callback that says ``"progress: <label>: done/total <unit> (p%)"``
    through ``say`` when ``every_fraction`` more of the work is done or ``every_seconds`` have
    passed since the last line, and at the end: a long step shows it is moving without flooding
    the log."""
    last = {"at": clock(), "done": 0}

    def report(done: int, total: int) -> None:
        now = clock()
        moved = total > 0 and (done - last["done"]) / total >= every_fraction
        if done >= total or moved or (now - last["at"] >= every_seconds and done > last["done"]):
            last["at"], last["done"] = now, done
            percent = 100.0 if total == 0 else 100.0 * done / total
            say(f"{PROGRESS_PREFIX}{label}: {done:,}/{total:,} {unit} ({math.floor(percent):d}%)")

    return report


def progress_text(message: str) -> str | None:
    """The progress a log message reports, without the prefix; None for any other message."""
    return message[len(PROGRESS_PREFIX):] if message.startswith(PROGRESS_PREFIX) else None
