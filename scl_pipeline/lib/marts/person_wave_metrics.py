"""``marts.person_wave_metrics`` of one wave: person metrics, brokerage, participation and role
flags joined by ``employee_id``, plus the role summaries shown in run metadata. Frames omit
``wave`` where the warehouse writer adds it."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from scl_pipeline.lib.network.brokerage import ROLES as BROKERAGE_ROLES
from scl_pipeline.lib.network.roles import ROLE_NAMES
from scl_pipeline.lib.network.snapshot import NODE_ID, RESPONDED, GraphSnapshot

PERSON_COLUMNS: tuple[str, ...] = (
    NODE_ID, "country", "department", "level", "participant", "cohort", RESPONDED,
    "in_degree", "out_degree", "strong_in_degree", "strong_out_degree", "degree_u",
    "betweenness", "betweenness_approx", "betweenness_error_bound", "pagerank", "clustering",
    "constraint", "community", "neighbour_communities", "cross_country_ties", "countries_reached",
    *(f"brokerage_{r}" for r in BROKERAGE_ROLES), "brokerage_total", "energy_in_degree",
    *ROLE_NAMES, "critical_bridge",
)
# How "top people" of a role are ranked in run metadata: (column, descending).
ROLE_RANKING: dict[str, tuple[str, bool]] = {
    "central_connector": ("strong_in_degree", True),
    "boundary_spanner": ("cross_country_ties", True),
    "information_broker": ("betweenness", True),
    "catalyst": ("energy_in_degree", True),  # strong_in_degree when the survey has no energy relation
    "peripheral": ("degree_u", False),
    "single_bridge": ("betweenness", True),
}


def participant_columns(employee_ids: pd.Series, roster: pd.DataFrame) -> pd.DataFrame:
    """``participant`` (in the program roster, any cohort) and ``cohort`` (the earliest cohort
    label when someone is listed twice; NULL for non-participants), in the order of ``employee_ids``."""
    ids = employee_ids.astype(str)
    if roster.empty:
        return pd.DataFrame({"participant": np.zeros(len(ids), dtype=bool), "cohort": pd.Series([None] * len(ids), dtype=object)})
    cohorts = roster.assign(employee_id=roster[NODE_ID].astype(str)).groupby(NODE_ID)["cohort"].min()
    cohort = cohorts.reindex(ids.to_numpy())
    return pd.DataFrame(
        {"participant": ids.isin(cohorts.index).to_numpy(), "cohort": cohort.astype(object).where(cohort.notna(), None).to_numpy()}
    )


def person_wave_table(
    snapshot: GraphSnapshot,
    metrics: pd.DataFrame,
    brokerage: pd.DataFrame,
    flags: pd.DataFrame,
    roster: pd.DataFrame,
    energy_in: pd.Series | None = None,
    critical_bridges: Iterable[str] | None = None,
) -> pd.DataFrame:
    """``marts.person_wave_metrics`` rows (PERSON_COLUMNS), one per person of the snapshot.

    ``metrics``/``brokerage``/``flags`` are the library's outputs for ``snapshot``; they are
    joined by ``employee_id`` (never by position). ``energy_in_degree`` is NULL without an
    energy relation. ``critical_bridges``: the ids of the wave's critical bridges in the
    organisation scope (``marts.bridge_criticality``); ``critical_bridge`` is NULL without them.
    """
    ids = snapshot.nodes[NODE_ID].astype(str)
    base = snapshot.nodes[[NODE_ID, "country", "department", "level", RESPONDED]].copy()
    base[NODE_ID] = ids
    base = pd.concat([base, participant_columns(ids, roster)], axis=1)
    table = base.merge(metrics.drop(columns=["country", "articulation_point"]), on=NODE_ID, how="left", validate="1:1")
    table = table.merge(brokerage, on=NODE_ID, how="left", validate="1:1")
    table["energy_in_degree"] = (
        pd.array(energy_in.reindex(ids).fillna(0).to_numpy(np.int64), dtype="Int64")
        if energy_in is not None
        else pd.array([pd.NA] * len(table), dtype="Int64")
    )
    table = table.merge(flags, on=NODE_ID, how="left", validate="1:1")
    table["critical_bridge"] = (
        pd.array(ids.isin({str(i) for i in critical_bridges}).to_numpy(), dtype="boolean")
        if critical_bridges is not None
        else pd.array([pd.NA] * len(table), dtype="boolean")
    )
    if len(table) != snapshot.n:
        raise ValueError(f"person table has {len(table)} rows for {snapshot.n} people")
    return table[list(PERSON_COLUMNS)]


def role_shares(table: pd.DataFrame) -> dict[str, float]:
    """Share of the population carrying each role flag."""
    n = len(table)
    return {role: (float(table[role].sum()) / n if n else float("nan")) for role in ROLE_NAMES}


def top_people(table: pd.DataFrame, role: str, n: int = 5) -> pd.DataFrame:
    """The ``n`` people with ``role`` ranked by the role's metric (ROLE_RANKING)."""
    column, descending = ROLE_RANKING[role]
    if column == "energy_in_degree" and table[column].isna().all():
        column = "strong_in_degree"
    holders = table[table[role].astype(bool)]
    ranked = holders.sort_values([column, NODE_ID], ascending=[not descending, True], kind="stable")
    out = ranked.head(n)[[NODE_ID, "country", column]].rename(columns={column: "value"})
    out.insert(0, "metric", column)
    out.insert(0, "role", role)
    return out.reset_index(drop=True)


def top_people_markdown(table: pd.DataFrame, n: int = 5) -> str:
    """Markdown: per role, its share of the population and the country and value of its top ``n``
    people, without their ids (event metadata is stored in DAGSTER_HOME; issue 15.2)."""
    shares = role_shares(table)
    parts = []
    for role in ROLE_NAMES:
        top = top_people(table, role, n).drop(columns=["role", NODE_ID])
        head = f"**{role}**: {int(table[role].sum()):,} people ({shares[role]:.1%})"
        parts.append(head + ("\n\n" + top.to_markdown(index=False) if len(top) else "\n\n(none)"))
    return "\n\n".join(parts)
