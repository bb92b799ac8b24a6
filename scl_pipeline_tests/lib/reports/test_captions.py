"""Captions: the numbers they print, checked against independent counts, and who they never name."""

import igraph as ig
import pandas as pd
import pytest

from scl_pipeline.lib.reports import captions
from scl_pipeline.lib.reports.inputs import ReportInputError
from scl_pipeline.lib.reports.canvas import PNG_MAGIC
from scl_pipeline.lib.reports.groups import CountryPalette
from scl_pipeline.lib.reports.layout import participant_graph
from scl_pipeline.lib.reports.network_figures import participants_network_png
from scl_pipeline.lib.reports.wave_charts import mixing_matrix
from scl_pipeline_tests.helpers.datasets import lazega, network_inputs
from scl_pipeline_tests.lib.reports.story import BASELINE, bridge_frame


def _igraph_articulation_points(pg) -> set[str]:
    nodes = sorted(pg.graph)
    index = {v: i for i, v in enumerate(nodes)}
    g = ig.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b in pg.graph.edges()])
    return {nodes[i] for i in g.articulation_points()}


def test_bridges_caption_counts_the_articulation_points(story):
    pg = participant_graph(story.people, story.participant_edges, BASELINE)
    points = _igraph_articulation_points(pg)
    rows = story.bridge_criticality.query("wave == @BASELINE")
    assert set(rows["employee_id"]) == points
    critical = int(rows["critical"].sum())
    in_india = sum(pg.people.loc[v, "country"] == "India" for v in points)
    assert captions.bridges_caption(story.bridge_criticality, BASELINE) == (
        f"{len(points)} people are the only bridges between parts of the participants' network; "
        f"{critical} critical (each alone would cut off at least 5 people or a whole country). "
        f"{in_india} of them work in India."
    )
    assert in_india == 8  # the story's hub: its 8 bridges; no other country has 5 or more


def test_bridges_caption_on_the_lazega_law_firm():
    """Real data: the 71 lawyers' friendship network (offices as countries), all participants."""
    hr, ties = network_inputs(lazega(primary="friendship"))
    ties = ties[ties["relation"] == "trust"]  # the relation under test is renamed trust
    people = hr.assign(wave="W", participant=True, central_connector=False, boundary_spanner=False,
                       information_broker=False, catalyst=False)
    edges = ties.rename(columns={"respondent_id": "source", "nominee_id": "target"})[["source", "target"]]
    pg = participant_graph(people, edges, "W")
    for v in pg.graph:
        pg.graph.nodes[v]["country"] = pg.people.loc[v, "country"]
    points = _igraph_articulation_points(pg)
    bridges = bridge_frame(pg.graph, "W")
    assert set(bridges["employee_id"]) == points and len(points) == 1
    # Lawyer 15 (Providence, "MX", 4 lawyers) is the only link of another MX lawyer; without 15
    # no MX lawyer is left in the largest component: critical by the country rule.
    row = bridges.iloc[0]
    assert (row["people_cut_off"], row["countries_cut_off"], row["critical"]) == (1, 1, True)
    assert captions.bridges_caption(bridges, "W") == (
        "1 person is the only bridge between parts of the participants' network; 1 critical (each "
        "alone would cut off at least 5 people or a whole country).")
    assert CountryPalette.of(people["country"]).named == ("US", "CA")  # MX: 4 lawyers, unnamed
    png = participants_network_png(people, edges, "W", bridge_criticality=bridges)
    assert png.startswith(PNG_MAGIC) and len(png) > 20_000


def test_a_country_is_named_only_for_five_people_or_more():
    def row(n, country="Fiji", kind="country_single_bridges"):
        return pd.Series({"wave": "W", "scope": "participants", "scenario": "s", "kind": kind,
                          "country": country, "removed_people": n, "components_before": 3,
                          "components_after": 15, "largest_component_share_before": 0.78,
                          "largest_component_share_after": 0.414, "fragmentation_before": 0.2,
                          "fragmentation_after": 0.8, "country_pairs_disconnected": 6})

    assert captions.scenario_caption(row(8)) == (
        "Removing the 8 single bridges in Fiji takes the participants' network from 3 to 15 separate "
        "groups (people without a tie count as one each); the largest connected group goes from 78% to "
        "41% of the people left, fragmentation from 20% to 80%. 6 pairs of countries lose their last "
        "connection.")
    assert "the 4 single bridges in one country" in captions.scenario_caption(row(4))
    assert "Fiji" not in captions.scenario_caption(row(4)) + captions.scenario_title(row(4))
    assert captions.scenario_title(row(1)) == "Without the single bridge in one country, W"
    assert "the 6 people in Fiji with a tie abroad" in captions.scenario_caption(
        row(6, kind="country_cross_country_holders"))
    bridges = pd.DataFrame({"wave": "W", "scope": "participants", "employee_id": list("abcd"),
                            "country": "Fiji", "people_cut_off": [9, 1, 1, 0], "critical": [True, False, False, False]})
    assert "Fiji" not in captions.bridges_caption(bridges, "W")


def test_critical_k_is_the_first_removal_below_one_half():
    curve = pd.DataFrame({"k": [0, 1, 2, 3, 4, 5], "largest_component_share": [1, .9, .6, .5, .4, .3]})
    assert captions.critical_k(curve) == 4  # 0.5 is not below one half
    assert captions.critical_k(curve.head(4)) is None
    rows = pd.concat([curve.assign(strategy="betweenness"),
                      curve.assign(strategy="random", largest_component_share=0.8, draws=20)])
    rows = rows.assign(wave="W", scope="participants")
    assert captions.robustness_caption(rows, "W") == (
        "In the participants' network, removing the 4 people with the highest betweenness leaves no "
        "connected group holding half of the people left; removing 5 people at random (average of 20 "
        "draws) still leaves 80% of them connected.")


def test_mixing_matrix_pools_small_countries_and_leaves_out_a_small_rest():
    arcs = {("A", "A"): 30, ("A", "B"): 10, ("A", "C"): 5, ("B", "B"): 8, ("B", "A"): 2,
            ("C", "C"): 4, ("C", "A"): 1, ("D", "A"): 1}
    mixing = pd.DataFrame([(s, t, n) for (s, t), n in arcs.items()],
                          columns=["country", "other_country", "arcs"]).assign(wave="W")
    bonds = pd.DataFrame({"wave": "W", "country": list("ABCD"), "people": [10, 6, 3, 1]})
    m = mixing_matrix(mixing, bonds, "W")
    assert list(m.shares.index) == ["A", "B"] and m.left_out_people == 4  # C + D: 4 < 5, not shown
    assert m.shares.loc["A", "A"] == pytest.approx(30 / 45) and m.shares.loc["A", "B"] == pytest.approx(10 / 45)
    assert m.shares.loc["B", "A"] == pytest.approx(2 / 10) and m.shares.loc["B", "B"] == pytest.approx(8 / 10)
    bonds.loc[3, "people"] = 2  # the rest is now 5 people: shown, unnamed
    m = mixing_matrix(mixing, bonds, "W")
    assert list(m.shares.index) == ["A", "B", "other countries"] and m.left_out_people == 0
    assert m.shares.loc["other countries", "A"] == pytest.approx(2 / 6)
    assert m.shares.loc["other countries", "other countries"] == pytest.approx(4 / 6)
    assert m.shares.loc["A", "other countries"] == pytest.approx(5 / 45)
    assert m.people.tolist() == [10, 6, 5]
    with pytest.raises(ReportInputError, match="country_mixing: no rows for wave X"):
        mixing_matrix(mixing, bonds, "X")


def test_experiment_caption_and_small_groups(story):
    text = captions.experiment_caption(story.experiment_kbis, "qa-2022")
    assert text.startswith("Engagement: 60% of program members against 12% of control (+48 points, p < 0.001).")
    small = story.experiment_kbis.copy()
    small.loc[(small["indicator"] == "engagement") & (small["group"] == "control"), "members"] = 4
    assert "Engagement: not shown, a group has fewer than 5 members." in captions.experiment_caption(small, "qa-2022")


def test_roi_and_trend_captions(story):
    mid = story.roi.set_index("scenario").loc["mid"]
    assert captions.roi_caption(story.roi, "2022-Q4") == (
        f"In the mid scenario the new bonds are worth {mid['value'] / 1e6:.1f} M EUR against a program "
        f"cost of 250 k EUR: ROI {mid['roi_multiple']:.1f}x (low 3.5x, high 5.8x). Assumptions: version "
        "2024-01, every input a column of marts.roi.")
    net = story.participant_network.sort_values("wave")
    text = captions.trend_caption(net, story.resilience_scenarios)
    assert text.startswith(f"From 2020-Q4 to 2022-Q4, ties among participants went from {net['ties'].iloc[0]} "
                           f"to {net['ties'].iloc[-1]}, and ties across countries from "
                           f"{net['cross_country_ties'].iloc[0]} to {net['cross_country_ties'].iloc[-1]}.")


def test_did_evidence_says_when_the_evidence_is_strong(story):
    # The story's planted effect (0.5 SD, no pre-trend): clear gain, balanced, placebo holds 0.
    text = captions.did_evidence(story.impact_did, story.impact_balance, "strong_in_degree")
    row = story.impact_did.query("metric == 'strong_in_degree' and wave == '2022-Q4'").iloc[0]
    assert text.startswith(f"Strong ties received: by 2022-Q4 it rose {row['did']:.2f} more for participants")
    assert f"95% interval {row['ci_low']:.2f} to {row['ci_high']:.2f}" in text
    assert "alike at the baseline" in text and "moved alike (placebo 2020-Q2" in text
    assert f"{int(row['unmatched'])} participants without a comparable colleague" in text
    assert text.endswith(".") and ". " not in text  # one sentence


def test_did_evidence_says_when_the_evidence_is_weak():
    from scl_pipeline_tests.lib.reports.marts import impact_frames

    # No effect: the interval holds 0. A planted pre-trend: the placebo leaves 0 out.
    nothing, balance = impact_frames(effect=0.0, seed=1)
    text = captions.did_evidence(nothing, balance, "countries_reached")
    assert "changed no differently" in text and "the interval includes 0" in text
    trended, balance = impact_frames(effect=0.5, pre_trend=0.8, seed=4)
    text = captions.did_evidence(trended, balance, "strong_in_degree")
    assert "already drifting apart before the program (placebo 2020-Q2" in text
    assert "part of this is not the program" in text
    # Failed balance is named, covariate by covariate.
    unbalanced = balance.copy()
    at_base = (unbalanced["wave"] == unbalanced["baseline_wave"]) & (unbalanced["covariate"] == "betweenness")
    unbalanced.loc[at_base, ["smd_after", "imbalanced"]] = [0.3, True]
    text = captions.did_evidence(trended, unbalanced, "strong_in_degree")
    assert "differed at the baseline on betweenness (brokerage)" in text
    assert "not balanced on betweenness (brokerage)" in captions.balance_caption(unbalanced, "matched")
    # Without a pre-program wave the sentence says the trends were not tested.
    text = captions.did_evidence(trended[~trended["placebo"]], balance, "strong_in_degree")
    assert "no wave before the baseline" in text


def test_the_event_study_caption_follows_the_metrics_order_whatever_the_rows_order(story):
    from scl_pipeline.lib.reports.build import impact_figures

    shuffled = story.impact_did.sort_values("metric", ignore_index=True)  # as the warehouse returns it
    caption = impact_figures(shuffled, story.impact_balance)[0].caption
    starts = [caption.index(name) for name in ("Strong ties received:", "Ties across countries:", "Countries reached:",
                                                "Betweenness (brokerage):", "Constraint (redundant contacts):")]
    assert starts == sorted(starts)
