"""Pictures of the participants' trust network: one wave, after a removal, baseline vs latest.

Dots are participants (never labelled), coloured by country (:class:`CountryPalette`), shaped
by role; a black ring marks a single bridge of this network (an articulation point in
bridge_criticality, scope ``participants``), a red ring a critical one.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from scl_pipeline.lib.reports import canvas
from scl_pipeline.lib.reports.groups import CountryPalette
from scl_pipeline.lib.reports.inputs import (
    BRIDGE_CRITICALITY,
    PARTICIPANTS_SCOPE,
    ReportInputError,
    flag,
    one_wave,
)
from scl_pipeline.lib.reports.layout import ParticipantGraph, participant_graph, seeded_layout

# Highest first: a person with several roles is drawn with the first that applies.
ROLE_MARKERS: tuple[tuple[str, str, str], ...] = (
    ("boundary_spanner", "D", "boundary spanner"),
    ("central_connector", "s", "central connector"),
    ("information_broker", "^", "information broker"),
    ("catalyst", "P", "catalyst"),
)
PLAIN_MARKER = "o"
EDGE_COLOUR = "#8c8c8c"
REMOVED_COLOUR = "#d62728"
CUT_OFF_COLOUR = "#ff7f0e"
BRIDGE_RING = "#111111"
CRITICAL_RING = "#d62728"


def largest_component(graph: nx.Graph) -> set[str]:
    """The largest component (ties broken by the smallest id, so the choice is reproducible)."""
    components = [sorted(c) for c in nx.connected_components(graph)]
    if not components:
        return set()
    return set(min(components, key=lambda c: (-len(c), c[0])))


def cut_off_by(graph: nx.Graph, removed: set[str]) -> set[str]:
    """People of the largest component who are outside the largest one once ``removed`` are gone
    (bridge_criticality's ``people_cut_off``, for a set)."""
    before = largest_component(graph)
    after = largest_component(graph.subgraph(set(graph) - removed))
    return before - removed - after


def bridges_of(bridge_criticality: pd.DataFrame | None, wave: str) -> tuple[set[str], set[str]]:
    """(single bridges, critical bridges) of the participants' network at ``wave``."""
    if bridge_criticality is None:
        return set(), set()
    rows = one_wave(bridge_criticality, "bridge_criticality", wave, BRIDGE_CRITICALITY)
    rows = rows[rows["scope"] == PARTICIPANTS_SCOPE]
    ids = rows["employee_id"].astype(str)
    return set(ids), set(ids[flag(rows["critical"])])


def _node_size(n: int) -> float:
    return float(np.clip(9000.0 / max(n, 1), 14.0, 90.0))


def _marker(row: pd.Series, roles: bool) -> str:
    if roles:
        for column, marker, _ in ROLE_MARKERS:
            value = row.get(column)
            if not pd.isna(value) and bool(value):
                return marker
    return PLAIN_MARKER


def _draw(ax: Axes, pg: ParticipantGraph, palette: CountryPalette, *, roles: bool = True,
          removed: set[str] = frozenset(), cut_off: set[str] = frozenset(),
          bridges: set[str] = frozenset(), critical: set[str] = frozenset()) -> None:
    pos = seeded_layout(pg.graph)
    size = _node_size(pg.n)
    kept, gone = [], []
    for u, v in sorted(pg.graph.edges()):
        (gone if u in removed or v in removed else kept).append([pos[u], pos[v]])
    ax.add_collection(LineCollection(kept, colors=EDGE_COLOUR, linewidths=0.6, alpha=0.7, zorder=1))
    if gone:
        ax.add_collection(LineCollection(gone, colors=REMOVED_COLOUR, linewidths=0.7,
                                         linestyles=":", alpha=0.6, zorder=1))
    groups: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for node, row in pg.people.iterrows():
        if node in removed:
            continue
        key = (palette.colour(str(row["country"])), _marker(row, roles))
        groups.setdefault(key, []).append(pos[node])
    for (colour, marker), xy in sorted(groups.items()):
        arr = np.array(xy)
        ax.scatter(arr[:, 0], arr[:, 1], s=size, c=colour, marker=marker,
                   edgecolors="white", linewidths=0.4, zorder=3)
    for ids, colour, scale, width, marker in (
        (bridges - critical - removed, BRIDGE_RING, 2.6, 1.3, "o"),
        (critical - removed, CRITICAL_RING, 3.2, 1.8, "o"),
        (cut_off, CUT_OFF_COLOUR, 2.6, 1.6, "o"),
    ):
        if ids:
            arr = np.array([pos[i] for i in sorted(ids)])
            ax.scatter(arr[:, 0], arr[:, 1], s=size * scale, facecolors="none",
                       edgecolors=colour, linewidths=width, marker=marker, zorder=4)
    if removed:
        arr = np.array([pos[i] for i in sorted(removed)])
        ax.scatter(arr[:, 0], arr[:, 1], s=size * 1.8, c=REMOVED_COLOUR, marker="X",
                   linewidths=0.3, edgecolors="white", zorder=5)
    ax.set_aspect("equal")
    ax.autoscale_view()
    ax.margins(0.03)
    ax.set_axis_off()


def _legend_handles(palette: CountryPalette, *, roles: bool, extra: Iterable[tuple[str, dict]] = (),
                    with_sizes: bool = True) -> list[Line2D]:
    handles = [Line2D([], [], marker="o", linestyle="", markersize=8, markerfacecolor=colour,
                      markeredgecolor="white", label=label)
               for label, colour in palette.legend(with_sizes)]
    if roles:
        handles += [Line2D([], [], marker=m, linestyle="", markersize=7, color="#555555", label=label)
                    for _, m, label in ROLE_MARKERS]
    handles += [Line2D([], [], linestyle="", label=label, **style) for label, style in extra]
    return handles


def _ring(colour: str, width: float = 1.4) -> dict:
    return {"marker": "o", "markersize": 10, "markerfacecolor": "none", "markeredgecolor": colour,
            "markeredgewidth": width}


_BRIDGE_KEYS = (("single bridge (this network)", _ring(BRIDGE_RING)),
                ("critical bridge", _ring(CRITICAL_RING, 1.8)))


def _subtitle(pg: ParticipantGraph) -> str:
    alone = sum(1 for _, d in pg.graph.degree() if d == 0)
    return (f"{pg.n:,} participants · {pg.graph.number_of_edges():,} ties · "
            f"{alone:,} without a tie to another participant")


def participants_network_png(people: pd.DataFrame, edges: pd.DataFrame, wave: str, *,
                             bridge_criticality: pd.DataFrame | None = None,
                             palette: CountryPalette | None = None) -> bytes:
    """The participants' trust network of ``wave``, coloured by country, roles marked."""
    pg = participant_graph(people, edges, wave)
    palette = palette or CountryPalette.of(pg.people["country"])
    bridges, critical = bridges_of(bridge_criticality, wave)
    with canvas.style():
        fig = canvas.new_figure(canvas.WIDE)
        ax = fig.add_axes((0.01, 0.02, 0.72, 0.86))
        _draw(ax, pg, palette, bridges=bridges & set(pg.graph), critical=critical & set(pg.graph))
        fig.suptitle(f"Participants' trust network, {wave}", x=0.02, ha="left", fontweight="bold")
        fig.text(0.02, 0.915, _subtitle(pg), ha="left", color="#444444")
        fig.legend(handles=_legend_handles(palette, roles=True, extra=_BRIDGE_KEYS),
                   loc="center left", bbox_to_anchor=(0.74, 0.5), frameon=False)
        return canvas.to_png(fig)


def scenario_network_png(people: pd.DataFrame, edges: pd.DataFrame, wave: str,
                         removed_ids: Iterable[str], *, title: str,
                         palette: CountryPalette | None = None) -> bytes:
    """The same network (same layout) with ``removed_ids`` taken out: removed people as red
    crosses, their ties dotted, and an orange ring on everyone the removal cuts off from the
    largest connected group."""
    pg = participant_graph(people, edges, wave)
    removed = {str(i) for i in removed_ids}
    unknown = removed - set(pg.graph)
    if unknown:
        raise ReportInputError(
            f"scenario {title!r}: {len(unknown)} removed people are not participants of wave {wave}"
        )
    palette = palette or CountryPalette.of(pg.people["country"])
    cut_off = cut_off_by(pg.graph, removed)
    with canvas.style():
        fig = canvas.new_figure(canvas.WIDE)
        ax = fig.add_axes((0.01, 0.02, 0.72, 0.86))
        _draw(ax, pg, palette, roles=False, removed=removed, cut_off=cut_off)
        fig.suptitle(title, x=0.02, ha="left", fontweight="bold")
        fig.text(0.02, 0.915,
                 f"{len(removed):,} removed · {len(cut_off):,} cut off from the largest connected group",
                 ha="left", color="#444444")
        extra = (("removed", {"marker": "X", "markersize": 9, "color": REMOVED_COLOUR}),
                 ("cut off by the removal", _ring(CUT_OFF_COLOUR, 1.6)))
        fig.legend(handles=_legend_handles(palette, roles=False, extra=extra),
                   loc="center left", bbox_to_anchor=(0.74, 0.5), frameon=False)
        return canvas.to_png(fig)


def baseline_vs_latest_png(people: pd.DataFrame, edges: pd.DataFrame, baseline_wave: str,
                           latest_wave: str, *, bridge_criticality: pd.DataFrame | None = None) -> bytes:
    """The participants' network at the baseline wave next to the latest wave, one palette."""
    if "wave" not in edges.columns:
        raise ReportInputError("participant_edges: a wave column is needed to draw two waves")
    graphs = [participant_graph(people, edges, w) for w in (baseline_wave, latest_wave)]
    palette = CountryPalette.of(graphs[1].people["country"])
    with canvas.style():
        fig = canvas.new_figure(canvas.PAIR)
        for i, (pg, label) in enumerate(zip(graphs, ("baseline", "latest"))):
            ax = fig.add_axes((0.01 + 0.41 * i, 0.03, 0.40, 0.78))
            bridges, critical = bridges_of(bridge_criticality, pg.wave)
            _draw(ax, pg, palette, bridges=bridges & set(pg.graph), critical=critical & set(pg.graph))
            # Figure text, not axes titles: equal-aspect axes shrink, and titles would not line up.
            fig.text(0.01 + 0.41 * i, 0.86, f"{pg.wave} ({label})", fontweight="bold", fontsize=11)
            fig.text(0.01 + 0.41 * i, 0.825, _subtitle(pg), fontsize=9, color="#444444")
        fig.suptitle("Participants' trust network: baseline and latest wave", x=0.01, ha="left",
                     fontweight="bold")
        fig.legend(handles=_legend_handles(palette, roles=True, extra=_BRIDGE_KEYS, with_sizes=False),
                   loc="center left", bbox_to_anchor=(0.83, 0.5), frameon=False, fontsize=9)
        return canvas.to_png(fig)
