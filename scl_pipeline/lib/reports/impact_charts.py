"""The impact evidence as pictures: the event study (participants minus controls, wave by wave,
with its 95 % band, the program's start and the placebo waves before it) and the balance
("love") plot of standardised mean differences before and after matching."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scl_pipeline.lib import formatting
from scl_pipeline.lib.reports import canvas
from scl_pipeline.lib.reports.inputs import ReportInputError, flag, require
from scl_pipeline.lib.small_groups import MIN_GROUP_SIZE

IMPACT_DID = ("wave", "baseline_wave", "metric", "placebo", "control_group", "participants", "controls", "did",
              "ci_low", "ci_high", "small_group")
IMPACT_BALANCE = ("wave", "baseline_wave", "control_group", "covariate", "smd_before", "smd_after", "imbalanced",
                  "small_group")
SMD_THRESHOLD = 0.1
METRIC_NAMES = {
    "strong_in_degree": "Strong ties received",
    "cross_country_ties": "Ties across countries",
    "countries_reached": "Countries reached",
    "betweenness": "Betweenness (brokerage)",
    "constraint": "Constraint (redundant contacts)",
}
CONTROL_NAMES = {
    "matched": "matched colleagues",
    "key_collaborators": "key collaborators",
    "non_participants": "all non-participants",
}
COVARIATE_NAMES = {**METRIC_NAMES, "central_connector": "Central connector", "boundary_spanner": "Boundary spanner",
                   "information_broker": "Information broker", "catalyst": "Catalyst"}
BEFORE_COLOUR, AFTER_COLOUR, ROLE_COLOUR = "#b0b0b0", "#1f77b4", "#ff7f0e"


def metric_name(metric: str) -> str:
    return METRIC_NAMES.get(metric, metric.replace("_", " ").capitalize())


def event_study_rows(impact_did: pd.DataFrame) -> pd.DataFrame:
    """The drawable rows: every metric of every wave, with the baseline itself added at 0 (the
    reference, by construction); rows over fewer than ``MIN_GROUP_SIZE`` people are left out."""
    rows = require(impact_did, "impact_did", IMPACT_DID)
    rows = rows[~flag(rows["small_group"])].copy()
    if rows.empty:
        raise ReportInputError(f"impact_did: no row over {MIN_GROUP_SIZE} people or more to draw")
    baseline = str(rows["baseline_wave"].iloc[0])
    zero = pd.DataFrame({"wave": baseline, "baseline_wave": baseline, "metric": rows["metric"].unique(),
                         "placebo": False, "did": 0.0, "ci_low": 0.0, "ci_high": 0.0})
    rows["placebo"] = flag(rows["placebo"])
    out = pd.concat([rows, zero], ignore_index=True)
    out["wave"] = out["wave"].astype(str)
    return out.sort_values(["metric", "wave"], ignore_index=True)


def event_study_png(impact_did: pd.DataFrame) -> bytes:
    """One panel per metric: participants' change minus controls' change against the baseline,
    wave by wave, with the 95 % interval as a band; the program's start is the dashed line after
    the baseline, placebo waves (before it) are drawn hollow."""
    rows = event_study_rows(impact_did)
    metrics = [m for m in METRIC_NAMES if m in set(rows["metric"])] + sorted(set(rows["metric"]) - set(METRIC_NAMES))
    waves = sorted(rows["wave"].unique())
    baseline = str(rows["baseline_wave"].iloc[0])
    x_of = {w: i for i, w in enumerate(waves)}
    start = x_of[baseline] + 0.5
    columns = 3 if len(metrics) > 4 else max(len(metrics), 1)
    lines = int(np.ceil(len(metrics) / columns))
    with canvas.style():
        fig = canvas.new_figure((14.0, 3.6 * lines + 1.0))
        axes = np.atleast_1d(fig.subplots(lines, columns, squeeze=False)).ravel()
        for ax, metric in zip(axes, metrics):
            mine = rows[rows["metric"] == metric]
            x = mine["wave"].map(x_of).to_numpy(float)
            ax.axhline(0, color="#333333", linewidth=0.8)
            ax.fill_between(x, mine["ci_low"].astype(float), mine["ci_high"].astype(float), color=AFTER_COLOUR,
                            alpha=0.18, linewidth=0, label="95% interval")
            ax.plot(x, mine["did"].astype(float), color=AFTER_COLOUR, linewidth=1.5)
            placebo = mine["placebo"].to_numpy(bool)
            ax.scatter(x[~placebo], mine["did"].astype(float)[~placebo], color=AFTER_COLOUR, zorder=3,
                       label="participants minus controls")
            if placebo.any():
                ax.scatter(x[placebo], mine["did"].astype(float)[placebo], facecolor="white", edgecolor=AFTER_COLOUR,
                           zorder=3, label="placebo (before the program)")
            ax.axvline(start, color="#d62728", linestyle="--", linewidth=1, label="program starts")
            ax.set_title(metric_name(metric), loc="left")
            ax.set_xticks(range(len(waves)), [f"{w}\n(baseline)" if w == baseline else w for w in waves],
                          rotation=45 if len(waves) > 5 else 0, ha="right" if len(waves) > 5 else "center",
                          fontsize=8)
            ax.set_xlim(-0.5, len(waves) - 0.5)
        for ax in axes[len(metrics):]:
            ax.axis("off")
        handles, labels = axes[0].get_legend_handles_labels()
        if len(metrics) < len(axes):  # the legend in the first empty panel
            axes[len(metrics)].legend(handles, labels, loc="center", frameon=False, fontsize=10)
        else:
            fig.legend(handles, labels, loc="lower center", ncol=4, frameon=False, fontsize=9)
        control = str(impact_did["control_group"].dropna().iloc[0]) if impact_did["control_group"].notna().any() else ""
        fig.suptitle(f"Did participants change more than {CONTROL_NAMES.get(control, 'their controls')}? "
                     f"Change since {baseline}, participants minus controls", x=0.01, ha="left", fontweight="bold")
        fig.tight_layout(rect=(0, 0 if len(metrics) < len(axes) else 0.06, 1, 0.93))
        return canvas.to_png(fig)


def balance_rows(impact_balance: pd.DataFrame, wave: str | None = None) -> pd.DataFrame:
    """The balance rows of ``wave`` (default: the baseline, the matching's own sample)."""
    rows = require(impact_balance, "impact_balance", IMPACT_BALANCE)
    if rows.empty:
        raise ReportInputError("impact_balance: no rows")
    wave = wave or str(rows["baseline_wave"].iloc[0])
    rows = rows[(rows["wave"].astype(str) == wave) & ~flag(rows["small_group"])]
    if rows.empty:
        raise ReportInputError(f"impact_balance: no row of wave {wave} over {MIN_GROUP_SIZE} people or more")
    return rows


def balance_png(impact_balance: pd.DataFrame, control_group: str = "matched", wave: str | None = None) -> bytes:
    """Love plot: |SMD| of each baseline covariate before matching (participants against every
    non-participant) and after (against ``control_group``; against key collaborators too when
    that is not the control), the 0.1 threshold marked."""
    rows = balance_rows(impact_balance, wave)
    covariates = [c for c in COVARIATE_NAMES if c in set(rows["covariate"])]
    covariates += sorted(set(rows["covariate"]) - set(covariates))
    y = np.arange(len(covariates))[::-1]

    def series(group: str, column: str) -> np.ndarray:
        mine = rows[rows["control_group"] == group].set_index("covariate")
        return np.abs(mine[column].reindex(covariates).astype(float).to_numpy())

    before_group = "non_participants" if (rows["control_group"] == "non_participants").any() else control_group
    shown = [(series(before_group, "smd_before"), BEFORE_COLOUR, "o", "before matching (all non-participants)")]
    if control_group != "key_collaborators" and (rows["control_group"] == "key_collaborators").any():
        shown.append((series("key_collaborators", "smd_after"), ROLE_COLOUR, "s", "key collaborators (by role)"))
    shown.append((series(control_group, "smd_after"), AFTER_COLOUR, "D",
                  f"after: {CONTROL_NAMES.get(control_group, control_group)}"))
    with canvas.style():
        fig = canvas.new_figure(canvas.CHART)
        ax = fig.add_axes((0.3, 0.12, 0.66, 0.68))
        for values, colour, marker, label in shown:
            ax.scatter(values, y, color=colour, marker=marker, s=40, zorder=3, label=label)
        ax.axvline(SMD_THRESHOLD, color="#d62728", linestyle="--", linewidth=1, label="0.1: balanced below")
        ax.set_yticks(y, [COVARIATE_NAMES.get(c, c) for c in covariates])
        ax.set_xlabel("absolute standardised mean difference at the baseline")
        ax.set_xlim(0, max(0.5, float(np.nanmax([np.nanmax(v) if np.isfinite(v).any() else 0 for v, *_ in shown])) * 1.1))
        ax.grid(axis="y", color="#eeeeee")
        # Above the plot, under the title: no marker can hide behind it.
        ax.legend(frameon=False, loc="lower left", bbox_to_anchor=(0.0, 1.01), ncol=2, fontsize=8)
        baseline = str(rows["wave"].iloc[0])
        fig.suptitle(f"Were the groups alike before the program? Balance at {baseline}", x=0.02, ha="left",
                     fontweight="bold")
        return canvas.to_png(fig)


def effect_number(value: float) -> str:
    """A difference-in-differences in its metric's units: two decimals, or three significant
    digits for the small numbers of betweenness (0.00021)."""
    if formatting.is_missing(value):
        return "n/a"
    value = float(value)
    return f"{value:.2f}" if abs(value) >= 0.1 or value == 0 else f"{value:.2g}"


def interval_text(row: pd.Series) -> str:
    return f"95% interval {effect_number(row['ci_low'])} to {effect_number(row['ci_high'])}"
