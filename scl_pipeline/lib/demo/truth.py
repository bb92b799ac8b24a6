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
    # The participants' network (SPEC §3b scope ``participants``): the planted story.
    planted_bridges: list[str]  # the hub participants who are its single bridges at baseline
    bridge_groups: dict[str, list[str]]  # bridge id -> countries it alone links to the hub
    bridge_partners: dict[str, list[str]]  # bridge id -> the participants abroad it is tied to
    baseline_key_collaborators: list[str]
    participants: list[str]
    hub_participants: list[str]
    cohort: str
    program_start: str
    program_end: str
    participants_without_participant_tie_at_baseline: list[str]
    baseline_cross_country_participant_ties: int
    # bridge id -> people_cut_off, pieces, countries_cut_off at baseline (SPEC §3b)
    bridge_criticality: dict[str, dict]
    # wave -> largest-component share and fragmentation before/after removing the bridges
    bridge_removal: dict[str, dict[str, float]]
    hub_removal: dict[str, dict[str, float]]  # the same, removing every hub participant
    participant_network: dict[str, dict[str, float]]  # wave -> participant_network figures
    # metric -> group means at baseline and at the last wave, and their difference-in-differences
    # (control: non-participant key collaborators at baseline; people present in both waves)
    planted_effects: dict[str, dict[str, float]]
    new_bonds: list[list[str]]  # [participant, participant, wave the bond first appears]
    participants_planned_to_bond: list[str]
    experiment_id: str
    experiment_wave: str
    experiment_program: list[str]
    experiment_control: list[str]
    # The experiment's indicators as SPEC §3b defines them (K = kbi_k, E = kbi_e, neighbours in U at
    # kbi_reference_wave), the case study's figures, and the planted rates recomputed from the log.
    kbi_definitions: dict[str, str]
    kbi_target_rates: dict[str, dict[str, float]]
    kbi_rates: dict[str, dict[str, float]]
    kbi_k: int
    kbi_reference_wave: str
    files: list[str]  # landing-relative paths written
    kbi_e: int = 3  # E: exchanges that make a member engaged (SPEC §3b)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    def write(self, landing_root: Path) -> Path:
        path = landing_root / TRUTH_FILE
        path.write_text(self.to_json(), encoding="utf-8")
        return path

    @classmethod
    def read(cls, landing_root: Path) -> "DemoTruth":
        return cls(**json.loads((landing_root / TRUTH_FILE).read_text(encoding="utf-8")))
