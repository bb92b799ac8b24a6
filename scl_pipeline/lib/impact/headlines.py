"""One-line headlines of the impact marts for asset metadata.

Each function takes rows of a mart and returns text (or a frame) exactly as shown; a row without
the numbers a sentence needs gives a sentence saying so, never a made-up figure. Numbers are
worded as the reports word them (lib/formatting.py).
"""

from __future__ import annotations

import pandas as pd

from scl_pipeline.lib.formatting import is_missing, multiple, p_value, share
from scl_pipeline.lib.impact.kbis import INDICATOR_LABELS, INDICATORS


def new_bond_headline(row: pd.Series) -> str:
    """'95% of participants formed a new strong bond with another participant since 2020-Q4 (190 of 200)'."""
    if is_missing(row.get("new_bond_share")):
        return f"{row['wave']}: no baseline wave to compare the participants' bonds with"
    both = int(row["participants_in_both_waves"])
    formed = round(row["new_bond_share"] * both)
    return (f"{share(row['new_bond_share'])} of participants formed a new strong bond with another "
            f"participant since {row['baseline_wave']} ({formed} of {both})")


def participant_network_headline(row: pd.Series) -> str:
    """Untied participants, cross-country ties against the baseline, and 2-step reach."""
    parts = [f"{int(row['participants_without_participant_tie'])} of {int(row['participants'])} "
             "participants without a tie to another participant"]
    ratio = row.get("cross_country_ratio_to_baseline")
    if not is_missing(ratio):
        parts.append(f"cross-country ties among them {ratio:.1f}x the baseline")
    parts.append(f"{share(row['reach_2_share'])} of the organisation within 2 steps")
    return f"{row['wave']}: " + "; ".join(parts)


def did_headline(did: pd.DataFrame, metric: str = "strong_in_degree") -> str:
    """'strong_in_degree: participants +2.10 against controls (95% interval 1.40 to 2.80), 2021-Q4 vs 2020-Q4'."""
    rows = did[did["metric"] == metric]
    if rows.empty or is_missing(rows.iloc[0]["did"]):
        return f"{metric}: no difference-in-differences (no baseline, participants or controls)"
    r = rows.iloc[0]
    return (f"{metric}: participants {r['did']:+.2f} against controls (95% interval {r['ci_low']:.2f} "
            f"to {r['ci_high']:.2f}), {r['wave']} vs {r['baseline_wave']}")


def kbi_headline(kbis: pd.DataFrame) -> str:
    """'Addressing knowledge gaps 65% vs 25% (p < 0.001); ...' per experiment (program vs control)."""
    lines = []
    for experiment_id, rows in kbis.groupby("experiment_id", sort=True):
        shares = rows.set_index(["indicator", "group"])
        parts = []
        for indicator in INDICATORS:
            if (indicator, "program") not in shares.index:
                continue
            prog, ctrl = shares.loc[(indicator, "program")], shares.loc[(indicator, "control")]
            parts.append(f"{INDICATOR_LABELS[indicator]} {share(prog['share'])} vs {share(ctrl['share'])} "
                         f"({p_value(prog['p_value'])})")
        lines.append(f"{experiment_id}: program vs control: " + "; ".join(parts))
    return "\n".join(lines) if lines else "no experiment"


def roi_range(roi: pd.DataFrame) -> str:
    """The ROI multiples of the scenarios as a range, '5.1x–8.7x' (one value when they agree)."""
    multiples = pd.to_numeric(roi["roi_multiple"], errors="coerce").dropna() if len(roi) else pd.Series(dtype=float)
    if multiples.empty:
        return "n/a"
    low, high = multiple(multiples.min()), multiple(multiples.max())
    return low if low == high else f"{low}–{high}"


def roi_headline(roi: pd.DataFrame) -> str:
    """'ROI 1.7x–2.8x at 2022-Q4 against 2020-Q4 (low, mid, high scenarios; assumptions scl-default-1)'."""
    if roi.empty:
        return "no ROI: no wave after the baseline"
    wave = max(roi["wave"].astype(str))
    last = roi[roi["wave"].astype(str) == wave]
    scenarios = ", ".join(last["scenario"].astype(str))
    return (f"ROI {roi_range(last)} at {wave} against {last['baseline_wave'].iloc[0]} "
            f"({scenarios} scenarios; assumptions {last['assumptions_version'].iloc[0]})")


def did_headlines(did: pd.DataFrame) -> list[str]:
    """One sentence per metric at the latest wave compared."""
    if did.empty:
        return []
    last = did[did["wave"] == max(did["wave"].astype(str))]
    return [did_headline(last, metric) for metric in last["metric"].astype(str)]
