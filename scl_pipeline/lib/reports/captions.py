"""Plain-language captions written from the data.

Sentences count people and never name one; a country is named only when the group of people a
sentence is about has at least ``MIN_GROUP_SIZE`` members ("the 8 single bridges in Brazil",
but "the 3 single bridges in one country").
"""

from __future__ import annotations

import pandas as pd

from scl_pipeline.lib import formatting as fmt
from scl_pipeline.lib.reports.impact_charts import (
    CONTROL_NAMES,
    COVARIATE_NAMES,
    balance_rows,
    effect_number,
    interval_text,
    metric_name,
)
from scl_pipeline.lib.reports.inputs import BRIDGE_CRITICALITY, PARTICIPANTS_SCOPE, flag, one_wave
from scl_pipeline.lib.reports.program_charts import fragmentation_by_wave, indicator_name, indicator_order
from scl_pipeline.lib.reports.wave_charts import HALF, MixingMatrix, SCOPE_TITLE
from scl_pipeline.lib.small_groups import MIN_GROUP_SIZE


def _where(country: object, people: int) -> str:
    if pd.isna(country) or people < MIN_GROUP_SIZE:
        return "in one country"
    return f"in {country}"


def network_caption(row: pd.Series) -> str:
    """From a participant_network row."""
    alone = int(row["participants_without_participant_tie"])
    text = (f"{fmt.count(row['participants'])} participants, {fmt.count(row['ties'])} trust ties "
            f"among them, {fmt.count(row['cross_country_ties'])} of them across countries; "
            + (f"{fmt.people(alone)} without a tie to another participant." if alone
               else "everyone has a tie to another participant."))
    if str(row["wave"]) != str(row["baseline_wave"]) and not fmt.is_missing(row["new_bond_share"]):
        text += (f" {fmt.share(row['new_bond_share'])} of participants have a new strong bond "
                 f"since the baseline ({row['baseline_wave']}).")
    return text


def bridges_caption(bridge_criticality: pd.DataFrame, wave: str, scope: str = PARTICIPANTS_SCOPE) -> str:
    rows = one_wave(bridge_criticality, "bridge_criticality", wave, BRIDGE_CRITICALITY)
    rows = rows[rows["scope"] == scope]
    where = SCOPE_TITLE.get(scope, scope)
    if rows.empty:
        return f"No one is the only bridge between parts of the {where}."
    critical = int(flag(rows["critical"]).sum())
    total = len(rows)
    verb = "person is the only bridge" if total == 1 else "people are the only bridges"
    text = (f"{fmt.count(total)} {verb} between parts of the {where}; "
            + (f"{fmt.count(critical)} critical (each alone would cut off at least {MIN_GROUP_SIZE} "
               "people or a whole country)." if critical else "none is critical (cutting off "
               f"{MIN_GROUP_SIZE} people or more, or a whole country)."))
    by_country = rows["country"].astype(str).value_counts()
    by_country = by_country[by_country >= MIN_GROUP_SIZE]
    if not by_country.empty:
        top = by_country.sort_index().sort_values(ascending=False, kind="stable")
        text += f" {fmt.count(top.iloc[0])} of them work in {top.index[0]}."
    return text


# (one person, several people) per scenario kind.
_REMOVED = {
    "country_single_bridges": ("the single bridge {where}", "the {n} single bridges {where}"),
    "country_cross_country_holders": ("the person {where} with a tie abroad",
                                      "the {n} people {where} with a tie abroad"),
    "baseline_single_bridges": ("the person who was a single bridge at the baseline",
                                "the {n} people who were single bridges at the baseline"),
}
_USER_SCENARIO = ("the person of scenario '{name}'", "the {n} people of scenario '{name}'")


def _who(row: pd.Series) -> str:
    n = int(row["removed_people"])
    one, many = _REMOVED.get(str(row["kind"]), _USER_SCENARIO)
    return (one if n == 1 else many).format(n=fmt.count(n), where=_where(row["country"], n),
                                            name=row["scenario"])


def scenario_title(row: pd.Series) -> str:
    return f"Without {_who(row)}, {row['wave']}"


def scenario_caption(row: pd.Series) -> str:
    """From a resilience_scenarios row."""
    text = (f"Removing {_who(row)} takes the {SCOPE_TITLE.get(row['scope'], row['scope'])} from "
            f"{fmt.count(row['components_before'])} to {fmt.count(row['components_after'])} separate "
            f"groups (people without a tie count as one each); the largest connected group goes from "
            f"{fmt.share(row['largest_component_share_before'])} to "
            f"{fmt.share(row['largest_component_share_after'])} of the people left, fragmentation from "
            f"{fmt.share(row['fragmentation_before'])} to {fmt.share(row['fragmentation_after'])}.")
    pairs = int(row["country_pairs_disconnected"]) if not fmt.is_missing(row["country_pairs_disconnected"]) else 0
    if pairs:
        noun = "pair of countries loses its" if pairs == 1 else "pairs of countries lose their"
        text += f" {fmt.count(pairs)} {noun} last connection."
    return text


def mixing_caption(summary: pd.Series, matrix: MixingMatrix) -> str:
    """From a wave_summary row and the drawn matrix."""
    text = (f"{fmt.share(summary['cross_country_edge_share'])} of the organisation's trust ties cross "
            f"a country border (E-I index {fmt.number(summary['ei_index'])}: -1 means every tie stays "
            f"at home, +1 every tie goes abroad; {fmt.number(summary['ei_expected'])} if ties fell at "
            "random between people).")
    if matrix.left_out_people:
        text += (f" {fmt.people(matrix.left_out_people)} in countries of fewer than {MIN_GROUP_SIZE} "
                 "people are left out of the picture.")
    return text


def critical_k(curve: pd.DataFrame) -> int | None:
    """Smallest k whose largest-component share is below one half (SPEC §3b), None if none is."""
    below = curve[curve["largest_component_share"] < HALF]
    return int(below["k"].min()) if not below.empty else None


_STRATEGY_WHO = {
    "betweenness": "the {k} people with the highest betweenness",
    "degree": "the {k} best-connected people",
    "random": "{k} people at random (average of {draws} draws)",
}


def robustness_caption(robustness_curve: pd.DataFrame, wave: str, scope: str = PARTICIPANTS_SCOPE) -> str:
    """Per strategy, how many removals leave no connected group holding half of the people left."""
    rows = robustness_curve[(robustness_curve["wave"].astype(str) == str(wave))
                            & (robustness_curve["scope"] == scope)]
    parts = []
    for strategy, who in _STRATEGY_WHO.items():
        curve = rows[rows["strategy"] == strategy].sort_values("k")
        if curve.empty:
            continue
        k = critical_k(curve)
        last = curve.iloc[-1]
        draws = fmt.count(last["draws"]) if "draws" in curve.columns else "n/a"
        if k is not None:
            parts.append(f"removing {who.format(k=fmt.count(k), draws=draws)} leaves no connected "
                         "group holding half of the people left")
        else:
            parts.append(f"removing {who.format(k=fmt.count(last['k']), draws=draws)} still leaves "
                         f"{fmt.share(last['largest_component_share'])} of them connected")
    if not parts:
        return ""
    return f"In the {SCOPE_TITLE.get(scope, scope)}, " + "; ".join(parts) + "."


def trend_caption(participant_network: pd.DataFrame, resilience_scenarios: pd.DataFrame) -> str:
    net = participant_network.sort_values("wave")
    first, last = net.iloc[0], net.iloc[-1]
    text = (f"From {first['wave']} to {last['wave']}, ties among participants went from "
            f"{fmt.count(first['ties'])} to {fmt.count(last['ties'])}, and ties across countries from "
            f"{fmt.count(first['cross_country_ties'])} to {fmt.count(last['cross_country_ties'])}.")
    frag = fragmentation_by_wave(resilience_scenarios)
    if {str(first["wave"]), str(last["wave"])} <= set(frag.index.astype(str)):
        frag.index = frag.index.astype(str)
        f0, f1 = frag.loc[str(first["wave"])], frag.loc[str(last["wave"])]
        text += (f" Fragmentation of their network went from {fmt.share(f0['before'])} to "
                 f"{fmt.share(f1['before'])}.")
        if not fmt.is_missing(f1["after_baseline_bridges"]):
            text += (f" Without the baseline's single bridges it would now be "
                     f"{fmt.share(f1['after_baseline_bridges'])}"
                     + (f", against {fmt.share(f0['after_baseline_bridges'])} at the baseline."
                        if not fmt.is_missing(f0["after_baseline_bridges"]) else "."))
    return text


def experiment_caption(experiment_kbis: pd.DataFrame, experiment_id: str) -> str:
    rows = experiment_kbis[experiment_kbis["experiment_id"].astype(str) == str(experiment_id)]
    sentences = []
    for indicator in indicator_order(rows["indicator"]):
        groups = rows[rows["indicator"] == indicator].set_index("group")
        if not {"program", "control"} <= set(groups.index):
            continue
        program, control = groups.loc["program"], groups.loc["control"]
        name = indicator_name(indicator)
        if min(program["members"], control["members"]) < MIN_GROUP_SIZE:
            sentences.append(f"{name}: not shown, a group has fewer than {MIN_GROUP_SIZE} members.")
            continue
        sentences.append(f"{name}: {fmt.share(program['share'])} of program members against "
                         f"{fmt.share(control['share'])} of control ({fmt.points(program['difference'])}, "
                         f"{fmt.p_value(program['p_value'])}).")
    return " ".join(sentences)


def roi_caption(roi: pd.DataFrame, wave: str) -> str:
    rows = roi[roi["wave"].astype(str) == str(wave)].set_index("scenario")
    if "mid" not in rows.index:
        return ""
    mid = rows.loc["mid"]
    currency = str(mid["currency"])
    text = (f"In the mid scenario the new bonds are worth {fmt.money(mid['value'], currency)} against "
            f"a program cost of {fmt.money(mid['cost'], currency)}: ROI {fmt.multiple(mid['roi_multiple'])}")
    others = [f"{s} {fmt.multiple(rows.loc[s, 'roi_multiple'])}" for s in ("low", "high") if s in rows.index]
    text += f" ({', '.join(others)})." if others else "."
    if "assumptions_version" in rows.columns:
        text += f" Assumptions: version {mid['assumptions_version']}, every input a column of marts.roi."
    return text


def _names(covariates) -> str:
    return ", ".join(COVARIATE_NAMES.get(c, c).lower() for c in covariates)


def did_evidence(impact_did: pd.DataFrame, impact_balance: pd.DataFrame | None, metric: str) -> str:
    """One sentence on what the evidence shows for ``metric`` at the latest wave, and how weak it
    is: an interval holding 0, controls unlike the participants at the baseline (|SMD| > 0.1), a
    placebo (a wave before the program) whose interval leaves 0 out, participants unmatched."""
    rows = impact_did[(impact_did["metric"] == metric)]
    after = rows[~flag(rows["placebo"])]
    name = metric_name(metric)
    if after.empty:
        return f"{name}: no wave after the baseline yet."
    last = after.sort_values("wave").iloc[-1]
    if flag(pd.Series([last["small_group"]])).iloc[0]:
        return f"{name}: not shown, fewer than {MIN_GROUP_SIZE} participants or controls."
    control = CONTROL_NAMES.get(str(last["control_group"]), "controls")
    low, high = float(last["ci_low"]), float(last["ci_high"])
    did = float(last["did"])
    if low > 0 or high < 0:
        verdict = (f"by {last['wave']} it {'rose' if did > 0 else 'fell'} {effect_number(abs(did))} more for "
                   f"participants than for {fmt.count(last['controls'])} {control} ({interval_text(last)})")
    else:
        verdict = (f"by {last['wave']} participants changed no differently from {fmt.count(last['controls'])} "
                   f"{control} ({effect_number(did)}, {interval_text(last)}: the interval includes 0)")
    cautions = []
    unmatched = last.get("unmatched")
    if not fmt.is_missing(unmatched) and unmatched is not pd.NA and int(unmatched) > 0:
        cautions.append(f"{fmt.count(unmatched)} participants without a comparable colleague are left out")
    if impact_balance is not None and len(impact_balance):
        base = impact_balance[(impact_balance["wave"].astype(str) == str(last["baseline_wave"]))
                              & (impact_balance["control_group"] == last["control_group"])]
        bad = base[flag(base["imbalanced"])]
        if len(base) and bad.empty:
            cautions.append("the groups were alike at the baseline (every |SMD| at most 0.1)")
        elif len(bad):
            cautions.append(f"but the groups differed at the baseline on {_names(bad['covariate'])} (|SMD| above 0.1)")
    placebo = rows[flag(rows["placebo"]) & ~flag(rows["small_group"])]
    if placebo.empty:
        cautions.append("no wave before the baseline to test that the groups moved alike before the program")
    else:
        off = placebo[(placebo["ci_low"].astype(float) > 0) | (placebo["ci_high"].astype(float) < 0)]
        if off.empty:
            cautions.append(f"before the program they moved alike (placebo {', '.join(placebo['wave'].astype(str))}: "
                            "interval includes 0)")
        else:
            first = off.sort_values("wave").iloc[0]
            cautions.append(f"but they were already drifting apart before the program (placebo {first['wave']}: "
                            f"{effect_number(first['did'])}, {interval_text(first)}), so part of this is not the program")
    return f"{name}: {verdict}; " + "; ".join(cautions) + "."


def balance_caption(impact_balance: pd.DataFrame, control_group: str) -> str:
    """How alike the participants and ``control_group`` were at the baseline, before and after."""
    rows = balance_rows(impact_balance)
    mine = rows[rows["control_group"] == control_group]
    if mine.empty:
        return ""
    before = rows[rows["control_group"] == "non_participants"]
    worst_before = float(before["smd_before"].abs().max()) if len(before) else float(mine["smd_before"].abs().max())
    bad = mine[flag(mine["imbalanced"])]
    text = (f"Standardised mean difference of each baseline measure between participants and the others: up to "
            f"{fmt.number(worst_before)} before matching; against {fmt.count(mine['controls'].iloc[0])} "
            f"{CONTROL_NAMES.get(control_group, control_group)} at most {fmt.number(mine['smd_after'].abs().max())}")
    if bad.empty:
        return text + ", every measure within 0.1 (balanced)."
    return text + f"; not balanced on {_names(bad['covariate'])} (above 0.1): read the difference-in-differences with care."
