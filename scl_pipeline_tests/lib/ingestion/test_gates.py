"""Sanity gates: the vital counts of a candidate wave (the staging SQL run on its rows), and each
gate trips exactly when it should, with a message saying what to check and how to change it."""

from __future__ import annotations

import pandas as pd
import pytest

from scl_pipeline.lib.ingestion.gates import GateConfig, Quarantined, check_gates
from scl_pipeline.lib.ingestion.vitals import WaveVitals, wave_vitals

HR = pd.DataFrame(
    {
        "employee_id": ["E1", "E2", "E3", "E4", "E5", "E6"],
        "invited_to_survey": pd.array([pd.NA, True, True, pd.NA, False, True], dtype="boolean"),
    }
)
SURVEY = pd.DataFrame(
    [
        ("E1", "E2", "trust", 5), ("E1", "E2", "trust", 2),  # duplicate: the highest strength counts
        ("E2", "E1", "trust", 3), ("E2", "E3", "trust", 4), ("E3", "E1", "trust", None),
        ("E3", "E3", "trust", 5),  # self-nomination: never a tie
        ("E4", "X9", "trust", 5),  # nominee outside the population
        ("E5", "E1", "trust", 4),  # uninvited respondent: a respondent, not in the response rate
        ("E1", "E4", "advice", 5), ("E6", "E1", "energy", None),
    ],
    columns=["respondent_id", "nominee_id", "relation", "strength"],
).astype({"strength": "Int64"})


def test_vitals_of_a_candidate_wave_follow_the_tie_rules():
    vitals = wave_vitals("2021-Q3", HR, SURVEY, "trust", 4)
    # E1->E2 (5, its duplicate's 2 ignored), E2->E3 (4), E5->E1 (4); not E2->E1 (3), the unrated
    # E3->E1, the self-nomination, the outsider X9, nor the other relations.
    assert vitals.arcs == 3
    assert (vitals.population, vitals.invited) == (6, 5)
    respondents = set(SURVEY["respondent_id"]) & set(HR["employee_id"])
    assert vitals.respondents == len(respondents) == 6
    assert vitals.response_rate == pytest.approx(5 / 5)  # E1, E2, E3, E4, E6 invited and answered
    assert vitals.relation_rows == {"trust": 8, "advice": 1, "energy": 1}
    assert vitals.max_strength == 5
    assert wave_vitals("2021-Q3", HR, SURVEY, "trust", 5).arcs == 1  # the threshold is the setting's
    assert wave_vitals("2021-Q3", HR, SURVEY, "advice", 4).arcs == 1  # E1->E4, the primary relation's


def test_a_relation_without_any_strength_counts_every_tie_as_strong():
    survey = SURVEY.assign(strength=pd.array([pd.NA] * len(SURVEY), dtype="Int64"))
    # E1->E2, E2->E1, E2->E3, E3->E1, E5->E1: every trust tie inside the population but the self-nomination.
    assert wave_vitals("w", HR, survey, "trust", 4).arcs == 5
    assert wave_vitals("w", HR, survey, "trust", 4).max_strength is None


def _vitals(**counts) -> WaveVitals:
    base = dict(wave="2021-Q4", population=1000, invited=1000, respondents=800, invited_respondents=800, arcs=5000)
    return WaveVitals(**{**base, **counts})


def _gates(current, previous=None, config=GateConfig(), rows=10_000, quarantined=0, reasons=()):
    return {g.name: g for g in check_gates(current, previous, config, rows, quarantined, reasons, "trust", 4)}


def test_a_healthy_wave_passes_every_gate():
    gates = _gates(_vitals(wave="2022-Q1", population=1040, invited_respondents=780, arcs=5100), _vitals())
    assert set(gates) == {
        "wave.quarantined_share", "wave.has_strong_ties", "wave.population_change",
        "wave.response_rate_vs_previous", "wave.arcs_vs_previous",
    }
    assert all(g.passed for g in gates.values())


def test_without_a_previous_wave_only_the_wave_s_own_gates_apply():
    assert set(_gates(_vitals())) == {"wave.quarantined_share", "wave.has_strong_ties"}


def test_quarantine_share_gate_names_the_reasons_and_the_setting():
    reasons = [Quarantined("ona_survey.nominee_id_in_hr", 9_000, "9000 of these 900 distinct ids differ only by leading zeros")]
    gate = _gates(_vitals(), quarantined=9_000, reasons=reasons)["wave.quarantined_share"]
    assert not gate.passed and gate.rows_failed == 9_000
    assert "9,000 of 10,000 survey rows (90.0%) were quarantined" in gate.detail
    assert "leading zeros" in gate.detail and "max_quarantined_share" in gate.detail
    # At the threshold, and below the row floor, it passes.
    assert _gates(_vitals(), quarantined=500)["wave.quarantined_share"].passed
    assert _gates(_vitals(), rows=100, quarantined=9)["wave.quarantined_share"].passed
    assert not _gates(_vitals(), rows=100, quarantined=10)["wave.quarantined_share"].passed
    assert _gates(_vitals(), quarantined=9_000, config=GateConfig(max_quarantined_share=1.0))["wave.quarantined_share"].passed


def test_no_strong_tie_names_the_relations_and_strengths_seen():
    empty = _vitals(arcs=0, relation_rows={"advice": 40, "Trust ": 0}, max_strength=3)
    gate = _gates(empty)["wave.has_strong_ties"]
    assert not gate.passed
    assert "primary relation 'trust'" in gate.detail and "advice 40 rows" in gate.detail
    assert "strong = 4 or more; the highest strength given is 3" in gate.detail
    assert "wave.has_strong_ties" not in _gates(empty, config=GateConfig(require_strong_ties=False))


@pytest.mark.parametrize(
    ("current", "gate", "words"),
    [
        (_vitals(population=600), "wave.population_change", "population 600 against 1,000 in 2021-Q3"),
        (_vitals(population=1300), "wave.population_change", "+30.0%"),
        (_vitals(invited_respondents=390), "wave.response_rate_vs_previous", "response rate 39.0% against 80.0%"),
        (_vitals(arcs=2400), "wave.arcs_vs_previous", "2,400 strong arcs against 5,000 in 2021-Q3"),
    ],
)
def test_comparison_gates_trip_against_the_previous_wave(current, gate, words):
    previous = _vitals(wave="2021-Q3")
    result = _gates(current, previous)[gate]
    assert not result.passed and words in result.detail
    assert "docs/data_quality.md" in result.detail and "Check" in result.detail
    off = {"wave.population_change": {"max_population_change": -1}, "wave.response_rate_vs_previous":
           {"min_response_rate_ratio": 0}, "wave.arcs_vs_previous": {"min_arcs_ratio": 0}}[gate]
    assert gate not in _gates(current, previous, GateConfig(**off))


def test_boundaries_are_inclusive():
    previous = _vitals(wave="2021-Q3")
    gates = _gates(_vitals(population=1250, invited_respondents=400, arcs=2500), previous)
    assert all(g.passed for g in gates.values())
    gates = _gates(_vitals(population=1251, invited_respondents=399, arcs=2499), previous)
    assert [n for n, g in gates.items() if not g.passed] == [
        "wave.population_change", "wave.response_rate_vs_previous", "wave.arcs_vs_previous",
    ]
