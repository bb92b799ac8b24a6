"""The impact marts' settings: who the controls are, K, the bootstrap, the baseline override.

One dataclass, the single definition of each knob and its default; the Dagster resource
``ImpactSettings`` is generated from it (``defs/resources.py``). ROI assumptions are not here:
they live in a versioned file a user edits (``roi_config.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from scl_pipeline.lib.impact.did import CONTROL_DEFINITIONS, DEFAULT_SEED, KEY_COLLABORATORS, MIN_DRAWS, ControlGroup
from scl_pipeline.lib.impact.kbis import DEFAULT_K
from scl_pipeline.lib.waves import is_wave


@dataclass(frozen=True)
class ImpactConfig:
    """Settings of participant_network, impact_did, experiment_kbis and roi (docs/impact.md).

    ``control_group``: ``key_collaborators`` (non-participants who were central connectors or
    boundary spanners at the baseline, SPEC §3b's default) or ``non_participants``.
    ``k``: distinct responders that address a knowledge gap. ``bootstrap_draws`` (>= 2,000) and
    ``bootstrap_seed``: the DiD interval, reproducible. ``baseline_wave``: a loaded wave to use
    instead of the last wave ending before the first cohort's start (empty: none).
    """

    control_group: str = KEY_COLLABORATORS
    k: int = DEFAULT_K
    bootstrap_draws: int = MIN_DRAWS
    bootstrap_seed: int = DEFAULT_SEED
    baseline_wave: str | None = None

    def __post_init__(self) -> None:
        if self.baseline_wave is not None and not self.baseline_wave.strip():
            object.__setattr__(self, "baseline_wave", None)  # an empty field in the UI means "none"
        if self.control_group not in CONTROL_DEFINITIONS:
            raise ValueError(f"impact control_group {self.control_group!r}: use one of {sorted(CONTROL_DEFINITIONS)}")
        if self.k < 1:
            raise ValueError(f"impact k={self.k}: knowledge_gaps_addressed needs at least 1 distinct responder")
        if self.bootstrap_draws < MIN_DRAWS:
            raise ValueError(f"impact bootstrap_draws={self.bootstrap_draws}: at least {MIN_DRAWS} draws")
        if self.baseline_wave is not None and not is_wave(self.baseline_wave):
            raise ValueError(f"impact baseline_wave {self.baseline_wave!r}: expected a wave name like 2020-Q4")

    @property
    def control(self) -> ControlGroup:
        return ControlGroup(rule=self.control_group)
