"""Which wave is "before": the program's baseline wave and an experiment's reference wave.

SPEC §3b: the baseline is the last wave whose quarter ends before the first cohort's start
date; an experiment's network reference is the last wave whose quarter ended before its first
question. Both pick from the waves that exist (a lake may skip quarters), using
:mod:`scl_pipeline.lib.waves` for the quarter arithmetic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from scl_pipeline.lib.waves import parse_wave, previous_wave


@dataclass(frozen=True)
class BaselineChoice:
    """The baseline wave (``None`` when there is none) and why, for run metadata."""

    wave: str | None
    reason: str


def _sorted_waves(waves: Iterable[str]) -> list[str]:
    return sorted(set(waves), key=parse_wave)


def last_wave_ending_before(waves: Iterable[str], day: dt.date) -> str | None:
    """The latest of ``waves`` whose quarter ends before ``day`` (the quarter before ``day``'s, or earlier)."""
    limit = parse_wave(previous_wave(day))
    eligible = [w for w in _sorted_waves(waves) if parse_wave(w) <= limit]
    return eligible[-1] if eligible else None


def first_start_date(roster: pd.DataFrame | None) -> dt.date | None:
    """The earliest ``start_date`` of the roster (any cohort), or ``None`` when none is known."""
    if roster is None or roster.empty or "start_date" not in roster.columns:
        return None
    starts = pd.to_datetime(roster["start_date"], errors="coerce").dropna()
    return None if starts.empty else starts.min().date()


def resolve_baseline(
    waves: Iterable[str], roster: pd.DataFrame | None, override: str | None = None
) -> BaselineChoice:
    """The baseline wave of SPEC §3b, or ``None`` with the reason.

    ``override`` (a configured wave) wins but must be one of ``waves``: a baseline that does
    not exist is a configuration error and raises ``ValueError``. Without it, no roster, a
    roster without start dates, or a program that started before the first wave give ``None``:
    there is no pre-program measurement, and the impact marts are empty with that reason.
    """
    available = _sorted_waves(waves)
    if override is not None:
        parse_wave(override)
        if override not in available:
            raise ValueError(
                f"baseline wave override {override!r} is not a loaded wave; loaded: {available or 'none'}"
            )
        return BaselineChoice(override, f"configured baseline wave {override}")
    if roster is None or roster.empty:
        return BaselineChoice(None, "no program roster: there is no program to compare against")
    start = first_start_date(roster)
    if start is None:
        return BaselineChoice(
            None, "the program roster has no start_date: set one, or configure the baseline wave"
        )
    chosen = last_wave_ending_before(available, start)
    if chosen is None:
        return BaselineChoice(
            None,
            f"no loaded wave ends before the first cohort's start {start.isoformat()} "
            f"(first loaded wave: {available[0] if available else 'none'})",
        )
    return BaselineChoice(chosen, f"last wave ending before the first cohort's start {start.isoformat()}")


def baseline_wave(waves: Iterable[str], roster: pd.DataFrame | None, override: str | None = None) -> str | None:
    """The baseline wave, or ``None`` (see :func:`resolve_baseline` for the reason)."""
    return resolve_baseline(waves, roster, override).wave


def is_after(wave: str, other: str) -> bool:
    """``wave`` is a later quarter than ``other``."""
    return parse_wave(wave) > parse_wave(other)
