"""Which resilience scenario a wave's picture shows, and who it removes.

resilience_scenarios counts the people a scenario removes but does not list them; for the kinds
made of single bridges the list is bridge_criticality's (SPEC §3b: a country's single bridges are
the articulation points of the scope graph in that country; the baseline's are all of them at the
baseline wave, removed again if still present).
"""

from __future__ import annotations

import pandas as pd

from scl_pipeline.lib.reports.inputs import (
    BRIDGE_CRITICALITY,
    PARTICIPANTS_SCOPE,
    RESILIENCE_SCENARIOS,
    ReportInputError,
    one_wave,
)

COUNTRY_BRIDGES = "country_single_bridges"
BASELINE_BRIDGES = "baseline_single_bridges"
# The case study's picture: one country's single bridges removed; else the baseline's again.
DRAWN_KINDS = (COUNTRY_BRIDGES, BASELINE_BRIDGES)


def main_scenario(resilience_scenarios: pd.DataFrame, wave: str,
                  scope: str = PARTICIPANTS_SCOPE) -> pd.Series | None:
    """The scenario of the first kind in :data:`DRAWN_KINDS` that raises fragmentation most
    (then: fewer people removed, then scenario name); None when the wave has none."""
    rows = one_wave(resilience_scenarios, "resilience_scenarios", wave, RESILIENCE_SCENARIOS)
    rows = rows[(rows["scope"] == scope) & (rows["removed_people"] > 0)]
    for kind in DRAWN_KINDS:
        candidates = rows[rows["kind"] == kind].assign(
            rise=lambda f: (f["fragmentation_after"] - f["fragmentation_before"]).fillna(-1.0),
            name=lambda f: f["scenario"].astype(str),
        )
        if not candidates.empty:
            best = candidates.sort_values(["rise", "removed_people", "name"],
                                          ascending=[False, True, True], kind="stable")
            return best.iloc[0].drop(["rise", "name"])
    return None


def removed_people(scenario: pd.Series, bridge_criticality: pd.DataFrame, members: pd.Index,
                   baseline_wave: str | None = None) -> list[str]:
    """The ids a drawn scenario removes; they must number the scenario's ``removed_people``."""
    kind, scope = str(scenario["kind"]), scenario["scope"]
    if kind == COUNTRY_BRIDGES:
        rows = one_wave(bridge_criticality, "bridge_criticality", scenario["wave"], BRIDGE_CRITICALITY)
        rows = rows[(rows["scope"] == scope) & (rows["country"].astype(str) == str(scenario["country"]))]
    elif kind == BASELINE_BRIDGES:
        if baseline_wave is None:
            raise ReportInputError(f"scenario {scenario['scenario']!r}: the baseline wave is needed")
        rows = one_wave(bridge_criticality, "bridge_criticality", baseline_wave, BRIDGE_CRITICALITY)
        rows = rows[rows["scope"] == scope]
    else:
        raise ReportInputError(f"scenario {scenario['scenario']!r}: kind {kind!r} lists no people to draw")
    ids = sorted(set(rows["employee_id"].astype(str)) & set(members.astype(str)))
    if len(ids) != int(scenario["removed_people"]):
        raise ReportInputError(
            f"resilience_scenarios: scenario {scenario['scenario']!r} of wave {scenario['wave']} removes "
            f"{int(scenario['removed_people'])} people, bridge_criticality lists {len(ids)} of them "
            "among the wave's participants"
        )
    return ids
