"""The whole set of marts for the reports' tests: :func:`story_inputs` (see ``story``)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
from scipy import stats

from scl_pipeline.lib.impact.balance import impact_balance
from scl_pipeline.lib.impact.did import CONTROL_DEFINITIONS, DID_METRICS, MATCHED, ControlGroup, impact_did
from scl_pipeline.lib.reports.build import ReportInputs
from scl_pipeline_tests.lib.impact.planted import plant
from scl_pipeline_tests.lib.reports.story import (
    BASELINE,
    COUNTRIES,
    DEPARTMENT_WEIGHTS,
    DEPARTMENTS,
    WAVES,
    bridge_frame,
    curve_rows,
    participant_graphs,
    scenario_rows,
)

ORG_EXTRA = (("Norway", 3), ("Iceland", 2))  # countries too small to be named anywhere


def people_frame(graphs: dict[str, nx.Graph], seed: int = 5, departments=DEPARTMENTS) -> pd.DataFrame:
    """person_wave_metrics: participants with roles (simple stand-ins, they only pick markers)
    and a few non-participants who must not appear in the participants' pictures."""
    rng = np.random.default_rng(seed)
    nodes = sorted(graphs[BASELINE])
    dept = dict(zip(nodes, rng.choice(departments, size=len(nodes), p=DEPARTMENT_WEIGHTS)))
    frames = []
    for wave, g in graphs.items():
        bc = nx.betweenness_centrality(g)
        deg = dict(g.degree())
        cross = {v: sum(g.nodes[u]["country"] != g.nodes[v]["country"] for u in g[v]) for v in g}
        p90 = {name: np.percentile(list(values.values()), 90) for name, values in
               (("deg", deg), ("cross", cross), ("bc", bc))}
        frame = pd.DataFrame({"wave": wave, "employee_id": nodes,
                              "country": [g.nodes[v]["country"] for v in nodes],
                              "department": [dept[v] for v in nodes], "level": "staff",
                              "participant": True, "cohort": "2021-A"})
        frame["central_connector"] = [deg[v] >= max(3, p90["deg"]) for v in nodes]
        frame["boundary_spanner"] = [cross[v] >= max(1, p90["cross"]) for v in nodes]
        frame["information_broker"] = [bc[v] >= p90["bc"] and bc[v] > 0 for v in nodes]
        frame["catalyst"] = rng.random(len(nodes)) < 0.04
        frame["betweenness"] = [bc[v] for v in nodes]
        articulation = set(nx.articulation_points(g))
        frame["single_bridge"] = [v in articulation for v in nodes]
        frame["critical_bridge"] = frame["single_bridge"]
        outsiders = pd.DataFrame({"wave": wave, "employee_id": [f"n_{i:04d}" for i in range(30)],
                                  "country": "Brazil", "department": "Sales", "level": "staff",
                                  "participant": False, "cohort": None})
        frames += [frame, outsiders]
    return pd.concat(frames, ignore_index=True)


def organisation_graph(seed: int = 9, countries=COUNTRIES, extra=ORG_EXTRA, scale: int = 4) -> nx.DiGraph:
    """D over a small organisation: the participants' countries at ``scale`` times their size
    plus two tiny countries; 85% of each person's nominations stay in their country."""
    rng = np.random.default_rng(seed)
    sizes = [(c, n * scale) for c, n in countries] + list(extra)
    country = [c for c, n in sizes for _ in range(n)]
    d = nx.DiGraph()
    d.add_nodes_from((i, {"country": c}) for i, c in enumerate(country))
    by_country = {c: [i for i, cc in enumerate(country) if cc == c] for c, _ in sizes}
    for i, c in enumerate(country):
        for _ in range(3):
            pool = by_country[c] if rng.random() < 0.85 else range(len(country))
            j = int(rng.choice(list(pool)))
            if j != i:
                d.add_edge(i, j)
    return d


def organisation_marts(d: nx.DiGraph, wave: str) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """country_mixing, country_wave_bonds and the wave_summary row of one wave."""
    country = nx.get_node_attributes(d, "country")
    arcs = pd.DataFrame([(country[a], country[b]) for a, b in d.edges()], columns=["country", "other_country"])
    mixing = arcs.value_counts().rename("arcs").reset_index()
    mixing["row_share"] = mixing["arcs"] / mixing.groupby("country")["arcs"].transform("sum")
    mixing.insert(0, "wave", wave)
    u = d.to_undirected()
    people = pd.Series(country).value_counts()
    bonds = pd.DataFrame({"wave": wave, "country": people.index, "people": people.to_numpy()})
    external = sum(country[a] != country[b] for a, b in u.edges())
    e, i = external, u.number_of_edges() - external
    n = u.number_of_nodes()
    p_e = 1 - sum(k * (k - 1) for k in people) / (n * (n - 1))
    comps = [len(c) for c in nx.connected_components(u)]
    summary = {"wave": wave, "population": n, "components": len(comps),
               "largest_component_share": max(comps) / n,
               "articulation_points": len(list(nx.articulation_points(u))), "critical_bridges": 0,
               "ei_index": (e - i) / (e + i), "ei_expected": 2 * p_e - 1,
               "cross_country_edge_share": e / (e + i)}
    return mixing, bonds, summary


def wilson(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def experiment_frame(counts=None, experiment_id: str = "qa-2022") -> pd.DataFrame:
    """experiment_kbis from (indicator -> ((program yes, members), (control yes, members)))."""
    counts = counts or {"engagement": ((24, 40), (14, 120)),
                        "knowledge_gaps_addressed": ((26, 40), (30, 120)),
                        "building_connectivity": ((19, 40), (18, 120))}
    rows = []
    for indicator, ((a, n1), (b, n2)) in counts.items():
        pooled = (a + b) / (n1 + n2)
        z = (a / n1 - b / n2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        p = float(2 * stats.norm.sf(abs(z)))
        for group, yes, n in (("program", a, n1), ("control", b, n2)):
            low, high = wilson(yes, n)
            rows.append({"experiment_id": experiment_id, "indicator": indicator, "group": group,
                         "members": n, "count": yes, "share": yes / n, "ci_low": low, "ci_high": high,
                         "difference": a / n1 - b / n2, "p_value": p})
    return pd.DataFrame(rows)


def roi_frame(wave: str, bonds: int = 120, reached: float = 2400.0) -> pd.DataFrame:
    rows = []
    for scenario, gain in (("low", 0.15), ("mid", 0.20), ("high", 0.25)):
        value = reached * 20 * 60.0 * gain * 2
        rows.append({"wave": wave, "scenario": scenario, "assumptions_version": "2024-01",
                     "efficiency_gain": gain, "bonds": bonds, "people_reached_weighted": reached,
                     "value": value, "cost": 250_000.0, "roi_multiple": value / 250_000.0,
                     "currency": "EUR"})
    return pd.DataFrame(rows)


def participant_network_frame(graphs: dict[str, nx.Graph]) -> pd.DataFrame:
    base = graphs[BASELINE]
    base_edges = {frozenset(e) for e in base.edges()}
    rows = []
    for wave, g in graphs.items():
        cross = sum(g.nodes[a]["country"] != g.nodes[b]["country"] for a, b in g.edges())
        new = {v for e in g.edges() if frozenset(e) not in base_edges for v in e}
        rows.append({"wave": wave, "baseline_wave": BASELINE, "participants": g.number_of_nodes(),
                     "participants_without_participant_tie": sum(1 for _, k in g.degree() if k == 0),
                     "ties": g.number_of_edges(), "cross_country_ties": cross,
                     "new_bond_share": len(new) / g.number_of_nodes()})
    frame = pd.DataFrame(rows)
    frame["cross_country_ratio_to_baseline"] = frame["cross_country_ties"] / frame["cross_country_ties"].iloc[0]
    return frame


def impact_frames(effect: float = 0.5, pre_trend: float = 0.0, seed: int = 4) -> tuple[pd.DataFrame, pd.DataFrame]:
    """impact_did and impact_balance computed by the pipeline's functions on a planted
    organisation (``planted.py``): a placebo wave before the baseline and the story's later
    waves, the effect growing to ``effect`` SD by the last."""
    base_wave = BASELINE
    planted = plant(effect, pre_trend=pre_trend, people=3000, seed=seed)
    metrics = list(DID_METRICS)
    frames = {"2020-Q2": planted.pre, base_wave: planted.baseline}
    for i, wave in enumerate(WAVES[1:], start=1):
        share = i / (len(WAVES) - 1)
        frames[wave] = planted.later.assign(**{m: planted.baseline[m] + share * (planted.later[m] - planted.baseline[m])
                                                for m in metrics})
    control = ControlGroup(MATCHED)
    matching = control.match_at(planted.baseline)
    did = pd.concat([impact_did(frame, planted.baseline, wave=w, baseline_wave=base_wave, matching=matching)
                     for w, frame in frames.items() if w != base_wave], ignore_index=True)
    controls = {r: ControlGroup(r) for r in CONTROL_DEFINITIONS}
    balance = pd.concat([impact_balance(planted.baseline, frame["employee_id"], wave=w, baseline_wave=base_wave,
                                        controls=controls, matching=matching) for w, frame in frames.items()],
                        ignore_index=True)
    return did, balance


def story_inputs(seed: int = 11, countries=COUNTRIES, departments=DEPARTMENTS) -> ReportInputs:
    """Every mart of the story; ``countries`` (name, participants; must keep the hub) and
    ``departments`` (six names) let a test rename groups, e.g. to hostile strings."""
    graphs, _ = participant_graphs(seed, countries)
    bridge = pd.concat([bridge_frame(g, w) for w, g in graphs.items()], ignore_index=True)
    baseline_bridges = set(bridge.loc[bridge["wave"] == BASELINE, "employee_id"])
    scenarios = pd.DataFrame([r for w, g in graphs.items()
                              for r in scenario_rows(g, w, bridge[bridge["wave"] == w], baseline_bridges)])
    curves = pd.DataFrame([r for w, g in graphs.items() for r in curve_rows(g, w)])
    edges = pd.DataFrame([(w, a, b) for w, g in graphs.items() for a, b in sorted(g.edges())],
                         columns=["wave", "source", "target"])
    org = organisation_graph(countries=countries)
    did, balance = impact_frames()
    mixing, bonds, summaries = [], [], []
    for w in WAVES:
        m, b, s = organisation_marts(org, w)
        mixing.append(m), bonds.append(b), summaries.append(s)
    return ReportInputs(
        people=people_frame(graphs, departments=departments), participant_edges=edges, bridge_criticality=bridge,
        resilience_scenarios=scenarios, robustness_curve=curves,
        country_mixing=pd.concat(mixing, ignore_index=True),
        country_wave_bonds=pd.concat(bonds, ignore_index=True),
        participant_network=participant_network_frame(graphs),
        wave_summary=pd.DataFrame(summaries), experiment_kbis=experiment_frame(),
        roi=roi_frame(WAVES[-1]), impact_did=did, impact_balance=balance,
    )
