"""The headline of a wave's resilience tables, for Dagster asset metadata.

Metadata is shown in the UI and kept in the event log, so it never carries an employee id: a
bridge is shown by its rank, country and what it cuts off; a user scenario's missing ids by
their position in the scenario file's ``employee_ids`` list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from scl_pipeline.lib.resilience.scenario_file import ScenarioSpec
from scl_pipeline.lib.resilience.scenarios import CROSS_COUNTRY_HOLDERS, SINGLE_BRIDGES
from scl_pipeline.lib.resilience.scopes import SCOPES

TOP_BRIDGE_COLUMNS: tuple[str, ...] = ("rank", "country", "people_cut_off", "countries_cut_off", "pieces")
SCENARIO_SHOWN: tuple[str, ...] = (
    "scenario", "removed_people", "largest_component_share_before", "largest_component_share_after",
    "fragmentation_before", "fragmentation_after", "country_pairs_disconnected",
)


def bridge_headline(bridges: pd.DataFrame) -> dict:
    """Per scope: articulation points and critical bridges of a bridge_criticality table."""
    out: dict = {"articulation_points": {}, "critical_bridges": {}}
    for scope in SCOPES:
        mine = bridges[bridges["scope"] == scope]
        out["articulation_points"][scope] = int(len(mine))
        out["critical_bridges"][scope] = int(mine["critical"].sum())
    return out


def top_critical_bridges(bridges: pd.DataFrame, scope: str, n: int = 5) -> pd.DataFrame:
    """The ``n`` best-ranked critical bridges of ``scope``: TOP_BRIDGE_COLUMNS, no ids."""
    mine = bridges[(bridges["scope"] == scope) & bridges["critical"].astype(bool)]
    return mine.sort_values("rank").head(n)[list(TOP_BRIDGE_COLUMNS)].reset_index(drop=True)


def top_bridges_markdown(bridges: pd.DataFrame, n: int = 5) -> str:
    """Markdown: per scope, its critical bridges out of its articulation points and the top ``n``."""
    counts = bridge_headline(bridges)
    parts = []
    for scope in SCOPES:
        top = top_critical_bridges(bridges, scope, n)
        head = (f"**{scope}**: {counts['critical_bridges'][scope]:,} critical bridges of "
                f"{counts['articulation_points'][scope]:,} articulation points")
        parts.append(head + ("\n\n" + top.to_markdown(index=False) if len(top) else "\n\n(none critical)"))
    return "\n\n".join(parts)


def country_scenarios(scenarios: pd.DataFrame, scope: str) -> pd.DataFrame:
    """The per-country scenarios of ``scope`` that remove someone, by decreasing fragmentation
    increase (then scenario name), with ``fragmentation_increase``; increases that are NaN
    (fewer than two people left) are left out."""
    rows = scenarios[(scenarios["scope"] == scope)
                     & scenarios["kind"].isin([CROSS_COUNTRY_HOLDERS, SINGLE_BRIDGES])
                     & (scenarios["removed_people"] > 0)]
    rows = rows.assign(fragmentation_increase=rows["fragmentation_after"] - rows["fragmentation_before"])
    rows = rows[rows["fragmentation_increase"].notna()]
    return rows.sort_values(["fragmentation_increase", "scenario"], ascending=[False, True], kind="stable")


def removal_headline(scenarios: pd.DataFrame, summary: pd.DataFrame) -> dict:
    """Per scope: the worst country scenario (largest fragmentation increase; None when no
    country scenario removes anyone) and critical_k per strategy."""
    out: dict = {"worst_country_scenario": {}, "critical_k": {}}
    for scope in SCOPES:
        ranked = country_scenarios(scenarios, scope)
        worst = None
        if len(ranked):
            row = ranked.iloc[0]
            worst = {"scenario": row["scenario"], "kind": row["kind"], "country": row["country"],
                     "removed_people": int(row["removed_people"]),
                     "fragmentation_before": float(row["fragmentation_before"]),
                     "fragmentation_after": float(row["fragmentation_after"]),
                     "fragmentation_increase": float(row["fragmentation_increase"])}
        out["worst_country_scenario"][scope] = worst
        rows = summary[summary["scope"] == scope]
        out["critical_k"][scope] = {r.strategy: (None if pd.isna(r.critical_k) else int(r.critical_k))
                                    for r in rows.itertuples()}
    return out


def worst_scenarios_markdown(scenarios: pd.DataFrame, n: int = 5) -> str:
    """Markdown: per scope, the ``n`` country scenarios that fragment the network most."""
    parts = []
    for scope in SCOPES:
        top = country_scenarios(scenarios, scope).head(n)
        table = top[[*SCENARIO_SHOWN, "fragmentation_increase"]].to_markdown(index=False, floatfmt=".3f")
        parts.append(f"**{scope}**\n\n" + (table if len(top) else "(no country scenario removes anyone)"))
    return "\n\n".join(parts)


def scenario_rows_markdown(scenarios: pd.DataFrame) -> str:
    """Markdown of scenario rows as they are (e.g. every wave's baseline_single_bridges)."""
    shown = [c for c in ("wave", "scope", *SCENARIO_SHOWN, "missing_people") if c in scenarios.columns]
    return scenarios[shown].to_markdown(index=False, floatfmt=".3f") if len(scenarios) else "(no rows)"


def missing_id_positions(
    missing: Mapping[tuple[str, str], Sequence[str]], specs: Sequence[ScenarioSpec]
) -> dict[str, dict[str, list[int]]]:
    """Per user scenario and scope, the 1-based positions in its ``employee_ids`` list of the
    ids not in that scope at this wave (the file's author finds them; no id is shown)."""
    listed = {spec.name: list(spec.employee_ids) for spec in specs if spec.employee_ids is not None}
    out: dict[str, dict[str, list[int]]] = {}
    for (scope, name), ids in sorted(missing.items()):
        if name in listed:
            gone = set(ids)
            out.setdefault(name, {})[scope] = [i for i, x in enumerate(listed[name], start=1) if x in gone]
    return out


def scenario_figures(scenarios: pd.DataFrame) -> dict[str, dict[str, dict]]:
    """wave -> scope -> removed_people and the before/after figures of each row (one scenario
    per wave and scope, e.g. the baseline's bridges removed again), for JSON metadata."""
    out: dict[str, dict[str, dict]] = {}
    figures = ("removed_people", "missing_people", *SCENARIO_SHOWN[2:])
    for row in scenarios.itertuples(index=False):
        out.setdefault(str(row.wave), {})[str(row.scope)] = {
            f: (int(getattr(row, f)) if f.endswith(("people", "disconnected")) else _number(getattr(row, f)))
            for f in figures
        }
    return out


def _number(value) -> float | None:
    return None if pd.isna(value) else round(float(value), 6)
