"""A small demo organisation generated once per test session, and readers for its files.

Everything here reads the written files with pandas and builds graphs with networkx; nothing
comes from the generator's internals except the truth file it writes.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from scl_pipeline.lib.demo import generate_demo_org

SMALL_PEOPLE = 1200
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


def strong_graph(root: Path, wave: str) -> nx.Graph:
    """U of SPEC §2: every HR person a node (country attribute), an edge per strong trust tie."""
    hr = read_hr(root, wave)
    survey = read_survey(root, wave)
    strong = survey[(survey["relation"] == "trust") & (survey["strength"] >= 4)]
    graph = nx.Graph()
    graph.add_nodes_from((e, {"country": c}) for e, c in zip(hr["employee_id"], hr["country"]))
    graph.add_edges_from(zip(strong["respondent_id"], strong["nominee_id"]))
    return graph


def fragmentation(graph: nx.Graph, removed: set[str]) -> float:
    """Borgatti's F = 1 - sum s_k (s_k - 1) / (m (m - 1)) over components after removal."""
    rest = graph.subgraph(set(graph) - removed)
    m = rest.number_of_nodes()
    return 1 - sum(len(c) * (len(c) - 1) for c in nx.connected_components(rest)) / (m * (m - 1))


def participant_edges(graph: nx.Graph, participants: set[str]) -> set[frozenset[str]]:
    return {frozenset(e) for e in graph.subgraph(participants).edges()}
