"""Survey waves: the one mapping between landing folder names (``2021-Q3``) and the Dagster
quarterly partition keys (quarter start dates, ``2021-07-01``)."""

from __future__ import annotations

import datetime as dt
import re

_WAVE_RE = re.compile(r"^(?P<year>\d{4})-Q(?P<quarter>[1-4])$")

FIRST_WAVE = "2020-Q4"


class WaveNameError(ValueError):
    """A folder or argument that is not a wave name like ``2021-Q3``."""


def parse_wave(wave: str) -> tuple[int, int]:
    """``"2021-Q3"`` -> ``(2021, 3)``; anything else raises :class:`WaveNameError`."""
    match = _WAVE_RE.match(wave)
    if not match:
        raise WaveNameError(f"{wave!r} is not a wave name: expected YYYY-Qn, for example 2021-Q3")
    return int(match["year"]), int(match["quarter"])


def is_wave(name: str) -> bool:
    return _WAVE_RE.match(name) is not None


def wave_start(wave: str) -> dt.date:
    year, quarter = parse_wave(wave)
    return dt.date(year, 3 * (quarter - 1) + 1, 1)


def wave_to_partition_key(wave: str) -> str:
    return wave_start(wave).isoformat()


def partition_key_to_wave(key: str) -> str:
    try:
        day = dt.date.fromisoformat(key)
    except ValueError as exc:
        raise WaveNameError(f"{key!r} is not a quarterly partition key (YYYY-MM-DD)") from exc
    if day.day != 1 or day.month not in (1, 4, 7, 10):
        raise WaveNameError(f"{key!r} is not the first day of a quarter")
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def wave_of_date(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def wave_range(first: str, last: str) -> list[str]:
    """All waves from ``first`` to ``last`` inclusive, in order."""
    year, quarter = parse_wave(first)
    end = parse_wave(last)
    waves = []
    while (year, quarter) <= end:
        waves.append(f"{year}-Q{quarter}")
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return waves


def previous_wave(day: dt.date) -> str:
    """The wave of the quarter before the one ``day`` falls in."""
    year, quarter = parse_wave(wave_of_date(day))
    return f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}"
