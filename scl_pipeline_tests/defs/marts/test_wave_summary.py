"""wave_summary against values computed independently with networkx."""

import networkx as nx
import pandas as pd
import pytest

from scl_pipeline_tests.helpers.dagster import materialize_wave, query
from scl_pipeline_tests.helpers.landing import small_org, write_wave


def expected_summary(hr: pd.DataFrame, survey: pd.DataFrame, threshold: int = 4) -> dict:
    """SPEC §2 from first principles: dedupe (max strength), drop self ties and outsiders, keep strong."""
    population = set(hr["employee_id"])
    ties = survey[survey["respondent_id"] != survey["nominee_id"]]
    ties = ties[ties["respondent_id"].isin(population) & ties["nominee_id"].isin(population)]
    best = ties.groupby(["respondent_id", "nominee_id"])["strength"].max().reset_index()
    # SPEC §2: a survey without strength makes every tie strong; in a rated survey an unrated tie is not.
    strong = best if best["strength"].isna().all() else best[best["strength"] >= threshold]
    graph = nx.DiGraph()
    graph.add_nodes_from(population)
    graph.add_edges_from(zip(strong["respondent_id"], strong["nominee_id"]))
    respondents = set(survey["respondent_id"]) & population
    invited_flags = hr["invited_to_survey"] if "invited_to_survey" in hr else pd.Series(True, index=hr.index)
    invited = set(hr.loc[invited_flags.astype(str).str.lower().isin(["true", "1"]), "employee_id"])
    return {
        "population": len(population),
        "respondents": len(respondents),
        "response_rate": len(respondents & invited) / len(invited),
        "arcs": graph.number_of_edges(),
        "density": nx.density(graph),
        "reciprocity": nx.reciprocity(graph),
    }


def _check(lake, hr, survey, wave="2021-Q1", threshold=4):
    write_wave(lake, wave, hr, survey)
    materialize_wave(lake, wave, strong_threshold=threshold)
    got = query(lake, "select * from marts.wave_summary where wave = $wave", {"wave": wave}).iloc[0]
    for column, value in expected_summary(hr, survey, threshold).items():
        assert got[column] == pytest.approx(value), column


def test_small_org_matches_networkx(lake):
    hr, survey = small_org()
    _check(lake, hr, survey)


def test_duplicate_nominations_keep_highest_strength_and_threshold_applies(lake):
    hr, survey = small_org()
    extra = pd.DataFrame(
        [("E3", "E2", 5, "trust"), ("E8", "E7", 2, "trust")],
        columns=survey.columns,
    )
    _check(lake, hr, pd.concat([survey, extra], ignore_index=True), threshold=3)


def test_response_rate_is_among_the_invited(lake):
    hr, survey = small_org()
    hr["invited_to_survey"] = ["true"] * 6 + ["false"] * 2  # E7 and E8 answered uninvited
    _check(lake, hr, survey)


def test_unrated_tie_in_a_rated_survey_is_not_strong(lake):
    hr, survey = small_org()
    survey = survey.astype(object)
    survey.loc[0, "strength"] = None  # E1 -> E2 answered without a rating
    _check(lake, hr, survey)


def test_sql_counts_agree_with_the_graph_the_marts_measure(lake):
    # Counts come from SQL over staging.ties, graph measures from the saved snapshot, which reads
    # staging's is_strong: duplicates, unrated ties, outsiders and a second relation must not
    # make the two see different graphs.
    hr, survey = small_org()
    survey = survey.astype(object)
    survey.loc[0, "strength"] = None  # unrated tie in a rated survey: not strong
    extra = pd.DataFrame(
        [("E3", "E2", 5, "trust"), ("E3", "E2", 1, "trust"), ("E8", "X9", 5, "trust"), ("E4", "E1", 5, "advice")],
        columns=survey.columns,
    )
    write_wave(lake, "2021-Q1", hr, pd.concat([survey, extra], ignore_index=True))
    materialize_wave(lake, "2021-Q1", strong_threshold=3)
    summary = query(lake, "select * from marts.wave_summary where wave = '2021-Q1'").iloc[0]
    nodes = query(lake, "select employee_id, responded from network.nodes where wave = '2021-Q1'")
    arcs = query(
        lake, "select respondent_id, nominee_id from network.arcs where wave = '2021-Q1' and relation = 'trust' and strong"
    )
    graph = nx.DiGraph()
    graph.add_nodes_from(nodes["employee_id"])
    graph.add_edges_from(zip(arcs["respondent_id"], arcs["nominee_id"]))
    assert summary["population"] == graph.number_of_nodes() == len(hr)
    assert summary["respondents"] == nodes["responded"].sum()
    assert summary["arcs"] == graph.number_of_edges()
    assert summary["density"] == pytest.approx(nx.density(graph))
    assert summary["reciprocity"] == pytest.approx(nx.reciprocity(graph))
    assert summary["edges"] == graph.to_undirected().number_of_edges()
    assert ("E3", "E2") in graph.edges and ("E1", "E2") not in graph.edges
