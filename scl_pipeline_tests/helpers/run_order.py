"""The order the suite runs in: the files with a test marked ``slow`` (end to end) first, then the
others; in each group the files that took longest first (measured seconds per file in
``scl_pipeline_tests/durations.json``), then the unmeasured ones as collected; each file's tests
together and in their order.

``python3 dev.py test`` hands whole files to its two xdist workers in this order
(``--dist loadfile``): a long file never starts last while the other worker has nothing left, and
a module-scoped fixture (a lake several tests read) is built once, on one worker. Files missing
from the table (new or fast ones) follow in collection order.

Refresh the table from a run's durations (the slowest 80 tests are enough to rank the long files)::

    python3 dev.py test -q > /tmp/durations.log   # it prints the 80 slowest tests
    .venv/bin/python -m scl_pipeline_tests.helpers.run_order /tmp/durations.log
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

TABLE = Path(__file__).resolve().parents[1] / "durations.json"
# A line of pytest's "slowest durations" section: "12.34s call     path/test_x.py::test_y[...]".
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s+(?:setup|call|teardown)\s+([^\s:]+\.py)::")

Item = TypeVar("Item")


def file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def seconds_per_file(lines: Iterable[str]) -> dict[str, float]:
    """Seconds per test file (setup, call and teardown summed) from pytest's durations lines."""
    seconds: dict[str, float] = {}
    for line in lines:
        match = _DURATION.match(line)
        if match:
            seconds[match[2]] = seconds.get(match[2], 0.0) + float(match[1])
    return seconds


def load_table(path: Path = TABLE) -> dict[str, float]:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def longest_files_first(
    items: Sequence[Item], nodeid_of: Callable[[Item], str], seconds: Mapping[str, float],
    is_slow: Callable[[Item], bool] = lambda item: False,
) -> list[Item]:
    """``items`` with the files holding a slow item first, then the rest; in each group the files
    that took longest first, unmeasured ones after them as they came; each file's items together
    and in their order."""
    first_seen: dict[str, int] = {}
    slow: set[str] = set()
    for index, item in enumerate(items):
        name = file_of(nodeid_of(item))
        first_seen.setdefault(name, index)
        if is_slow(item):
            slow.add(name)

    def key(item: Item) -> tuple[bool, float, int]:
        name = file_of(nodeid_of(item))
        return name not in slow, -seconds.get(name, 0.0), first_seen[name]

    return sorted(items, key=key)  # stable: each file's own order is kept


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    seconds = seconds_per_file(Path(argv[0]).read_text(encoding="utf-8").splitlines())
    if not seconds:
        print(f"{argv[0]}: no durations lines (run pytest with --durations=0)")
        return 1
    ranked = dict(sorted(((f, round(s, 1)) for f, s in seconds.items()), key=lambda fs: -fs[1]))
    TABLE.write_text(json.dumps(ranked, indent=1) + "\n", encoding="utf-8")
    print(f"{TABLE}: {len(ranked)} files, {sum(ranked.values()):.0f}s in all; longest: {next(iter(ranked))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
