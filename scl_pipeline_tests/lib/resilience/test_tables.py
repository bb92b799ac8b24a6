"""The four tables of a wave for both scopes, the headline, and the demo organisation."""

import warnings
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from scl_pipeline.lib.demo import generate_demo_org
from scl_pipeline.lib.network.person_metrics import betweenness
from scl_pipeline.lib.network.snapshot import build_snapshot
from scl_pipeline.lib.resilience.scenario_file import ScenarioSpec
from scl_pipeline.lib.resilience.scopes import organisation_scope, participants_scope, wave_scopes
from scl_pipeline.lib.resilience.tables import (
    ResilienceConfig, baseline_bridge_ids, wave_resilience,
)
from scl_pipeline_tests.helpers.datasets import kapferer, network_inputs
from scl_pipeline_tests.helpers.staging import stage_ties
from scl_pipeline_tests.lib.resilience import reference as ref

# The public interface (lead, reports, BI docs rely on these exact columns, in this order).
BRIDGE = ["wave", "scope", "employee_id", "country", "component_size", "people_cut_off", "pieces",
          "countries_cut_off", "critical", "rank"]
SCENARIOS = ["wave", "scope", "scenario", "kind", "country", "requested_people", "removed_people",
             "missing_people", "people_before", "components_before", "components_after",
             "largest_component_share_before", "largest_component_share_after", "fragmentation_before",
             "fragmentation_after", "country_pairs_disconnected"]
CURVE = ["wave", "scope", "strategy", "k", "people", "largest_component_share", "fragmentation",
         "largest_component_share_p05", "largest_component_share_p95", "fragmentation_p05",
         "fragmentation_p95", "draws"]
SUMMARY = ["wave", "scope", "strategy", "people", "max_k", "critical_k"]


def _snapshot_with_countries(wave: int, relation: str = "instrumental"):
    """Kapferer with three stand-in countries (ids mod 3) so country scenarios have work to do;
    the sparser instrumental relation has articulation points in both waves and scopes."""
    hr, ties = network_inputs(kapferer(wave, relation))
    hr["country"] = [["ZM", "MW", "TZ"][int(i) % 3] for i in hr["employee_id"]]
    return build_snapshot(hr, ties, wave=f"w{wave}")


def _betweenness(snap):
    graph = ref.undirected(organisation_scope(snap))
    return pd.Series(nx.betweenness_centrality(graph))


PARTICIPANTS = [str(i) for i in range(1, 40, 2)]  # 20 of the 39 tailors


def test_two_waves_columns_figures_and_headline():
    settings = ResilienceConfig(critical_min_people=2, max_k_share=0.2)
    first_snap = _snapshot_with_countries(1)
    first = wave_resilience(first_snap, PARTICIPANTS, _betweenness(first_snap), settings=settings)
    baseline = baseline_bridge_ids(first.bridge_criticality)
    baseline["participants"] = baseline["participants"] + ["999"]
    user = [ScenarioSpec("zm_top_3", country="ZM", top_k=3), ScenarioSpec("ids", employee_ids=("1", "404"))]
    snap = _snapshot_with_countries(2)
    result = wave_resilience(snap, PARTICIPANTS, _betweenness(snap), baseline, user, settings)

    assert list(result.bridge_criticality.columns) == BRIDGE
    assert list(result.resilience_scenarios.columns) == SCENARIOS
    assert list(result.robustness_curve.columns) == CURVE
    assert list(result.robustness_summary.columns) == SUMMARY
    for table in (result.bridge_criticality, result.resilience_scenarios, result.robustness_curve,
                  result.robustness_summary):
        assert set(table["wave"]) == {"w2"} and set(table["scope"]) == {"organisation", "participants"}

    scopes = wave_scopes(snap, PARTICIPANTS)
    for name, scope in scopes.items():
        graph = ref.undirected(scope)
        bridges = result.bridge_criticality[result.bridge_criticality["scope"] == name]
        ref.assert_rows_match(bridges, ref.bridge_rows(graph, 2),
                              ("component_size", "people_cut_off", "pieces", "countries_cut_off", "critical"))
        assert list(bridges["rank"]) == list(range(1, len(bridges) + 1))
        scenarios = result.resilience_scenarios[result.resilience_scenarios["scope"] == name].set_index("scenario")
        countries = sorted(set(nx.get_node_attributes(graph, "country").values()))
        expected_names = ([f"country_cross_country_holders:{c}" for c in countries]
                          + [f"country_single_bridges:{c}" for c in countries]
                          + ["baseline_single_bridges", "zm_top_3", "ids"])
        assert list(scenarios.index) == expected_names
        gone = baseline[name]
        row = scenarios.loc["baseline_single_bridges"]
        expected = ref.scenario(graph, gone)
        for col, value in expected.items():
            assert row[col] == pytest.approx(value, nan_ok=True), col
        assert row["missing_people"] == len([i for i in gone if i not in graph])
        curve = result.robustness_curve[result.robustness_curve["scope"] == name]
        max_k = int(np.ceil(0.2 * scope.n))
        assert set(curve["k"]) == set(range(max_k + 1))
        assert (curve.groupby("strategy").size() == max_k + 1).all()
        # the participants' betweenness is their own graph's (networkx on the induced graph)
        if name == "participants":
            score = nx.betweenness_centrality(graph)
            share, _ = ref.curve(graph, ref.ranked(graph, score), max_k)
            got = curve[curve["strategy"] == "betweenness"]["largest_component_share"].to_numpy()
            np.testing.assert_allclose(got, share, atol=1e-12)

    assert result.missing_ids[("participants", "baseline_single_bridges")] == ["999"]
    assert result.missing_ids[("organisation", "ids")] == ["404"]
    head = result.headline
    for name in ("organisation", "participants"):
        bridges = result.bridge_criticality[result.bridge_criticality["scope"] == name]
        assert head["critical_bridges"][name] == int(bridges["critical"].sum())
        assert head["articulation_points"][name] == len(bridges)
        rows = result.resilience_scenarios
        rows = rows[(rows["scope"] == name) & rows["kind"].str.startswith("country_") & (rows["removed_people"] > 0)]
        increase = rows["fragmentation_after"] - rows["fragmentation_before"]
        worst = head["worst_country_scenario"][name]
        assert worst["fragmentation_increase"] == pytest.approx(increase.max())
        assert worst["scenario"] == rows.loc[increase.idxmax(), "scenario"]


def test_sociational_baseline_bridges_no_longer_break_the_shop():
    # wave 1 has single bridges in the organisation; seven months later removing the same
    # people leaves one component (the "would the same departures still break it?" question)
    first = _snapshot_with_countries(1, "sociational")
    baseline = baseline_bridge_ids(wave_resilience(first, PARTICIPANTS, _betweenness(first)).bridge_criticality)
    assert len(baseline["organisation"]) == 3
    snap = _snapshot_with_countries(2, "sociational")
    result = wave_resilience(snap, PARTICIPANTS, _betweenness(snap), baseline)
    rows = result.resilience_scenarios.set_index(["scope", "scenario"])
    now = rows.loc[("organisation", "baseline_single_bridges")]
    before = ref.scenario(ref.undirected(organisation_scope(first)), baseline["organisation"])
    after = ref.scenario(ref.undirected(organisation_scope(snap)), baseline["organisation"])
    assert before["components_after"] > 1
    assert now["components_after"] == after["components_after"] == 1
    assert now["fragmentation_after"] == pytest.approx(after["fragmentation_after"]) == 0.0


def test_settings_and_inputs_are_checked():
    with pytest.raises(ValueError, match="random_draws must be >= 20"):
        ResilienceConfig(random_draws=5)
    with pytest.raises(ValueError, match="max_k_share"):
        ResilienceConfig(max_k_share=0)
    with pytest.raises(ValueError, match="critical_min_people"):
        ResilienceConfig(critical_min_people=0)
    snap = _snapshot_with_countries(1)
    with pytest.raises(ValueError, match=r"no value for employee_id\(s\) \['1'\]"):
        wave_resilience(snap, PARTICIPANTS, _betweenness(snap).drop("1"))


@pytest.fixture(scope="module")
def demo_org(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo_resilience")
    generate_demo_org(root, people=1200, seed=11)
    return root


def test_demo_organisation_every_wave_matches_the_recount(demo_org):
    # Structure only: the demo's planted numbers are asserted by the lead after the merge.
    roster = pd.read_csv(demo_org / "program" / "participants.csv", dtype=str)
    for wave in sorted(p.name for p in (demo_org / "waves").iterdir())[::3]:
        hr = pd.read_csv(demo_org / "waves" / wave / "hr_export.csv", dtype=str, keep_default_na=False)
        survey = pd.read_csv(demo_org / "waves" / wave / "ona_survey.csv", dtype={"respondent_id": str, "nominee_id": str})
        nodes = hr[["employee_id", "country", "department", "level"]]
        snap = build_snapshot(nodes, stage_ties(nodes, survey), wave=wave)
        # the organisation's betweenness is an input here (the person metrics'), not under test
        between = pd.Series(betweenness(snap)["betweenness"].to_numpy(), index=snap.index)
        result = wave_resilience(snap, roster["employee_id"], between)
        graph = ref.undirected(participants_scope(snap, roster["employee_id"]))
        bridges = result.bridge_criticality[result.bridge_criticality["scope"] == "participants"]
        ref.assert_rows_match(bridges, ref.bridge_rows(graph),
                              ("component_size", "people_cut_off", "pieces", "countries_cut_off", "critical"))
        rows = result.resilience_scenarios
        rows = rows[rows["scope"] == "participants"].set_index("scenario")
        for country in sorted(set(nx.get_node_attributes(graph, "country").values()))[:5]:
            held = [p for p in graph if graph.nodes[p]["country"] == country
                    and any(graph.nodes[q]["country"] != country for q in graph[p])]
            expected = ref.scenario(graph, held)
            row = rows.loc[f"country_cross_country_holders:{country}"]
            for col, value in expected.items():
                assert row[col] == pytest.approx(value, nan_ok=True), (wave, country, col)


@pytest.mark.parametrize("present", [[], ["1"], ["1", "2"]])
def test_few_or_no_participants_still_give_every_table(present):
    snap = _snapshot_with_countries(1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no pandas dtype warning from an empty scope
        result = wave_resilience(snap, present + ["not-in-this-wave"], _betweenness(snap))
    assert list(result.robustness_curve.columns) == CURVE
    mine = result.robustness_summary[result.robustness_summary["scope"] == "participants"]
    assert list(mine["people"]) == [len(present)] * 3
    curve = result.robustness_curve[result.robustness_curve["scope"] == "participants"]
    assert curve.loc[curve["k"] == 0, "largest_component_share"].isna().all() == (not present)
    scenarios = result.resilience_scenarios
    assert (scenarios.loc[scenarios["scope"] == "participants", "people_before"] == len(present)).all()
    assert result.headline["critical_bridges"]["participants"] == 0
