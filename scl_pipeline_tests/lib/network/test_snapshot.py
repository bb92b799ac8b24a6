import pandas as pd
import pytest

from scl_pipeline.lib.network.snapshot import NetworkInputError, build_snapshot
from scl_pipeline_tests.helpers.staging import stage_ties


def _nodes(ids, countries):
    return pd.DataFrame({"employee_id": ids, "country": countries, "department": "d", "level": "1"})


def _survey(rows):
    return pd.DataFrame(rows, columns=["respondent_id", "nominee_id", "relation", "strength"]).astype(
        {"strength": "Int64"})


def _snapshot(nodes, rows, **kwargs):
    """The snapshot of survey ``rows`` as the pipeline builds it: staged by the staging SQL first."""
    return build_snapshot(nodes, stage_ties(nodes, _survey(rows)), **kwargs)


def _staged(rows):
    """Ties that skipped staging (to show the library refuses what staging would have removed)."""
    return _survey(rows).assign(is_strong=True)


def test_strong_threshold_relation_and_isolates():
    nodes = _nodes(["a", "b", "c", "d"], ["US", "US", "FR", "FR"])
    snap = _snapshot(nodes, [("a", "b", "trust", 5), ("b", "a", "trust", 3), ("b", "c", "trust", 4),
                             ("c", "a", "advice", 5)])
    assert snap.n == 4
    assert len(snap.arcs) == 3  # advice is another relation
    src, dst = snap.strong_arcs
    assert sorted(zip(snap.index[src], snap.index[dst])) == [("a", "b"), ("b", "c")]
    u, v = snap.undirected_edges
    assert len(u) == 2 and snap.graph_u.degree()[3] == 0  # d is an isolate, still a node
    assert snap.nodes["responded"].tolist() == [True, True, False, False]


def test_a_survey_without_strength_makes_every_tie_strong():
    nodes = _nodes(["a", "b"], ["US", "US"])
    snap = _snapshot(nodes, [("a", "b", "trust", None), ("b", "a", "trust", None)])
    assert snap.arcs["strong"].tolist() == [True, True]


def test_an_unrated_tie_in_a_rated_survey_is_not_strong():
    nodes = _nodes(["a", "b", "c"], ["US", "US", "US"])
    snap = _snapshot(nodes, [("a", "b", "trust", None), ("b", "a", "trust", 5), ("c", "a", "advice", None)])
    assert snap.arcs["strong"].tolist() == [False, True]


def test_attributes_joined_by_id_not_position():
    nodes = _nodes(["z", "a", "m"], ["DE", "US", "FR"])
    snap = _snapshot(nodes, [("a", "z", "trust", 5)])
    src, dst = snap.strong_arcs
    assert snap.nodes.loc[src[0], "country"] == "US" and snap.nodes.loc[dst[0], "country"] == "DE"


@pytest.mark.parametrize(
    "nodes, ties, message",
    [
        (_nodes(["a", "a"], ["US", "US"]), _staged([]), "duplicated ids"),
        (_nodes(["a", "b"], ["US", None]), _staged([]), "nodes.country"),
        (_nodes(["a", "b"], ["US", "US"]), _staged([("a", "x", "trust", 4)]), "ties.nominee_id"),
        (_nodes(["a", "b"], ["US", "US"]), _staged([("a", "a", "trust", 4)]), "self ties"),
        (_nodes(["a", "b"], ["US", "US"]), _staged([("a", "b", "trust", 4), ("a", "b", "trust", 5)]),
         "duplicated"),
        (_nodes(["a", "b"], ["US", "US"]), _staged([("a", "b", "trust", 4)]).assign(is_strong=None), "is_strong"),
    ],
)
def test_bad_input_is_named(nodes, ties, message):
    with pytest.raises(NetworkInputError, match=message):
        build_snapshot(nodes, ties)
