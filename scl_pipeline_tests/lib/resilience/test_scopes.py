"""Scopes: the participants graph is U induced on the participants present, one node index."""

import networkx as nx

from scl_pipeline.lib.network.snapshot import build_snapshot
from scl_pipeline.lib.resilience.scopes import organisation_scope, participants_scope, wave_scopes
from scl_pipeline_tests.helpers.datasets import lazega, network_inputs
from scl_pipeline_tests.lib.resilience import reference as ref


def test_participants_scope_is_the_induced_subgraph():
    data = lazega("friendship")
    snap = build_snapshot(*network_inputs(data))
    hr = data.hr.set_index("employee_id")
    partners = list(hr.index[hr["level"] == "partner"])
    scope = participants_scope(snap, partners + ["not-in-this-wave"])
    whole = ref.undirected(organisation_scope(snap))
    expected = whole.subgraph(partners)
    got = ref.undirected(scope)
    assert set(got.nodes) == set(partners)
    assert nx.utils.edges_equal(sorted(map(sorted, got.edges)), sorted(map(sorted, expected.edges)))
    for person, code in zip(scope.employee_id, scope.country):
        assert scope.country_labels[code] == hr.loc[person, "country"]
    assert list(scope.country_labels) == sorted(hr["country"].unique())


def test_wave_scopes_and_lenient_lookup():
    snap = build_snapshot(*network_inputs(lazega("advice")))
    scopes = wave_scopes(snap, ["3", "1", "2"])
    assert list(scopes) == ["organisation", "participants"]
    assert scopes["organisation"].n == 71
    assert list(scopes["participants"].employee_id) == ["1", "2", "3"]
    positions, missing = scopes["participants"].present(["2", "9", "2", "x"])
    assert list(positions) == [1] and missing == ["9", "x"]
