"""A wave read to its gates, the one sequence of a run's ingestion step and of ``scl check``."""

from __future__ import annotations

import pandas as pd

from scl_pipeline.lib.ingestion.gates import GateConfig
from scl_pipeline.lib.ingestion.roster_presence import RosterPresence
from scl_pipeline.lib.ingestion.settings import IngestionConfig
from scl_pipeline.lib.ingestion.vitals import WaveVitals
from scl_pipeline.lib.ingestion.wave_intake import PreviousWave, intake_wave
from scl_pipeline_tests.helpers.landing import small_org, write_wave

WAVE = "2021-Q2"


def _intake(lake, previous: PreviousWave | None, asked: list):
    def ask() -> PreviousWave | None:
        asked.append(WAVE)
        return previous

    return intake_wave(lake, WAVE, IngestionConfig(), GateConfig(), "trust", 4, ask)


def test_a_good_wave_is_typed_counted_and_gated_against_what_it_is_compared_with(lake):
    hr, survey = small_org()
    write_wave(lake, WAVE, hr, survey)
    asked: list = []
    alone = _intake(lake, None, asked)
    assert alone.accepted and asked == [WAVE]
    assert [g.name for g in alone.gates] == ["wave.quarantined_share", "wave.has_strong_ties"]
    assert len(alone.typed_hr) == len(hr) == alone.vitals.population
    assert alone.presence is None and alone.presence_warning is None
    # Against a previous wave twice as large, with every roster participant present then.
    before = WaveVitals("2021-Q1", population=16, invited=16, respondents=16, invited_respondents=16, arcs=alone.vitals.arcs)
    roster = ["E1", "E2", "X1", "X2", "X3", "X4"]  # 2 of 6 present, all 6 before
    compared = _intake(lake, PreviousWave(before, roster, RosterPresence("2021-Q1", 6, 6)), asked)
    failed = [g.name for g in compared.gates if not g.passed]
    assert failed == ["wave.population_change", "wave.roster_presence"] and not compared.accepted
    assert compared.presence.present == 2
    assert compared.presence_warning == "2 of 6 roster participants are in the 2021-Q2 population; 6 were in 2021-Q1"


def test_a_wave_its_expectations_reject_is_not_gated_nor_compared(lake):
    hr, survey = small_org()
    write_wave(lake, WAVE, pd.concat([hr, hr.head(1)], ignore_index=True), survey)  # E1 twice in HR
    asked: list = []
    intake = _intake(lake, None, asked)
    assert not intake.validation.passed and not intake.accepted
    assert asked == [] and intake.gates == [] and intake.typed_hr is None and intake.vitals is None
