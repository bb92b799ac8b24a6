import networkx as nx
import numpy as np
import pandas as pd
import pytest

from scl_pipeline.lib.reports.inputs import ReportInputError
from scl_pipeline.lib.reports.layout import participant_graph, seeded_layout


def _people(ids, wave="W1", country="BR", participant=True):
    return pd.DataFrame({"wave": wave, "employee_id": ids, "country": country, "department": "Ops",
                         "participant": participant, "central_connector": False,
                         "boundary_spanner": False, "information_broker": False, "catalyst": False})


def test_participant_graph_is_induced_on_the_waves_participants():
    people = pd.concat([_people(["a", "b", "c", "d"]), _people(["x"], participant=False),
                        _people(["a", "b"], wave="W0")], ignore_index=True)
    edges = pd.DataFrame({"source": ["a", "b", "b"], "target": ["b", "a", "c"]})
    pg = participant_graph(people, edges, "W1")
    assert sorted(pg.graph) == ["a", "b", "c", "d"]  # d: no tie, still drawn; x: not a participant
    assert sorted(map(sorted, pg.graph.edges())) == [["a", "b"], ["b", "c"]]  # a-b once


@pytest.mark.parametrize(("edges", "message"), [
    (pd.DataFrame({"source": ["a"], "target": ["x"]}), "participant_edges.target: not a participant"),
    (pd.DataFrame({"source": ["a"], "target": ["a"]}), "participant_edges: self loop at rows 0"),
    (pd.DataFrame({"source": ["a"], "target": [None]}), "participant_edges.target: empty value at rows 0"),
    (pd.DataFrame({"from": ["a"], "to": ["b"]}), "participant_edges: missing column(s) ['source', 'target']"),
])
def test_bad_edges_are_named(edges, message):
    people = pd.concat([_people(["a", "b"]), _people(["x"], participant=False)], ignore_index=True)
    with pytest.raises(ReportInputError) as err:
        participant_graph(people, edges, "W1")
    assert message in str(err.value)


def test_a_participant_twice_in_a_wave_is_an_error():
    with pytest.raises(ReportInputError, match="appears twice in wave W1 at rows 0, 1"):
        participant_graph(_people(["a", "a"]), pd.DataFrame({"source": [], "target": []}), "W1")


def _random_graph(seed=4):
    g = nx.gnp_random_graph(120, 0.02, seed=seed)
    return nx.relabel_nodes(g, {i: f"p{i:03d}" for i in g})


def test_layout_is_deterministic_and_independent_of_insertion_order():
    g = _random_graph()
    shuffled = nx.Graph()
    rng = np.random.default_rng(0)
    shuffled.add_nodes_from(rng.permutation(sorted(g)).tolist())
    shuffled.add_edges_from([tuple(e) for e in rng.permutation([list(e) for e in g.edges()]).tolist()])
    assert seeded_layout(g) == seeded_layout(g)
    assert seeded_layout(g) == seeded_layout(shuffled)
    assert seeded_layout(g) != seeded_layout(g, seed=1)


def test_components_are_packed_without_overlap():
    g = _random_graph()
    pos = seeded_layout(g)
    assert set(pos) == set(g)
    boxes = []
    for comp in nx.connected_components(g):
        xy = np.array([pos[v] for v in comp])
        boxes.append((*xy.min(axis=0), *xy.max(axis=0)))
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        for a0, b0, a1, b1 in boxes[i + 1:]:
            overlap = x0 <= a1 and a0 <= x1 and y0 <= b1 and b0 <= y1
            assert not overlap
