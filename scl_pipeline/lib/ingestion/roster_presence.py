"""Program participants present in a wave's population, against the previous loaded wave (issue 22 §1).

When a wave's ids stop matching the roster's (an HR system migration: ``E000123`` became ``123``),
the wave loads and the impact marts silently have no row for it. The roster is checked against
HR exports when it loads, not each wave against the roster; this is that check: how many roster
participants the wave's population holds, a warning when fewer than in the previous loaded wave,
and a sanity gate (``wave.roster_presence``) when the share present drops below
``min_roster_presence_ratio`` times the previous wave's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scl_pipeline.lib.ingestion.gates import SETTINGS, GateConfig, GateResult

GATE = "wave.roster_presence"


@dataclass(frozen=True)
class RosterPresence:
    """How many of the roster's participants are in one wave's population."""

    wave: str
    roster: int
    present: int

    @property
    def share(self) -> float:
        return self.present / self.roster if self.roster else 0.0


def roster_presence(wave: str, population: Iterable[str], roster: Iterable[str]) -> RosterPresence:
    participants = set(roster)
    return RosterPresence(wave, len(participants), len(participants & set(population)))


def presence_detail(current: RosterPresence, previous: RosterPresence | None) -> str:
    """``0 of 36 roster participants are in the 2021-Q3 population; 36 were in 2021-Q2``."""
    detail = f"{current.present:,} of {current.roster:,} roster participants are in the {current.wave} population"
    return detail + (f"; {previous.present:,} were in {previous.wave}" if previous is not None else "")


def fewer_present(current: RosterPresence, previous: RosterPresence | None) -> bool:
    """Whether to warn: fewer participants than in the previous loaded wave (or none at all)."""
    return current.present < previous.present if previous is not None else current.present == 0


def roster_gate(current: RosterPresence, previous: RosterPresence | None, config: GateConfig) -> GateResult:
    """Fails when the share of the roster present fell below ``min_roster_presence_ratio`` times
    the previous loaded wave's; passes (with the counts) otherwise, or without a previous wave."""
    compared = previous is not None and previous.present > 0 and config.min_roster_presence_ratio > 0
    passed = not compared or current.share >= config.min_roster_presence_ratio * previous.share
    detail = presence_detail(current, previous)
    if compared:
        detail += f"; the gate needs at least {config.min_roster_presence_ratio:g} times the previous share"
    if not passed:
        detail += (
            ". Check that this wave's HR export uses the same employee ids as the roster (an HR system "
            "migration renumbers them; participant_network, impact_did and roi would have no row for this "
            f"wave). If the drop is real, lower min_roster_presence_ratio ({SETTINGS})"
        )
    return GateResult(GATE, "hr_export", passed, detail, current.roster, 0 if passed else current.roster - current.present)
