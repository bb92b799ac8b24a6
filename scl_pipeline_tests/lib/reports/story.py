"""Fixture builders: the marts the reports read, for a seeded program story.

Participants (200 by default, 12 countries, the smallest under 5 people) are tied within their
countries at the baseline, and 8 bridge people of a hub country are each the only link to a
group of other countries (the case study's "8 single bridges"). Later waves add ties, many across
countries. Every mart row is computed here with networkx by removal-and-recount, independently of
the pipeline's own code, so the tests can check the captions' numbers against it.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

WAVES = ("2020-Q4", "2021-Q2", "2022-Q4")
BASELINE = WAVES[0]
HUB = "India"
N_BRIDGES = 8
COUNTRIES = (("Brazil", 38), ("India", 30), ("Germany", 24), ("Mexico", 20), ("Spain", 18),
             ("Poland", 16), ("Kenya", 14), ("Chile", 12), ("Japan", 10), ("Egypt", 8), ("Peru", 6),
             ("Fiji", 4))
DEPARTMENTS = ("Sales", "Engineering", "Operations", "Finance", "Marketing", "Legal")
DEPARTMENT_WEIGHTS = (0.3, 0.3, 0.2, 0.1, 0.08, 0.02)


def _ids(rng: np.random.Generator, n: int) -> list[str]:
    return [f"p_{x:016x}" for x in rng.choice(2**62, size=n, replace=False)]


def participant_graphs(seed: int = 11, countries=COUNTRIES) -> tuple[dict[str, nx.Graph], list[str]]:
    """U among the participants at each wave (node attribute ``country``) and the bridges."""
    rng = np.random.default_rng(seed)
    country = [c for c, n in countries for _ in range(n)]
    ids = _ids(rng, len(country))
    g = nx.Graph()
    g.add_nodes_from((i, {"country": c}) for i, c in zip(ids, country))
    by_country = {c: [i for i, cc in zip(ids, country) if cc == c] for c, _ in countries}
    for c, members in by_country.items():
        for i in members:
            if rng.random() < 0.6:
                for j in rng.choice(members, size=min(3, len(members)), replace=False):
                    if j != i:
                        g.add_edge(i, str(j))
    hub = by_country[HUB]
    bridges = hub[:N_BRIDGES]
    for a, b in zip(hub[N_BRIDGES:], hub[N_BRIDGES + 1:]):  # the hub's own cluster, a path
        g.add_edge(a, b)
    others = [c for c, _ in countries if c != HUB]
    for k, bridge in enumerate(bridges):
        g.add_edge(bridge, hub[N_BRIDGES + k])
        for c in others[k::N_BRIDGES]:
            g.add_edge(bridge, by_country[c][0])
    graphs = {BASELINE: g}
    later = g.copy()
    for wave in WAVES[1:]:
        later = later.copy()
        for i in ids:
            for j in rng.choice(ids, size=2, replace=False):
                if j != i and rng.random() < 0.6:
                    later.add_edge(i, str(j))
        graphs[wave] = later
    return graphs, bridges


def _lcc(g: nx.Graph) -> set:
    comps = [sorted(c) for c in nx.connected_components(g)]
    return set(min(comps, key=lambda c: (-len(c), c[0]))) if comps else set()


def _impact(g: nx.Graph, removed: set) -> dict:
    """Components, largest share and fragmentation before/after removing ``removed``: recount."""
    out = {"removed_people": len(removed)}
    pairs = {}
    for when, h in (("before", g), ("after", g.subgraph(set(g) - removed))):
        sizes = np.array([len(c) for c in nx.connected_components(h)], dtype=float)
        m = sizes.sum()
        out[f"components_{when}"] = len(sizes)
        out[f"largest_component_share_{when}"] = sizes.max() / m
        out[f"fragmentation_{when}"] = 1 - (sizes * (sizes - 1)).sum() / (m * (m - 1))
        pairs[when] = {frozenset((a, b)) for comp in nx.connected_components(h)
                       for a in {h.nodes[v]["country"] for v in comp}
                       for b in {h.nodes[v]["country"] for v in comp} if a != b}
    present = {g.nodes[v]["country"] for v in set(g) - removed}
    out["country_pairs_disconnected"] = sum(1 for p in pairs["before"] - pairs["after"] if p <= present)
    return out


def bridge_frame(g: nx.Graph, wave: str) -> pd.DataFrame:
    """bridge_criticality of the participants' scope, by removal-and-recount (SPEC §3b)."""
    before = _lcc(g)
    rows = []
    for v in sorted(nx.articulation_points(g)):
        own = nx.node_connected_component(g, v)
        after = _lcc(g.subgraph(set(g) - {v}))
        cut = len(before - {v} - after)
        lost = {g.nodes[u]["country"] for u in before} - {g.nodes[u]["country"] for u in after}
        rows.append({"wave": wave, "scope": "participants", "employee_id": v,
                     "country": g.nodes[v]["country"], "component_size": len(own),
                     "people_cut_off": cut,
                     "pieces": nx.number_connected_components(g.subgraph(own - {v})),
                     "countries_cut_off": len(lost), "critical": cut >= 5 or len(lost) >= 1})
    frame = pd.DataFrame(rows, columns=["wave", "scope", "employee_id", "country", "component_size",
                                        "people_cut_off", "pieces", "countries_cut_off", "critical"])
    frame["rank"] = frame["people_cut_off"].rank(ascending=False, method="first").astype("Int64")
    return frame


def scenario_rows(g: nx.Graph, wave: str, mine: pd.DataFrame, baseline_bridges: set) -> list[dict]:
    """resilience_scenarios rows: each country's single bridges, and the baseline's again."""
    rows = []
    for c in sorted(set(mine["country"])):
        removed = set(mine.loc[mine["country"] == c, "employee_id"])
        rows.append({"wave": wave, "scope": "participants", "scenario": f"single_bridges_{c}",
                     "kind": "country_single_bridges", "country": c, "requested_people": len(removed),
                     "missing_people": 0, "people_before": g.number_of_nodes(), **_impact(g, removed)})
    present = baseline_bridges & set(g)
    rows.append({"wave": wave, "scope": "participants", "scenario": "baseline_single_bridges",
                 "kind": "baseline_single_bridges", "country": None,
                 "requested_people": len(baseline_bridges), "missing_people": len(baseline_bridges - present),
                 "people_before": g.number_of_nodes(), **_impact(g, present)})
    return rows


def curve_rows(g: nx.Graph, wave: str, k_max: int = 30, draws: int = 12, seed: int = 3) -> list[dict]:
    def after(order, k):
        h = g.subgraph(set(g) - set(order[:k]))
        sizes = np.array([len(c) for c in nx.connected_components(h)], dtype=float)
        m = sizes.sum()
        return sizes.max() / m, 1 - (sizes * (sizes - 1)).sum() / (m * (m - 1))

    bc = nx.betweenness_centrality(g)
    orders = {"betweenness": sorted(g, key=lambda v: (-bc[v], v)),
              "degree": sorted(g, key=lambda v: (-g.degree(v), v))}
    rows = []
    for strategy, order in orders.items():
        for k in range(k_max + 1):
            lcs, frag = after(order, k)
            rows.append({"wave": wave, "scope": "participants", "strategy": strategy, "k": k,
                         "people": g.number_of_nodes(), "largest_component_share": lcs,
                         "fragmentation": frag, "draws": 1})
    rng = np.random.default_rng(seed)
    random_orders = [list(rng.permutation(sorted(g))) for _ in range(draws)]
    for k in range(k_max + 1):
        values = np.array([after(o, k) for o in random_orders])
        p05, p95 = np.percentile(values, [5, 95], axis=0)
        rows.append({"wave": wave, "scope": "participants", "strategy": "random", "k": k,
                     "people": g.number_of_nodes(), "largest_component_share": values[:, 0].mean(),
                     "fragmentation": values[:, 1].mean(), "largest_component_share_p05": p05[0],
                     "largest_component_share_p95": p95[0], "fragmentation_p05": p05[1],
                     "fragmentation_p95": p95[1], "draws": draws})
    return rows
