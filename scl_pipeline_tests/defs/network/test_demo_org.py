"""The demo organisation through the pipeline: its planted story is found in the marts."""

import dagster as dg
import networkx as nx
import pytest

from scl_pipeline.lib.demo import generate_demo_org
from scl_pipeline.lib.network.roles import ROLE_NAMES
from scl_pipeline_tests.helpers.dagster import materialize_unpartitioned, materialize_wave, query

ROLES_OF_KEY_COLLABORATORS = [r for r in ROLE_NAMES if r != "peripheral"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from scl_pipeline.lib.lake import DataLake

    lake = DataLake(tmp_path_factory.mktemp("demo") / "lake")
    truth = generate_demo_org(lake.landing, people=1_500)
    materialize_unpartitioned(lake, [dg.AssetKey(["raw", "participants"])])
    result = materialize_wave(lake, truth.baseline_wave)
    return lake, truth, result


def test_single_bridges_and_the_planted_participant_bridges(demo):
    lake, truth, _ = demo
    people = query(lake, "select * from marts.person_wave_metrics where wave = $w", {"w": truth.baseline_wave})
    people = people.set_index("employee_id")
    # independent check on the persisted arcs with networkx
    arcs = query(lake, "select respondent_id, nominee_id from network.arcs where wave = $w and relation = 'trust' and strong",
                 {"w": truth.baseline_wave})
    u = nx.Graph()
    u.add_nodes_from(people.index)
    u.add_edges_from(zip(arcs["respondent_id"], arcs["nominee_id"]))
    assert set(people.index[people["single_bridge"]]) == set(nx.articulation_points(u))
    # The planted story is in the participants' network (SPEC §3b): its single bridges are the
    # hub country's planted bridges, all flagged as participants.
    assert set(nx.articulation_points(u.subgraph(truth.participants))) == set(truth.planted_bridges)
    assert people.loc[truth.planted_bridges, "participant"].all()


def test_key_collaborators_carry_a_role_and_participants_are_flagged(demo):
    lake, truth, _ = demo
    people = query(lake, "select * from marts.person_wave_metrics where wave = $w", {"w": truth.baseline_wave})
    people = people.set_index("employee_id")
    with_role = people.loc[truth.baseline_key_collaborators, ROLES_OF_KEY_COLLABORATORS].any(axis=1)
    assert with_role.mean() >= 0.8
    present = [p for p in truth.participants if p in people.index]
    assert set(people.index[people["participant"]]) == set(present)
    assert (people.loc[present, "cohort"] == truth.cohort).all()


def test_role_shares_reported_in_metadata(demo):
    lake, truth, result = demo
    person = next(
        e.event_specific_data.materialization.metadata
        for e in result.get_asset_materialization_events()
        if e.event_specific_data.materialization.asset_key == dg.AssetKey(["marts", "person_wave_metrics"])
    )
    people = query(lake, "select * from marts.person_wave_metrics where wave = $w", {"w": truth.baseline_wave})
    shares = person["role_shares"].value
    assert set(shares) == set(ROLE_NAMES)
    for role in ROLE_NAMES:
        assert shares[role] == pytest.approx(people[role].mean(), abs=1e-4)
        assert person[f"share_{role}"].value == pytest.approx(people[role].mean())
    assert "**single_bridge**" in person["top_people_per_role"].value
