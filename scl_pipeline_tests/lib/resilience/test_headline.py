"""What asset metadata shows (no employee id anywhere), and the cross-wave baseline rows."""

import re

import networkx as nx
import pandas as pd
import pytest

from scl_pipeline.lib.resilience import headline
from scl_pipeline.lib.resilience.scenario_file import ScenarioSpec
from scl_pipeline.lib.resilience.scopes import wave_scopes
from scl_pipeline.lib.resilience.tables import (
    RESILIENCE_SCENARIOS_COLUMNS, baseline_bridge_ids, baseline_scenarios, wave_bridges, wave_removals,
    wave_resilience,
)
from scl_pipeline_tests.lib.resilience import reference as ref
from scl_pipeline_tests.lib.resilience.test_tables import PARTICIPANTS, _betweenness, _snapshot_with_countries


@pytest.fixture(scope="module")
def wave():
    snap = _snapshot_with_countries(1)
    return snap, wave_resilience(snap, PARTICIPANTS, _betweenness(snap))


def test_top_bridges_are_ranked_critical_rows_without_ids(wave):
    _, result = wave
    bridges = result.bridge_criticality
    for scope in ("organisation", "participants"):
        top = headline.top_critical_bridges(bridges, scope, 3)
        mine = bridges[(bridges["scope"] == scope) & bridges["critical"]].sort_values("rank").head(3)
        assert list(top.columns) == list(headline.TOP_BRIDGE_COLUMNS)
        assert top["rank"].tolist() == mine["rank"].tolist()
        assert top["people_cut_off"].tolist() == mine["people_cut_off"].tolist()
    text = headline.top_bridges_markdown(bridges)
    header = [line for line in text.splitlines() if line.startswith("|")][0]
    assert re.findall(r"\w+", header) == list(headline.TOP_BRIDGE_COLUMNS)  # no employee_id column
    assert f"{int(bridges[bridges['scope'] == 'organisation']['critical'].sum()):,} critical bridges" in text


def test_worst_country_scenarios_in_order(wave):
    _, result = wave
    ranked = headline.country_scenarios(result.resilience_scenarios, "organisation")
    increase = ranked["fragmentation_increase"].tolist()
    assert increase == sorted(increase, reverse=True) and (ranked["removed_people"] > 0).all()
    worst = headline.removal_headline(result.resilience_scenarios, result.robustness_summary)
    assert worst["worst_country_scenario"]["organisation"]["scenario"] == ranked.iloc[0]["scenario"]
    assert "| scenario" in headline.worst_scenarios_markdown(result.resilience_scenarios).replace("|   ", "| ")


def test_missing_ids_are_shown_by_their_position_in_the_file():
    specs = [ScenarioSpec("named", employee_ids=("7", "x1", "3", "x2")), ScenarioSpec("top", country="ZM", top_k=2)]
    missing = {("organisation", "named"): ["x1", "x2"], ("participants", "named"): ["7", "x1", "x2"]}
    assert headline.missing_id_positions(missing, specs) == {
        "named": {"organisation": [2, 4], "participants": [1, 2, 4]}}


def test_cross_wave_baseline_rows_equal_the_wave_step_rows():
    # The pipeline evaluates baseline_single_bridges apart from the wave's other scenarios: the
    # rows must be the ones wave_removals gives when handed the same baseline bridges.
    first, second = _snapshot_with_countries(1), _snapshot_with_countries(2)
    removed = baseline_bridge_ids(wave_bridges(first, PARTICIPANTS, 2))
    apart = baseline_scenarios([("w1", first), ("w2", second)], PARTICIPANTS, removed)
    assert list(apart.columns) == list(RESILIENCE_SCENARIOS_COLUMNS)
    assert sorted(set(zip(apart["wave"], apart["scope"]))) == [
        ("w1", "organisation"), ("w1", "participants"), ("w2", "organisation"), ("w2", "participants")]
    together = wave_removals(second, PARTICIPANTS, _betweenness(second), removed, wave="w2").resilience_scenarios
    together = together[together["kind"] == "baseline_single_bridges"].reset_index(drop=True)
    pd.testing.assert_frame_equal(apart[apart["wave"] == "w2"].reset_index(drop=True), together)
    for scope, graph in ((s, ref.undirected(g)) for s, g in wave_scopes(second, PARTICIPANTS).items()):
        row = apart[(apart["wave"] == "w2") & (apart["scope"] == scope)].iloc[0]
        for column, value in ref.scenario(graph, removed[scope]).items():
            assert row[column] == pytest.approx(value, nan_ok=True), (scope, column)
    assert set(removed["organisation"]) == {str(p) for p in nx.articulation_points(ref.undirected(
        wave_scopes(first, PARTICIPANTS)["organisation"]))}


def test_no_baseline_gives_an_empty_typed_table():
    empty = baseline_scenarios([], PARTICIPANTS, {})
    assert empty.empty and list(empty.columns) == list(RESILIENCE_SCENARIOS_COLUMNS)
    assert empty["removed_people"].dtype == "int64" and empty["fragmentation_after"].dtype == "float64"
    figures = headline.scenario_figures(baseline_scenarios([("w1", _snapshot_with_countries(1))], PARTICIPANTS,
                                                           {"participants": ["1"]}))
    assert set(figures) == {"w1"} and set(figures["w1"]) == {"participants"}
    assert figures["w1"]["participants"]["removed_people"] == 1
