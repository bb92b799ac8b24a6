"""The planted truth of a demo organisation, written beside the landing files.

It records what the generator planted so tests and demos can compare the pipeline's findings with
it. Person lists hold employee ids, sorted.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

TRUTH_FILE = "_demo_truth.json"


@dataclass(frozen=True)
class DemoTruth:
    seed: int
    people: int
    file_format: str
    waves: list[str]
    baseline_wave: str
    scale: dict[str, int]
    countries: dict[str, int]  # alpha-2 -> head-count at baseline, largest first
    hub_country: str
    planted_bridges: list[str]
    bridge_groups: dict[str, list[str]]  # bridge id -> countries it alone links to the hub
    bridge_partners: dict[str, list[str]]  # bridge id -> its strong ties abroad
    baseline_key_collaborators: list[str]
    participants: list[str]
    cohort: str
    program_start: str
    program_end: str
    participants_without_participant_tie_at_baseline: list[str]
    baseline_cross_country_participant_ties: int
    new_bonds: list[list[str]]  # [participant, participant, wave the bond first appears]
    participants_planned_to_bond: list[str]
    outreach_ties: list[list[str]]  # [participant, colleague abroad, first wave]: countries without a bonder
    experiment_id: str
    experiment_wave: str
    experiment_program: list[str]
    experiment_control: list[str]
    kbi_definitions: dict[str, str]
    kbi_target_rates: dict[str, dict[str, float]]
    kbi_rates: dict[str, dict[str, float]]  # recomputed from the written interaction log
    files: list[str]  # landing-relative paths written

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    def write(self, landing_root: Path) -> Path:
        path = landing_root / TRUTH_FILE
        path.write_text(self.to_json(), encoding="utf-8")
        return path

    @classmethod
    def read(cls, landing_root: Path) -> "DemoTruth":
        return cls(**json.loads((landing_root / TRUTH_FILE).read_text(encoding="utf-8")))
