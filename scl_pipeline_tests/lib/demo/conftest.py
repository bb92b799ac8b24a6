"""A small demo organisation generated once per test session, and readers for its files.

Everything here reads the written files with pandas and builds graphs with networkx or igraph;
nothing comes from the generator's internals except the truth file it writes.
"""

from __future__ import annotations

import json
from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest

from scl_pipeline.lib.demo import generate_demo_org

SMALL_PEOPLE = 1500
SMALL_SEED = 11


@pytest.fixture(scope="session")
def small_org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo_small")
    generate_demo_org(root, people=SMALL_PEOPLE, seed=SMALL_SEED)
    return root


@pytest.fixture(scope="session")
def truth(small_org: Path) -> dict:
    return json.loads((small_org / "_demo_truth.json").read_text())


def read_hr(root: Path, wave: str) -> pd.DataFrame:
    return pd.read_csv(root / "waves" / wave / "hr_export.csv", dtype=str, keep_default_na=False)


def read_survey(root: Path, wave: str) -> pd.DataFrame:
    return pd.read_csv(
        root / "waves" / wave / "ona_survey.csv",
        dtype={"respondent_id": str, "nominee_id": str, "relation": str},
    )


def strong_arcs(root: Path, wave: str) -> pd.DataFrame:
    survey = read_survey(root, wave)
    return survey[(survey["relation"] == "trust") & (survey["strength"] >= 4)]


def strong_graph(root: Path, wave: str) -> nx.Graph:
    """U of SPEC §2: every HR person a node (country attribute), an edge per strong trust tie."""
    hr = read_hr(root, wave)
    strong = strong_arcs(root, wave)
    graph = nx.Graph()
    graph.add_nodes_from(
        (e, {"country": c, "department": d}) for e, c, d in zip(hr["employee_id"], hr["country"], hr["department"])
    )
    graph.add_edges_from(zip(strong["respondent_id"], strong["nominee_id"]))
    return graph


def fragmentation(graph: nx.Graph, removed: set[str]) -> float:
    """Borgatti's F = 1 - sum s_k (s_k - 1) / (m (m - 1)) over components after removal."""
    rest = graph.subgraph(set(graph) - removed)
    m = rest.number_of_nodes()
    return 1 - sum(len(c) * (len(c) - 1) for c in nx.connected_components(rest)) / (m * (m - 1))


def largest_share(graph: nx.Graph, removed: set[str] = frozenset()) -> float:
    """Largest-component share of the people left after removing ``removed``."""
    rest = graph.subgraph(set(graph) - set(removed))
    return max(len(c) for c in nx.connected_components(rest)) / rest.number_of_nodes()


def participant_edges(graph: nx.Graph, participants: set[str]) -> set[frozenset[str]]:
    return {frozenset(e) for e in graph.subgraph(participants).edges()}


def cut_off(graph: nx.Graph, person: str) -> tuple[int, set[str]]:
    """SPEC §3b people_cut_off and countries_cut_off of removing ``person``, by removal and
    recount: people and countries in the largest component before and not after."""
    before = max(nx.connected_components(graph), key=len)
    rest = graph.subgraph(set(graph) - {person})
    after = max(nx.connected_components(rest), key=len)
    countries = {graph.nodes[p]["country"] for p in before} - {graph.nodes[p]["country"] for p in after}
    return len((before - {person}) - after), countries


def realism(root: Path, wave: str) -> dict[str, float]:
    """The organisation-wide figures of SPEC §2, computed with igraph from the wave's files."""
    hr = read_hr(root, wave)
    survey = read_survey(root, wave)
    trust = survey[survey["relation"] == "trust"]
    strong = trust[trust["strength"] >= 4]
    index = pd.Index(hr["employee_id"])
    d = ig.Graph(
        n=len(hr),
        edges=np.column_stack([index.get_indexer(strong["respondent_id"]), index.get_indexer(strong["nominee_id"])]),
        directed=True,
    )
    u = d.as_undirected(mode="collapse")
    degree = np.array(u.degree())
    sizes = np.array(u.connected_components().sizes())
    edges = np.array(u.get_edgelist())
    country = hr["country"].to_numpy()
    department = hr["department"].to_numpy()
    cross = country[edges[:, 0]] != country[edges[:, 1]]
    share = hr["country"].value_counts(normalize=True).to_numpy()
    return {
        "people": len(hr),
        "rows_per_person": len(survey) / len(hr),
        "response_rate": trust["respondent_id"].nunique() / len(hr),
        "strong_share": float((trust["strength"] >= 4).mean()),
        "reciprocity": d.reciprocity(),
        "mean_degree": float(degree.mean()),
        "clustering": float(np.mean(u.transitivity_local_undirected(mode="zero"))),
        "largest_component_share": float(sizes.max() / len(hr)),
        "isolates": int((degree == 0).sum()),
        "pendants": int((degree == 1).sum()),
        "ei": float((cross.sum() - (~cross).sum()) / len(cross)),
        # Random mixing: an edge stays in its country with probability sum of squared shares.
        "expected_ei": float(1 - 2 * (share**2).sum()),
        "same_country_department": float(
            ((~cross) & (department[edges[:, 0]] == department[edges[:, 1]])).mean()
        ),
    }
