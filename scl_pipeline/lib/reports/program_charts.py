"""Charts across waves: cross-country bonds and fragmentation, the experiment, the ROI."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scl_pipeline.lib.impact.kbis import CONNECTIVITY, ENGAGEMENT, INDICATOR_LABELS, KNOWLEDGE_GAPS
from scl_pipeline.lib import formatting
from scl_pipeline.lib.reports import canvas
from scl_pipeline.lib.reports.inputs import (
    EXPERIMENT_KBIS,
    PARTICIPANT_NETWORK,
    PARTICIPANTS_SCOPE,
    RESILIENCE_SCENARIOS,
    ROI,
    ReportInputError,
    require,
)
from scl_pipeline.lib.small_groups import MIN_GROUP_SIZE

BASELINE_BRIDGES_KIND = "baseline_single_bridges"
GROUP_COLOURS = {"program": "#1f77b4", "control": "#b0b0b0"}
SCENARIO_ORDER = ("low", "mid", "high")
# The reports lead with engagement (the figure a reader asks first); the wording is the impact
# marts' own (INDICATOR_LABELS), so a headline and a chart never name an indicator differently.
REPORT_ORDER: tuple[str, ...] = (ENGAGEMENT, KNOWLEDGE_GAPS, CONNECTIVITY)


def indicator_name(indicator: str) -> str:
    return INDICATOR_LABELS.get(indicator, indicator.replace("_", " ").capitalize())


def indicator_order(indicators: pd.Series) -> list[str]:
    """The spec's indicators in the report's order, then any other alphabetically."""
    present = set(indicators.astype(str))
    return [i for i in REPORT_ORDER if i in present] + sorted(present - set(REPORT_ORDER))


def fragmentation_by_wave(resilience_scenarios: pd.DataFrame, scope: str = PARTICIPANTS_SCOPE) -> pd.DataFrame:
    """Per wave: fragmentation of the scope's network as it is (``before``: nothing removed,
    the same on every scenario row of the wave) and after removing the baseline's single bridges."""
    rows = require(resilience_scenarios, "resilience_scenarios", RESILIENCE_SCENARIOS)
    rows = rows[rows["scope"] == scope]
    before = rows.groupby("wave")["fragmentation_before"].first()
    after = rows[rows["kind"] == BASELINE_BRIDGES_KIND].groupby("wave")["fragmentation_after"].first()
    return pd.DataFrame({"before": before, "after_baseline_bridges": after}).sort_index()


def waves_trend_png(participant_network: pd.DataFrame, resilience_scenarios: pd.DataFrame) -> bytes:
    """Left: ties among participants per wave, cross-country ones stacked on same-country ones.
    Right: fragmentation of the participants' network, as it is and without the baseline's
    single bridges ("would the same departures still break it?")."""
    net = require(participant_network, "participant_network", PARTICIPANT_NETWORK).sort_values("wave")
    if net.empty:
        raise ReportInputError("participant_network: no rows")
    waves = net["wave"].astype(str).tolist()
    frag = fragmentation_by_wave(resilience_scenarios).reindex(waves)
    x = np.arange(len(waves))
    cross = net["cross_country_ties"].fillna(0).to_numpy(dtype=float)
    same = net["ties"].fillna(0).to_numpy(dtype=float) - cross
    baseline = str(net["baseline_wave"].dropna().iloc[0]) if net["baseline_wave"].notna().any() else None
    with canvas.style():
        fig = canvas.new_figure(canvas.PAIR)
        left, right = fig.subplots(1, 2)
        left.bar(x, same, color="#9ecae1", label="within a country")
        left.bar(x, cross, bottom=same, color="#08519c", label="across countries")
        for i, value in enumerate(cross):
            left.text(i, same[i] + value, f"{formatting.count(value)} across", ha="center",
                      va="bottom", fontsize=8)
        left.set_title("Trust ties among participants", loc="left")
        left.set_ylabel("ties")
        left.legend(frameon=False, loc="upper left")
        right.plot(x, frag["before"], marker="o", color="#333333", label="as it is")
        if frag["after_baseline_bridges"].notna().any():
            right.plot(x, frag["after_baseline_bridges"], marker="o", color="#d62728",
                       label="without the baseline's single bridges")
        right.set_ylim(-0.02, 1.02)
        right.set_title("Fragmentation of the participants' network", loc="left")
        right.set_ylabel("share of pairs that cannot reach each other")
        right.legend(frameon=False, loc="upper right")
        ticks = [f"{w}\n(baseline)" if w == baseline else w for w in waves]
        for ax in (left, right):
            ax.set_xticks(x, ticks, rotation=45 if len(waves) > 6 else 0,
                          ha="right" if len(waves) > 6 else "center")
        fig.suptitle("Cross-country bonds and fragmentation over the waves", x=0.01, ha="left",
                     fontweight="bold")
        fig.tight_layout(rect=(0, 0, 1, 0.94))
        return canvas.to_png(fig)


def experiment_png(experiment_kbis: pd.DataFrame, experiment_id: str) -> bytes:
    """Program against control per indicator: share with its Wilson 95% interval. A group of
    fewer than ``MIN_GROUP_SIZE`` members is not drawn."""
    rows = require(experiment_kbis, "experiment_kbis", EXPERIMENT_KBIS)
    rows = rows[rows["experiment_id"].astype(str) == str(experiment_id)]
    if rows.empty:
        raise ReportInputError(f"experiment_kbis: no rows for experiment {experiment_id!r}")
    indicators = indicator_order(rows["indicator"])
    width = 0.38
    with canvas.style():
        fig = canvas.new_figure(canvas.CHART)
        ax = fig.add_axes((0.08, 0.14, 0.9, 0.72))
        for offset, group in ((-width / 2, "program"), (width / 2, "control")):
            for i, indicator in enumerate(indicators):
                match = rows[(rows["indicator"] == indicator) & (rows["group"] == group)]
                x = i + offset
                if match.empty or match["members"].iloc[0] < MIN_GROUP_SIZE:
                    ax.text(x, 0.02, f"fewer than\n{MIN_GROUP_SIZE} members", ha="center", fontsize=7,
                            color="#666666")
                    continue
                row = match.iloc[0]
                err = [[row["share"] - row["ci_low"]], [row["ci_high"] - row["share"]]]
                ax.bar(x, row["share"], width, color=GROUP_COLOURS.get(group, "#7f7f7f"),
                       yerr=err, capsize=4, error_kw={"linewidth": 1, "ecolor": "#333333"},
                       label=f"{group} ({int(row['members']):,} members)" if i == 0 else None)
                ax.text(x, row["ci_high"] + 0.02, formatting.share(row["share"]), ha="center", fontsize=9)
        ax.set_xticks(range(len(indicators)), [indicator_name(i) for i in indicators])
        ax.set_ylim(0, 1.1)
        ax.set_ylabel("share of members (95% Wilson interval)")
        ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
        ax.legend(frameon=False, loc="upper right")
        fig.suptitle(f"Experiment {experiment_id}: program members against control", x=0.02,
                     ha="left", fontweight="bold")
        return canvas.to_png(fig)


def roi_png(roi: pd.DataFrame, wave: str) -> bytes:
    """Value against cost for the low, mid and high scenarios of ``wave``, ROI multiple on top."""
    rows = require(roi, "roi", ROI)
    rows = rows[rows["wave"].astype(str) == str(wave)]
    if rows.empty:
        raise ReportInputError(f"roi: no rows for wave {wave}")
    order = [s for s in SCENARIO_ORDER if (rows["scenario"] == s).any()]
    order += sorted(set(rows["scenario"].astype(str)) - set(order))
    rows = rows.set_index("scenario").loc[order]
    currency = str(rows["currency"].iloc[0])
    x = np.arange(len(order))
    with canvas.style():
        fig = canvas.new_figure(canvas.CHART)
        ax = fig.add_axes((0.1, 0.12, 0.86, 0.74))
        ax.bar(x - 0.2, rows["value"], 0.4, color="#2ca02c", label="value")
        ax.bar(x + 0.2, rows["cost"], 0.4, color="#b0b0b0", label="program cost")
        for i, (value, multiple) in enumerate(zip(rows["value"], rows["roi_multiple"])):
            ax.text(i - 0.2, value, f"ROI {formatting.multiple(multiple)}", ha="center",
                    va="bottom", fontsize=10, fontweight="bold")
        ax.set_xticks(x, [f"{s} scenario" for s in order])
        ax.set_ylabel(currency)
        ax.yaxis.set_major_formatter(lambda v, _: formatting.money(v))
        ax.set_ylim(0, float(max(rows["value"].max(), rows["cost"].max())) * 1.18 or 1.0)
        ax.legend(frameon=False, loc="upper left")
        fig.suptitle(f"Return on the program, {wave}", x=0.02, ha="left", fontweight="bold")
        return canvas.to_png(fig)
