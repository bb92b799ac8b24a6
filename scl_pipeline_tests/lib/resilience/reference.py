"""Independent references for the resilience tests: networkx removal-and-recount, person by
person and step by step (slow on purpose; nothing here shares code with the library)."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pandas as pd

from scl_pipeline.lib.network.snapshot import build_snapshot
from scl_pipeline.lib.resilience.scopes import ScopeGraph, organisation_scope
from scl_pipeline_tests.lib.network.conftest import frames_from_digraph


def scope_of(graph: nx.Graph, country: dict) -> ScopeGraph:
    """The organisation scope of an undirected networkx graph (ids = str(node))."""
    return organisation_scope(build_snapshot(*frames_from_digraph(nx.DiGraph(graph), country)))


def undirected(scope: ScopeGraph) -> nx.Graph:
    """The scope as networkx (nodes = employee ids, attribute country) from its edge list."""
    graph = nx.Graph()
    for person, code in zip(scope.employee_id, scope.country):
        graph.add_node(str(person), country=str(scope.country_labels[code]))
    u, v = scope.edges
    graph.add_edges_from(zip(scope.employee_id[u], scope.employee_id[v]))
    return graph


def largest(graph: nx.Graph) -> set:
    """The largest component; among equal sizes the one holding the smallest id (string order)."""
    comps = list(nx.connected_components(graph))
    return min(comps, key=lambda c: (-len(c), min(map(str, c)))) if comps else set()


def countries_in(graph: nx.Graph, nodes) -> set:
    return {graph.nodes[x]["country"] for x in nodes}


def bridge_rows(graph: nx.Graph, critical_min_people: int = 5) -> dict[str, tuple]:
    """Per articulation point: (component_size, people_cut_off, pieces, countries_cut_off,
    critical), by removing the person and recounting."""
    before = largest(graph)
    out = {}
    for v in nx.articulation_points(graph):
        rest = graph.copy()
        rest.remove_node(v)
        after = largest(rest)
        own = nx.node_connected_component(graph, v)
        pieces = sum(1 for c in nx.connected_components(rest) if c <= own)
        cut = len(before - {v} - after)
        lost = len((countries_in(graph, before) - countries_in(graph, after)) & countries_in(rest, rest.nodes))
        out[str(v)] = (len(own), cut, pieces, lost, cut >= critical_min_people or lost >= 1)
    return out


def fragmentation(graph: nx.Graph) -> float:
    m = graph.number_of_nodes()
    if m < 2:
        return float("nan")
    return 1 - sum(len(c) * (len(c) - 1) for c in nx.connected_components(graph)) / (m * (m - 1))


def share(graph: nx.Graph) -> float:
    m = graph.number_of_nodes()
    return len(largest(graph)) / m if m else float("nan")


def scenario(graph: nx.Graph, removed) -> dict:
    """Before/after figures of removing ``removed`` (ids absent from the graph ignored)."""
    removed = {str(x) for x in removed} & set(graph)
    rest = graph.copy()
    rest.remove_nodes_from(removed)

    def together(g: nx.Graph) -> set:
        pairs = set()
        for comp in nx.connected_components(g):
            for a, b in itertools.combinations(sorted(countries_in(g, comp)), 2):
                pairs.add((a, b))
        return pairs

    present = sorted(countries_in(rest, rest.nodes))
    lost = sum(1 for a, b in itertools.combinations(present, 2)
               if (a, b) in together(graph) and (a, b) not in together(rest))
    return {
        "removed_people": len(removed),
        "people_before": graph.number_of_nodes(),
        "components_before": nx.number_connected_components(graph),
        "components_after": nx.number_connected_components(rest),
        "largest_component_share_before": share(graph),
        "largest_component_share_after": share(rest),
        "fragmentation_before": fragmentation(graph),
        "fragmentation_after": fragmentation(rest),
        "country_pairs_disconnected": lost,
    }


def curve(graph: nx.Graph, order: list, max_k: int) -> tuple[np.ndarray, np.ndarray]:
    """(largest-component share, fragmentation) after removing order[:k], k = 0..max_k."""
    shares, frags = [], []
    for k in range(max_k + 1):
        rest = graph.copy()
        rest.remove_nodes_from(order[:k])
        shares.append(share(rest))
        frags.append(fragmentation(rest))
    return np.array(shares), np.array(frags)


def ranked(graph: nx.Graph, score: dict) -> list:
    """Ids by decreasing score, equal scores in id (string) order."""
    return sorted(graph.nodes, key=lambda x: (-score[x], str(x)))


def assert_rows_match(table: pd.DataFrame, reference: dict, columns) -> None:
    got = {row["employee_id"]: tuple(row[c] for c in columns) for _, row in table.iterrows()}
    assert got == reference
