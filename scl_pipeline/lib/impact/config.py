"""The impact marts' settings: who the controls are (and how they are matched), K, the
experiment's engagement threshold E, the bootstrap, the baseline override.

One dataclass, the single definition of each knob and its default; the Dagster resource
``ImpactSettings`` is generated from it (``defs/resources.py``). ROI assumptions are not here:
they live in a versioned file a user edits (``roi_config.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from scl_pipeline.lib.impact.did import CONTROL_DEFINITIONS, DEFAULT_SEED, MATCHED, MIN_DRAWS, ControlGroup
from scl_pipeline.lib.impact.kbis import DEFAULT_E, DEFAULT_K
from scl_pipeline.lib.impact.matching import DEFAULT_CALIPER, DEFAULT_MATCH_K, MatchSettings
from scl_pipeline.lib.waves import is_wave


@dataclass(frozen=True)
class ImpactConfig:
    """Settings of participant_network, impact_did, experiment_kbis and roi (docs/impact.md).

    ``control_group``: ``matched`` (the default: per participant the ``match_k`` nearest
    non-participants at the baseline on its metrics and roles, Mahalanobis distance within
    ``match_caliper``, optimal matching without replacement unless ``match_replace``, exactly on
    the comma-separated person_wave_metrics columns of ``match_exact``, e.g. ``country,level``),
    ``key_collaborators`` (non-participants who were central connectors or boundary spanners at
    the baseline) or ``non_participants``.
    ``k``: distinct responders that address a knowledge gap. ``engagement_min_exchanges`` (E):
    exchanges, as asker or responder, that make a member engaged (1: any exchange). ``bootstrap_draws`` (>= 2,000) and
    ``bootstrap_seed``: the DiD interval, reproducible. ``baseline_wave``: a loaded wave to use
    instead of the last wave ending before the first cohort's start (empty: none).
    """

    control_group: str = MATCHED
    match_k: int = DEFAULT_MATCH_K
    match_replace: bool = False
    match_caliper: float | None = DEFAULT_CALIPER
    match_exact: str = ""
    k: int = DEFAULT_K
    engagement_min_exchanges: int = DEFAULT_E
    bootstrap_draws: int = MIN_DRAWS
    bootstrap_seed: int = DEFAULT_SEED
    baseline_wave: str | None = None

    def __post_init__(self) -> None:
        if self.baseline_wave is not None and not self.baseline_wave.strip():
            object.__setattr__(self, "baseline_wave", None)  # an empty field in the UI means "none"
        if self.control_group not in CONTROL_DEFINITIONS:
            raise ValueError(f"impact control_group {self.control_group!r}: use one of {sorted(CONTROL_DEFINITIONS)}")
        self.matching  # a bad match_k or match_caliper fails here, naming the setting
        if self.k < 1:
            raise ValueError(f"impact k={self.k}: knowledge_gaps_addressed needs at least 1 distinct responder")
        if self.engagement_min_exchanges < 1:
            raise ValueError(f"impact engagement_min_exchanges={self.engagement_min_exchanges}: at least 1 exchange")
        if self.bootstrap_draws < MIN_DRAWS:
            raise ValueError(f"impact bootstrap_draws={self.bootstrap_draws}: at least {MIN_DRAWS} draws")
        if self.baseline_wave is not None and not is_wave(self.baseline_wave):
            raise ValueError(f"impact baseline_wave {self.baseline_wave!r}: expected a wave name like 2020-Q4")

    @property
    def matching(self) -> MatchSettings:
        exact = tuple(c.strip() for c in self.match_exact.split(",") if c.strip())
        return MatchSettings(k=self.match_k, replace=self.match_replace, caliper=self.match_caliper, exact=exact)

    @property
    def control(self) -> ControlGroup:
        return ControlGroup(rule=self.control_group, match=self.matching)
