"""How the case study's numbers scale with the size of the demo organisation.

At the case study's 13,000 people (and above) the demo keeps its figures: 89 countries, 200
participants of whom 65 have no participant tie at baseline, an experiment of 63 program members
and 330 controls, and a resilience scenario removing 12 people of the hub country. Smaller
organisations keep the same structure with proportionally fewer people:

* countries: ``max(12, round(89 * (people / 13000) ** 0.6))`` below 13,000 (a sub-linear shrink,
  so small test organisations still have a long tail of small countries and 8 bridge groups);
* participants: ``max(24, round(200 * people / 13000))`` (a floor keeps shares meaningful);
* participants without a participant tie: ``round(65 / 200 * participants)``;
* experiment: ``round(63 / 200 * participants)`` program members and
  ``round(330 / 200 * participants)`` controls (fewer if not enough key collaborators remain);
* the 8 planted bridges and the 12-person resilience scenario do not scale.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

CASE_PEOPLE = 13_000
CASE_COUNTRIES = 89
CASE_PARTICIPANTS = 200
CASE_UNTIED = 65
CASE_PROGRAM_MEMBERS = 63
CASE_CONTROL_MEMBERS = 330
RESILIENCE_REMOVAL = 12
MIN_PEOPLE = 300


@dataclass(frozen=True)
class DemoScale:
    people: int
    countries: int
    participants: int
    untied_participants: int
    program_members: int
    control_members: int
    resilience_removal: int = RESILIENCE_REMOVAL

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def scale_for(people: int) -> DemoScale:
    """The demo's sizes for an organisation of ``people`` (at least ``MIN_PEOPLE``)."""
    if people < MIN_PEOPLE:
        raise ValueError(f"people={people}: the demo needs at least {MIN_PEOPLE} people")
    ratio = people / CASE_PEOPLE
    countries = CASE_COUNTRIES if ratio >= 1 else max(12, round(CASE_COUNTRIES * ratio**0.6))
    participants = max(24, round(CASE_PARTICIPANTS * ratio))
    return DemoScale(
        people=people,
        countries=countries,
        participants=participants,
        untied_participants=round(CASE_UNTIED / CASE_PARTICIPANTS * participants),
        program_members=round(CASE_PROGRAM_MEMBERS / CASE_PARTICIPANTS * participants),
        control_members=round(CASE_CONTROL_MEMBERS / CASE_PARTICIPANTS * participants),
    )
