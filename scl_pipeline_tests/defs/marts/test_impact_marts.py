"""The four impact marts through the pipeline on a demo organisation (1,200 people, seed 11,
2020-Q4 .. 2021-Q3: the baseline, three program waves, the experiment in 2021-Q2).

Planted values come from the generator's truth file (measured on its own arrays); reach, bonds
and the ROI are recomputed here with networkx from the landing files. Each assertion states the
planted and the measured figure.
"""

import re

import dagster as dg
import duckdb
import networkx as nx
import pandas as pd
import pytest
from scipy.stats import binomtest

from scl_pipeline.definitions import build_defs
from scl_pipeline.lib.demo import generate_demo_org
from scl_pipeline.lib.impact import headlines
from scl_pipeline.lib.impact.did import KEY_COLLABORATORS, ControlGroup, impact_did
from scl_pipeline.lib.impact.roi_config import load_roi_assumptions
from scl_pipeline.lib.lake import DataLake
from scl_pipeline.runner import run_pipeline
from scl_pipeline_tests.helpers.dagster import query
from scl_pipeline_tests.lib.demo.conftest import strong_graph

PEOPLE, SEED, FIRST, LAST = 1200, 11, "2020-Q4", "2021-Q3"
MARTS = ("participant_network", "impact_did", "impact_balance", "experiment_kbis", "roi")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    lake = DataLake(tmp_path_factory.mktemp("impact") / "lake")
    truth = generate_demo_org(lake.landing, people=PEOPLE, seed=SEED, first_wave=FIRST, last_wave=LAST)
    instance = dg.DagsterInstance.ephemeral()
    results = run_pipeline(build_defs(lake.root, allow_demo_key=True), truth.waves, instance, echo=lambda _: None)
    assert all(r.success for r in results), [r.error for r in results if not r.success]
    return lake, truth, instance


def _mart(lake, name: str) -> pd.DataFrame:
    return query(lake, f"select * from marts.{name}")


def _metadata(instance, name: str) -> dict:
    event = instance.get_latest_materialization_event(dg.AssetKey(["marts", name]))
    return {k: v.value for k, v in event.asset_materialization.metadata.items()}


def test_participant_network_matches_the_plant_wave_by_wave(demo):
    lake, truth, _ = demo
    network = _mart(lake, "participant_network").set_index("wave")
    assert list(network.index) == truth.waves and (network["baseline_wave"] == "2020-Q4").all()
    for wave, planted in truth.participant_network.items():
        row = network.loc[wave]
        # Planted (generator) = measured (pipeline), e.g. 2020-Q4: 36 participants, 12 without a
        # participant tie, 32 ties of which 10 cross-country; 2021-Q3: 0, 116 ties, 100 abroad.
        assert row["participants"] == planted["participants"] == len(truth.participants)
        assert row["participants_without_participant_tie"] == planted["without_participant_tie"], wave
        assert row["ties"] == planted["ties"] and row["cross_country_ties"] == planted["cross_country_ties"], wave
        assert row["new_bond_share"] == pytest.approx(planted["new_bond_share"]), wave
    base, last = network.loc[FIRST], network.loc[LAST]
    assert base["participants_without_participant_tie"] == len(truth.participants_without_participant_tie_at_baseline)
    # Planted: cross-country participant ties 10x the baseline's (10 -> 100); measured the same.
    assert last["cross_country_ratio_to_baseline"] == pytest.approx(10.0)
    # Planted 34 of 36 bonding (94 %); every planted bond started by the last wave is new, none lost.
    assert last["new_bond_share"] == pytest.approx(len(truth.participants_planned_to_bond) / len(truth.participants))
    assert last["new_bonds"] == sum(1 for *_, onset in truth.new_bonds if onset <= LAST)
    assert last["bonds_lost"] == 0 and not network["small_group"].any()


def test_reach_agrees_with_a_breadth_first_search(demo):
    lake, truth, _ = demo
    last = _mart(lake, "participant_network").set_index("wave").loc[LAST]
    graph = strong_graph(lake.landing, LAST)
    steps = nx.multi_source_dijkstra_path_length(graph, set(truth.participants) & set(graph), cutoff=3)
    for k in (1, 2, 3):
        reached = sum(1 for d in steps.values() if d <= k)
        assert last[f"reach_{k}_people"] == reached and last[f"reach_{k}_share"] == pytest.approx(reached / len(graph))


def test_did_matches_the_planted_effects(demo):
    lake, truth, _ = demo
    did = _mart(lake, "impact_did")
    assert sorted(did["wave"].unique()) == truth.waves[1:]  # every wave after the baseline (none before it)
    assert not did["placebo"].any() and (did["control_group"] == "matched").all()
    last = did[did["wave"] == LAST].set_index("metric")
    assert set(last.index) == {"strong_in_degree", "cross_country_ties", "countries_reached", "betweenness", "constraint"}
    # Matched controls (the default): every participant matched or counted as unmatched.
    assert (last["participants"] + last["unmatched"] <= len(truth.participants)).all()
    assert (last["unmatched"] < len(truth.participants) / 2).all()
    for metric in truth.planted_effects:
        assert 0 < last.loc[metric, "ci_low"] < last.loc[metric, "did"] < last.loc[metric, "ci_high"], metric
        assert (last.loc[metric, "draws"], last.loc[metric, "seed"]) == (2000, 20210701)
    assert last.loc["constraint", "ci_high"] < 0  # more non-redundant contacts: less constrained
    # The generator's own figures use the key-collaborator control: recomputed from the
    # warehouse's person metrics with that control, planted = measured (strong_in_degree +4.53,
    # cross_country_ties +4.79, countries_reached +3.03).
    people = query(lake, f"select * from marts.person_wave_metrics where wave in ('{FIRST}', '{LAST}')")
    key = impact_did(people[people["wave"] == LAST], people[people["wave"] == FIRST],
                     control=ControlGroup(KEY_COLLABORATORS)).set_index("metric")
    controls = len(set(truth.baseline_key_collaborators) - set(truth.participants))
    for metric, planted in truth.planted_effects.items():
        row = key.loc[metric]
        assert (row["participants"], row["controls"]) == (len(truth.participants), controls)
        for mine, theirs in (("participants_baseline_mean", "participants_baseline"), ("participants_now_mean", "participants_now"),
                             ("control_baseline_mean", "control_baseline"), ("control_now_mean", "control_now"), ("did", "did")):
            assert row[mine] == pytest.approx(planted[theirs]), (metric, mine)


def test_balance_rows_for_every_control_definition(demo):
    lake, truth, instance = demo
    balance = _mart(lake, "impact_balance")
    assert sorted(balance["wave"].unique()) == truth.waves  # the baseline and every later wave
    assert set(balance["control_group"]) == {"matched", "key_collaborators", "non_participants"}
    base = balance[balance["wave"] == FIRST].set_index(["control_group", "covariate"])
    # Participants were chosen among key collaborators: far from everyone else before matching.
    assert (base.loc["non_participants", "smd_before"].abs() > 0.1).any()
    assert (base.loc["matched", "smd_after"].abs() <= base.loc["matched", "smd_before"].abs() + 1e-12).all()
    flagged = base["smd_after"].abs() > 0.1
    assert (base["imbalanced"] == (flagged | base["smd_after"].isna())).all()
    meta = _metadata(instance, "impact_balance")
    assert meta["imbalanced_covariates"] == int(base.loc["matched", "imbalanced"].sum())


def test_experiment_kbis_match_the_plant(demo):
    lake, truth, _ = demo
    kbis = _mart(lake, "experiment_kbis").set_index(["indicator", "group"])
    assert set(kbis["experiment_id"]) == {truth.experiment_id}
    for indicator, planted in truth.kbi_rates.items():
        for group, share in planted.items():
            row = kbis.loc[(indicator, group)]
            # Planted = measured: knowledge gaps 7/11 vs 15/59, connectivity 5/11 vs 9/59,
            # engagement 7/11 vs 15/59 (its floor; case study 65/25, 48/15, 60/12 %).
            assert row["share"] == pytest.approx(share), (indicator, group)
            ci = binomtest(int(row["count"]), int(row["members"])).proportion_ci(method="wilson")
            assert (row["ci_low"], row["ci_high"]) == pytest.approx((ci.low, ci.high))
        assert kbis.loc[(indicator, "program"), "difference"] > 0.25 and kbis.loc[(indicator, "program"), "p_value"] < 0.05
    assert kbis.loc[("building_connectivity", "program"), "reference_wave"] == truth.kbi_reference_wave == "2021-Q1"
    assert kbis.loc[("knowledge_gaps_addressed", "program"), "k"] == 2


def test_roi_has_three_scenarios_with_their_inputs_and_recomputes(demo):
    lake, truth, _ = demo
    roi = _mart(lake, "roi")
    assert sorted(roi["wave"].unique()) == truth.waves[1:]
    last = roi[roi["wave"] == LAST].set_index("scenario")
    assert list(last.index) == ["low", "mid", "high"] and (last["assumptions_version"] == "scl-default-1").all()
    defaults = load_roi_assumptions().scenarios
    for scenario, row in last.iterrows():
        for name, value in vars(defaults[scenario]).items():
            if value is not None:
                assert row[name] == value, (scenario, name)
    n = len(truth.participants)
    assert (last["cost"] == n * 2500 + n * 40 * 45).all()  # 36 participants: 154,800
    # Bonds: planted new bonds by the last wave whose two ends were key people at baseline or now.
    people = query(lake, "select wave, employee_id from marts.person_wave_metrics where central_connector or boundary_spanner")
    key = set(people.loc[people["wave"].isin([FIRST, LAST]), "employee_id"])
    bonds = [(a, b) for a, b, onset in truth.new_bonds if onset <= LAST and a in key and b in key]
    ends = {p for bond in bonds for p in bond}
    steps = nx.multi_source_dijkstra_path_length(strong_graph(lake.landing, LAST), ends, cutoff=2)
    weighted = sum(0.5**d for d in steps.values())
    for scenario, row in last.iterrows():
        assert (row["bonds"], row["people_reached"]) == (len(bonds), len(steps))
        assert row["people_reached_weighted"] == pytest.approx(weighted)
        assert row["value"] == pytest.approx(weighted * 90 * 45 * row["efficiency_gain"])
        assert row["roi_multiple"] == pytest.approx(row["value"] / row["cost"])
    assert last["roi_multiple"].is_monotonic_increasing


def test_materialisations_carry_headlines_and_the_kbi_picture(demo):
    lake, truth, instance = demo
    network = _metadata(instance, "participant_network")
    assert network["headline"] == "94% of participants formed a new strong bond with another participant since 2020-Q4 (34 of 36)"
    assert network["baseline_wave"] == "2020-Q4" and "2021-01-15" in network["baseline_reason"]
    kbis = _metadata(instance, "experiment_kbis")
    assert "Addressing knowledge gaps 64% vs 25%" in kbis["headline"] and kbis["rows_left_out"] == 0
    picture = kbis[f"experiment_{truth.experiment_id}"]
    assert picture.startswith(f"![experiment_{truth.experiment_id}](data:image/png;base64,")
    roi = _metadata(instance, "roi")
    last = _mart(lake, "roi").query("wave == @LAST")
    assert re.fullmatch(r"\d+\.\dx–\d+\.\dx", roi["roi_range"]) and roi["roi_range"] == headlines.roi_range(last)
    assert roi["figure"].startswith("![roi_") and roi["assumptions_version"] == "scl-default-1"
    did = _metadata(instance, "impact_did")
    row = _mart(lake, "impact_did").query("wave == @LAST and metric == 'strong_in_degree'").iloc[0]
    assert did["headline"].startswith(f"strong_in_degree: participants {row['did']:+.2f} against controls")
    # The event study and the balance plot, as in the program report, with a sentence per metric.
    assert did["event_study"].startswith("![event_study](data:image/png;base64,")
    assert did["balance"].startswith("![balance](data:image/png;base64,")
    assert did["event_study_caption"].count("; ") >= 5 and "Strong ties received: by 2021-Q3" in did["event_study_caption"]
    assert "no wave before the baseline" in did["event_study_caption"]  # the demo's first wave is the baseline
    for name in MARTS:
        # impact_did and impact_balance note the participants without an acceptable match, if any.
        assert "note" not in _metadata(instance, name) or name in ("impact_did", "impact_balance"), name


def test_serving_publishes_the_impact_marts(demo):
    lake, _, _ = demo
    with duckdb.connect(str(lake.serving / "scl.duckdb"), read_only=True) as con:
        published = con.execute("select table_name, row_count, suppressed_rows from serving.published_tables").df()
    published = published.set_index("table_name")
    for name in MARTS:
        assert published.loc[name, "row_count"] == len(_mart(lake, name)) > 0
        assert published.loc[name, "suppressed_rows"] == 0  # 36 participants, 11 and 59 members
