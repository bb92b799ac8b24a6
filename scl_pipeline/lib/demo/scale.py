"""How the case study's numbers scale with the size of the demo organisation.

At the case study's 13,000 people the demo keeps its figures: 89 countries, 200 participants
of whom 65 have no participant tie at baseline and 18 work in the hub country (so removing 12 of
them, the case study's resilience test, leaves some), an experiment of 63 program members and
330 controls. Other sizes keep the same structure with proportional numbers:

* countries: ``max(12, round(89 * (people / 13000) ** 0.6))`` below 13,000, 89 above (a
  sub-linear shrink, so small test organisations still have a tail of small countries);
* participants: ``max(36, round(200 * people / 13000))`` (a floor keeps the 8 bridges' country
  groups and the shares meaningful);
* hub participants: ``max(10, round(18 / 200 * participants))``, the 8 bridges among them;
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
CASE_HUB_PARTICIPANTS = 18
MIN_PARTICIPANTS = 36
MIN_HUB_PARTICIPANTS = 10
CASE_PROGRAM_MEMBERS = 63
CASE_CONTROL_MEMBERS = 330
RESILIENCE_REMOVAL = 12
MIN_PEOPLE = 1000


@dataclass(frozen=True)
class DemoScale:
    people: int
    countries: int
    participants: int
    hub_participants: int
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
    participants = max(MIN_PARTICIPANTS, round(CASE_PARTICIPANTS * ratio))
    return DemoScale(
        people=people,
        countries=countries,
        participants=participants,
        hub_participants=max(MIN_HUB_PARTICIPANTS, round(CASE_HUB_PARTICIPANTS / CASE_PARTICIPANTS * participants)),
        untied_participants=round(CASE_UNTIED / CASE_PARTICIPANTS * participants),
        program_members=round(CASE_PROGRAM_MEMBERS / CASE_PARTICIPANTS * participants),
        control_members=round(CASE_CONTROL_MEMBERS / CASE_PARTICIPANTS * participants),
    )
