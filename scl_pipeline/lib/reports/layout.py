"""The participants' graph (U induced on the wave's participants) and its seeded layout.

Each connected component is laid out on its own (igraph's Fruchterman-Reingold from seeded
start positions, with igraph's random numbers drawn from a seeded generator for the call) and
the components are packed in rows, largest first, isolates last in a grid. Drawing the whole
graph with one force layout would fling the many participants without a tie (65 of them at the
case study's baseline) to the rim and squeeze everyone else into the middle. networkx's spring
layout gives the same pictures but takes ~15 s for a 600-person component; igraph ~1 s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
import pandas as pd

from scl_pipeline.lib.network.igraph_random import seeded_igraph_random
from scl_pipeline.lib.reports.inputs import edges_among, participants_of

if TYPE_CHECKING:
    import igraph as ig

LAYOUT_SEED = 20201001
_GAP = 1.2  # space between packed components, in units of the typical edge length
_ITERATIONS = 500
_GRID_FROM = 1500  # igraph's grid approximation above this many people in one component


@dataclass(frozen=True)
class ParticipantGraph:
    """The wave's participants (indexed by employee id, as given: a pseudonym) and U among them."""

    wave: str
    people: pd.DataFrame
    graph: nx.Graph

    @property
    def n(self) -> int:
        return self.graph.number_of_nodes()


def participant_graph(people: pd.DataFrame, edges: pd.DataFrame, wave: str) -> ParticipantGraph:
    """Build U among the participants of ``wave`` (``people``: person_wave_metrics rows;
    ``edges``: source/target pairs, optionally with a ``wave`` column). Nodes are added in sorted
    id order so the layout depends on the data only, not on row order."""
    members = participants_of(people, wave).sort_index()
    pairs = edges_among(edges, members.index, wave)
    unique = sorted({(min(a, b), max(a, b)) for a, b in zip(pairs["source"], pairs["target"])})
    graph = nx.Graph()
    graph.add_nodes_from(members.index)
    graph.add_edges_from(unique)
    return ParticipantGraph(str(wave), members, graph)


def _component_box(graph: nx.Graph, nodes: list[str], seed: int) -> tuple[list[str], np.ndarray]:
    """Positions of one component (``nodes`` sorted) in a box whose side grows with the square
    root of its size."""
    if len(nodes) == 1:
        return nodes, np.zeros((1, 2))
    index = {v: i for i, v in enumerate(nodes)}
    edges = sorted((min(index[a], index[b]), max(index[a], index[b])) for a, b in graph.subgraph(nodes).edges())
    import igraph as ig  # here: importing igraph pulls matplotlib.pyplot

    component = ig.Graph(n=len(nodes), edges=edges)
    start = np.random.default_rng(seed).uniform(-1.0, 1.0, size=(len(nodes), 2))
    with seeded_igraph_random(seed):
        layout = component.layout_fruchterman_reingold(
            seed=start.tolist(), niter=_ITERATIONS, grid=len(nodes) > _GRID_FROM)
    xy = np.asarray(layout.coords, dtype=float)
    xy -= xy.min(axis=0)
    extent = float(xy.max()) or 1.0
    return nodes, xy / extent * np.sqrt(len(nodes))


def seeded_layout(graph: nx.Graph, seed: int = LAYOUT_SEED) -> dict[str, tuple[float, float]]:
    """Deterministic positions for every node: the same graph and seed give the same layout."""
    components = sorted(
        (sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0])
    )
    boxes = [_component_box(graph, c, seed) for c in components]
    sizes = [xy.max(axis=0) if len(xy) else np.zeros(2) for _, xy in boxes]
    area = sum((w + _GAP) * (h + _GAP) for w, h in sizes)
    row_width = max([float(np.sqrt(area) * 1.4)] + [float(w) for w, _ in sizes])

    positions: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for (nodes, xy), (w, h) in zip(boxes, sizes):
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y - row_height - _GAP, 0.0
        for node, (px, py) in zip(nodes, xy):
            # Rows grow downwards: each box hangs from its row's top edge.
            positions[node] = (float(x + px), float(y - (h - py)))
        x += w + _GAP
        row_height = max(row_height, float(h))
    return positions
