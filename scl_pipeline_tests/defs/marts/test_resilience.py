"""The resilience marts through the pipeline, two waves run in reverse order, every number checked
against a networkx removal-and-recount of the graphs built here from the landing files."""

from __future__ import annotations

import re

import dagster as dg
import networkx as nx
import numpy as np
import pandas as pd
import pytest

from scl_pipeline.defs.marts.bridges import BRIDGES_KEY
from scl_pipeline.defs.marts.resilience import BASELINE_SCENARIOS_KEY, CURVE_KEY, SUMMARY_KEY, WAVE_SCENARIOS_KEY
from scl_pipeline.lib.lake import DataLake
from scl_pipeline.lib.serving.pseudonyms import PseudonymKey
from scl_pipeline.lib.serving.publish import publish_serving
from scl_pipeline_tests.helpers.dagster import (
    materialization_metadata, materialize_unpartitioned, materialize_wave, query,
)
from scl_pipeline_tests.helpers.landing import write_frame, write_wave
from scl_pipeline_tests.lib.resilience import reference as ref

BASELINE, LATER = "2021-Q1", "2021-Q2"
ROSTER_KEY = dg.AssetKey(["raw", "participants"])
SCENARIOS_KEY = dg.AssetKey(["marts", "resilience_scenarios"])
CROSS_WAVE = [BASELINE_SCENARIOS_KEY, SCENARIOS_KEY]
RESILIENCE_KEYS = (BRIDGES_KEY, CURVE_KEY, SUMMARY_KEY, WAVE_SCENARIOS_KEY)
COUNTRY = {**{f"E{i:02d}": "CH" for i in range(1, 6)}, **{f"E{i:02d}": "DE" for i in range(6, 11)},
           "E11": "FR", "E12": "CH", "E13": "BR", "E14": "DE", "E15": "BR", "E16": "BR"}
PARTICIPANTS = ["E01", "E03", "E05", "E06", "E08", "E11", "E14", "E15", "E16"]
USER_SCENARIOS = """
[[scenario]]
name = "de_top_2"
country = "DE"
top_k = 2

[[scenario]]
name = "named"
employee_ids = ["E05", "E99", "E11"]
"""


def _clique(people: list[str]) -> list[tuple[str, str]]:
    return [(a, b) for i, a in enumerate(people) for b in people[i + 1:]]


def _edges(wave: str) -> list[tuple[str, str]]:
    """Two country cliques joined through one person (E11), pendants, a BR pair on its own and
    an isolate; at the later wave CH and DE also trust each other directly."""
    ch, de = [f"E{i:02d}" for i in range(1, 6)], [f"E{i:02d}" for i in range(6, 11)]
    edges = _clique(ch) + _clique(de) + [("E05", "E11"), ("E11", "E06"), ("E12", "E01"), ("E14", "E07"),
                                          ("E15", "E16"), ("E03", "E11"), ("E08", "E11")]
    if wave == LATER:
        edges += [("E02", "E09"), ("E04", "E10"), ("E16", "E01")]
    return edges


def _landing(edges: list[tuple[str, str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    hr = pd.DataFrame({"employee_id": list(COUNTRY), "country": list(COUNTRY.values()),
                       "department": "R&D", "level": "IC"})
    # Each tie named once, strongly, by its first end; plus weak ties and a duplicate that must not count.
    rows = [(a, b, 5) for a, b in edges] + [("E13", "E01", 2), ("E02", "E13", 3), ("E05", "E11", 1)]
    survey = pd.DataFrame(rows, columns=["respondent_id", "nominee_id", "strength"]).assign(relation="trust")
    return hr, survey


def _graphs(wave: str) -> dict[str, nx.Graph]:
    graph = nx.Graph()
    for person, country in COUNTRY.items():
        graph.add_node(person, country=country)
    graph.add_edges_from(_edges(wave))
    return {"organisation": graph, "participants": graph.subgraph(PARTICIPANTS).copy()}


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    lake = DataLake(tmp_path_factory.mktemp("resilience") / "lake")
    for wave in (BASELINE, LATER):
        write_wave(lake, wave, *_landing(_edges(wave)))
    roster = pd.DataFrame({"employee_id": PARTICIPANTS, "cohort": "C1", "start_date": "2021-04-15"})
    write_frame(roster, lake.program_folder / "participants.csv")
    (lake.landing / "scenarios.toml").write_text(USER_SCENARIOS)
    materialize_unpartitioned(lake, [ROSTER_KEY])
    # A backfill may run the later wave first: its baseline rows must not depend on that.
    later = materialize_wave(lake, LATER)
    materialize_unpartitioned(lake, CROSS_WAVE)
    early = query(lake, "select * from marts.resilience_scenarios where kind = 'baseline_single_bridges'")
    baseline = materialize_wave(lake, BASELINE)
    cross = materialize_unpartitioned(lake, CROSS_WAVE)
    metadata = {BASELINE: materialization_metadata(baseline), LATER: materialization_metadata(later)}
    return lake, metadata, materialization_metadata(cross), early


@pytest.mark.parametrize("wave", [BASELINE, LATER])
def test_bridges_person_flags_and_summary_match_the_recount(pipeline, wave):
    lake, *_ = pipeline
    bridges = query(lake, "select * from marts.bridge_criticality where wave = $w", {"w": wave})
    for scope, graph in _graphs(wave).items():
        mine = bridges[bridges["scope"] == scope]
        ref.assert_rows_match(mine, ref.bridge_rows(graph),
                              ("component_size", "people_cut_off", "pieces", "countries_cut_off", "critical"))
        assert sorted(mine["rank"]) == list(range(1, len(mine) + 1))
    expected = {p for p, row in ref.bridge_rows(_graphs(wave)["organisation"]).items() if row[-1]}
    people = query(lake, "select employee_id, critical_bridge, single_bridge from marts.person_wave_metrics "
                   "where wave = $w", {"w": wave})
    assert set(people.loc[people["critical_bridge"], "employee_id"]) == expected
    assert not (people["critical_bridge"] & ~people["single_bridge"]).any()
    summary = query(lake, "select articulation_points, critical_bridges from marts.wave_summary where wave = $w",
                    {"w": wave}).iloc[0]
    assert summary["critical_bridges"] == len(expected)
    assert summary["articulation_points"] == len(list(nx.articulation_points(_graphs(wave)["organisation"])))


def test_the_hand_built_baseline_in_numbers(pipeline):
    lake, *_ = pipeline
    bridges = query(lake, "select * from marts.bridge_criticality where wave = $w order by scope, rank",
                    {"w": BASELINE}).set_index(["scope", "employee_id"])
    figures = ["people_cut_off", "pieces", "countries_cut_off", "critical", "rank"]
    # E11 (FR) alone joins the CH side (E01-E05, E12) and the DE side (E06-E10, E14), six people
    # each: the tie rule keeps the side holding E01, so DE's six are cut off, and DE with them.
    assert bridges.loc[("organisation", "E11"), figures].tolist() == [6, 2, 1, True, 1]
    # E01 and E07 each hold one pendant colleague of their own country: not critical.
    assert bridges.loc[("organisation", "E01"), figures].tolist() == [1, 2, 0, False, 2]
    assert bridges.loc[("organisation", "E07"), figures].tolist() == [1, 2, 0, False, 3]
    # Among the participants, E11 holds E06 and E08 (DE) to the CH participants.
    assert bridges.loc["participants"].index.tolist() == ["E11"]
    assert bridges.loc[("participants", "E11"), figures].tolist() == [2, 2, 1, True, 1]


@pytest.mark.parametrize("wave", [BASELINE, LATER])
def test_scenarios_match_the_recount(pipeline, wave):
    lake, *_ = pipeline
    rows = query(lake, "select * from marts.resilience_scenarios where wave = $w", {"w": wave})
    baseline_bridges = {scope: set(nx.articulation_points(g)) for scope, g in _graphs(BASELINE).items()}
    for scope, graph in _graphs(wave).items():
        mine = rows[rows["scope"] == scope].set_index("scenario")
        countries = sorted({graph.nodes[p]["country"] for p in graph})
        names = {f"country_cross_country_holders:{c}" for c in countries} | {
            f"country_single_bridges:{c}" for c in countries} | {"baseline_single_bridges", "de_top_2", "named"}
        assert set(mine.index) == names
        cut = set(nx.articulation_points(graph))
        holders = {p for p in graph if any(graph.nodes[q]["country"] != graph.nodes[p]["country"] for q in graph[p])}
        between = nx.betweenness_centrality(_graphs(wave)["organisation"] if scope == "organisation" else graph)
        top_de = ref.ranked(graph, between)
        top_de = [p for p in top_de if graph.nodes[p]["country"] == "DE"][:2]
        expected = {
            "baseline_single_bridges": baseline_bridges[scope],
            "named": {"E05", "E99", "E11"},
            "de_top_2": set(top_de),
            **{f"country_single_bridges:{c}": {p for p in cut if graph.nodes[p]["country"] == c} for c in countries},
            **{f"country_cross_country_holders:{c}": {p for p in holders if graph.nodes[p]["country"] == c}
               for c in countries},
        }
        for name, removed in expected.items():
            for column, value in ref.scenario(graph, removed).items():
                assert mine.loc[name, column] == pytest.approx(value, nan_ok=True), (scope, name, column)
        assert mine.loc["named", "missing_people"] == len({"E05", "E99", "E11"} - set(graph))
        assert mine.loc["named", "requested_people"] == 3


def test_baseline_rows_do_not_depend_on_the_order_the_waves_ran(pipeline):
    lake, _, cross, early = pipeline
    # Before the baseline wave had run there was no baseline (no loaded wave before the program).
    assert early.empty
    rows = query(lake, "select wave, scope, removed_people from marts.resilience_scenarios "
                 "where kind = 'baseline_single_bridges' order by wave, scope")
    assert sorted(set(rows["wave"])) == [BASELINE, LATER]
    meta = cross[BASELINE_SCENARIOS_KEY]
    assert meta["baseline_wave"].value == BASELINE
    # The baseline's bridges E01, E07, E11 leave again: at the baseline CH and DE lose each other;
    # later CH and DE trust each other directly, but BR now hangs on E01 (both BR pairs lost).
    pairs = query(lake, "select wave, country_pairs_disconnected from marts.resilience_scenarios "
                  "where scope = 'organisation' and scenario = 'baseline_single_bridges' order by wave")
    assert pairs["country_pairs_disconnected"].tolist() == [1, 2]


def test_curves_and_summary_match_the_recount(pipeline):
    lake, *_ = pipeline
    curve = query(lake, "select * from marts.robustness_curve where wave = $w", {"w": BASELINE})
    summary = query(lake, "select * from marts.robustness_summary where wave = $w", {"w": BASELINE})
    for scope, graph in _graphs(BASELINE).items():
        line = curve[(curve["scope"] == scope) & (curve["strategy"] == "betweenness")].sort_values("k")
        order = ref.ranked(graph, nx.betweenness_centrality(graph))
        share, frag = ref.curve(graph, order, int(line["k"].max()))
        np.testing.assert_allclose(line["largest_component_share"], share, atol=1e-12)
        np.testing.assert_allclose(line["fragmentation"], frag, atol=1e-12)
        below = np.flatnonzero(share < 0.5)
        got = summary.loc[(summary["scope"] == scope) & (summary["strategy"] == "betweenness"), "critical_k"].item()
        assert (pd.isna(got) and not len(below)) or got == below[0]
        # max_k = ceil(5% of the scope's people)
        assert line["k"].max() == int(np.ceil(0.05 * graph.number_of_nodes()))


def test_metadata_shows_the_headline_without_employee_ids(pipeline):
    _, waves, cross, _ = pipeline
    meta = waves[BASELINE]
    assert meta[BRIDGES_KEY]["critical_bridges_organisation"].value == sum(
        row[-1] for row in ref.bridge_rows(_graphs(BASELINE)["organisation"]).values())
    top = meta[BRIDGES_KEY]["top_critical_bridges"].value
    assert "|rank|country|people_cut_off|countries_cut_off|pieces|" in top.replace(" ", "")
    assert "data:image/png;base64," in meta[CURVE_KEY]["robustness_curve"].value
    worst = meta[WAVE_SCENARIOS_KEY]["worst_country_scenario"].value["organisation"]
    assert worst["fragmentation_increase"] > 0
    # The user's id list: its 2nd entry (E99) is in neither scope; E05 and E11 are participants.
    assert meta[WAVE_SCENARIOS_KEY]["user_scenario_ids_not_in_wave"].value == {
        "named": {"organisation": [2], "participants": [2]}}
    shown = [str(v.value) for w in waves.values() for key in RESILIENCE_KEYS for v in w[key].values()]
    shown += [str(v.value) for v in cross[BASELINE_SCENARIOS_KEY].values()]
    assert not [s for s in shown if re.search(r"\bE\d{2}\b", s)]


def test_published_with_pseudonyms_and_small_scenarios_withheld(pipeline, tmp_path):
    lake, *_ = pipeline
    publish_serving(lake.warehouse_path, tmp_path / "serving", PseudonymKey("resilience-test-key-0123456789"))
    import duckdb

    with duckdb.connect(str(tmp_path / "serving" / "scl.duckdb"), read_only=True) as con:
        ids = con.execute("select distinct employee_id from marts.bridge_criticality").fetchall()
        scenarios = con.execute("select removed_people, fragmentation_after, suppressed "
                                "from marts.resilience_scenarios").df()
    assert ids and all(i.startswith("p_") for (i,) in ids)
    small = scenarios["suppressed"]
    assert small.any() and scenarios.loc[small, ["removed_people", "fragmentation_after"]].isna().all().all()
    assert (scenarios.loc[~small, "removed_people"] >= 5).all()


def test_a_bad_scenario_file_fails_the_step_naming_file_and_entry(tmp_path):
    lake = DataLake(tmp_path / "lake")
    write_wave(lake, BASELINE, *_landing(_edges(BASELINE)))
    (lake.landing / "scenarios.toml").write_text('[[scenario]]\nname = "de"\ncountry = "DE"\ntop_k = 0\n')
    result = materialize_wave(lake, BASELINE, raise_on_error=False)
    failure = next(e for e in result.all_events if e.is_step_failure)
    message = failure.step_failure_data.user_failure_data.description
    assert str(lake.landing / "scenarios.toml") in message and "scenario #1 ('de')" in message and "top_k" in message
    done = {e.asset_key for e in result.get_asset_materialization_events()}
    assert BRIDGES_KEY in done and CURVE_KEY not in done
