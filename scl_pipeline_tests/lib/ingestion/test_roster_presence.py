"""Program participants missing from a wave (issue 22 §1): counted against the previous wave,
a warning when fewer, a gate when the share present drops sharply."""

import pytest

from scl_pipeline.lib.ingestion.gates import GateConfig
from scl_pipeline.lib.ingestion.roster_presence import fewer_present, presence_detail, roster_gate, roster_presence

ROSTER = [f"E{i:06d}" for i in range(1, 37)]
POPULATION = [f"E{i:06d}" for i in range(1, 1001)]


def test_an_id_migration_leaves_no_participant_in_the_wave_and_the_gate_stops_it():
    before = roster_presence("2021-Q2", POPULATION, ROSTER)
    now = roster_presence("2021-Q3", [str(i) for i in range(1, 1001)], ROSTER)  # E000123 became 123
    assert presence_detail(now, before) == "0 of 36 roster participants are in the 2021-Q3 population; 36 were in 2021-Q2"
    assert fewer_present(now, before)
    gate = roster_gate(now, before, GateConfig())
    assert not gate.passed and gate.name == "wave.roster_presence" and gate.rows_failed == 36
    assert gate.message.startswith("FAILED gate wave.roster_presence: 0 of 36 roster participants")
    assert "min_roster_presence_ratio" in gate.detail and "E0000" not in gate.detail


@pytest.mark.parametrize(("present", "passed"), [(18, True), (17, False), (36, True)])
def test_the_gate_compares_the_share_present_with_the_previous_waves(present, passed):
    before = roster_presence("2021-Q2", POPULATION, ROSTER)
    now = roster_presence("2021-Q3", ROSTER[:present], ROSTER)
    assert roster_gate(now, before, GateConfig()).passed is passed  # 0.5 of 36: exactly half passes
    assert roster_gate(now, before, GateConfig(min_roster_presence_ratio=0)).passed, "0 switches the gate off"


def test_without_a_previous_wave_the_count_is_recorded_and_none_present_is_warned():
    now = roster_presence("2021-Q1", ["X1"], ROSTER)
    gate = roster_gate(now, None, GateConfig())
    assert gate.passed and gate.detail == "0 of 36 roster participants are in the 2021-Q1 population"
    assert fewer_present(now, None)
    assert not fewer_present(roster_presence("2021-Q1", POPULATION, ROSTER), None)
