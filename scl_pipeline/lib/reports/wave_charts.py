"""One wave's charts: the organisation by country (mixing heatmap) and the robustness curves."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scl_pipeline.lib.reports import canvas
from scl_pipeline.lib.reports.groups import OTHER, OTHER_LABEL, named_groups, pool, short
from scl_pipeline.lib.reports.inputs import (
    COUNTRY_MIXING,
    COUNTRY_WAVE_BONDS,
    ORGANISATION_SCOPE,
    PARTICIPANTS_SCOPE,
    ROBUSTNESS_CURVE,
    ReportInputError,
    one_wave,
)
from scl_pipeline.lib.small_groups import MIN_GROUP_SIZE

TOP_HEATMAP = 12
ANNOTATE_UP_TO = 13  # cells are labelled with their share up to this many rows
HALF = 0.5

STRATEGY_STYLE: dict[str, tuple[str, str]] = {
    "betweenness": ("#d62728", "highest betweenness first"),
    "degree": ("#9467bd", "highest degree first"),
    "random": ("#1f77b4", "random order (mean; 5-95% band)"),
}
SCOPE_TITLE = {PARTICIPANTS_SCOPE: "participants' network", ORGANISATION_SCOPE: "whole organisation"}


@dataclass(frozen=True)
class MixingMatrix:
    """Row shares of arcs between the named countries (the rest pooled as "other"), the people
    of each row group, and the people left out because the pooled rest is itself a group under
    ``MIN_GROUP_SIZE``."""

    shares: pd.DataFrame
    people: pd.Series
    left_out_people: int


def mixing_matrix(country_mixing: pd.DataFrame, country_wave_bonds: pd.DataFrame, wave: str,
                  top: int = TOP_HEATMAP) -> MixingMatrix:
    """Arcs of D by (country, other_country) pooled to the ``top`` largest countries of at least
    ``MIN_GROUP_SIZE`` people; each row's shares are of all the arcs its people send."""
    mixing = one_wave(country_mixing, "country_mixing", wave, COUNTRY_MIXING)
    bonds = one_wave(country_wave_bonds, "country_wave_bonds", wave, COUNTRY_WAVE_BONDS)
    if mixing.empty:
        raise ReportInputError(f"country_mixing: no rows for wave {wave}")
    people = bonds.set_index(bonds["country"].astype(str))["people"].fillna(0).astype(np.int64)
    named = named_groups(people, top)
    order = [*named, OTHER]
    pooled = mixing.assign(src=pool(mixing["country"], named), dst=pool(mixing["other_country"], named))
    arcs = (pooled.pivot_table(index="src", columns="dst", values="arcs", aggfunc="sum", fill_value=0)
            .reindex(index=order, columns=order, fill_value=0).astype(np.int64))
    group_people = people.groupby(pool(people.index.to_series(), named)).sum().reindex(order, fill_value=0)
    totals = arcs.sum(axis=1)
    shares = arcs.div(totals.where(totals > 0), axis=0)
    other_people = int(group_people[OTHER])
    show_other = other_people >= MIN_GROUP_SIZE
    keep = [*named, OTHER] if show_other else named
    labels = {OTHER: OTHER_LABEL}
    return MixingMatrix(
        shares.loc[keep, keep].rename(index=labels, columns=labels),
        group_people[keep].rename(index=labels),
        0 if show_other else other_people,
    )


def mixing_heatmap_png(country_mixing: pd.DataFrame, country_wave_bonds: pd.DataFrame, wave: str,
                       top: int = TOP_HEATMAP) -> bytes:
    """The organisation summarised by country: where each country's trust ties go."""
    matrix = mixing_matrix(country_mixing, country_wave_bonds, wave, top)
    values = matrix.shares.to_numpy(dtype=float)
    with canvas.style():
        fig = canvas.new_figure((10.0, 8.0))
        ax = fig.add_axes((0.22, 0.2, 0.62, 0.68))
        image = ax.imshow(np.nan_to_num(values, nan=0.0), cmap="Blues", vmin=0.0, vmax=1.0, aspect="auto")
        rows = [f"{short(c)} ({matrix.people[c]:,})" for c in matrix.shares.index]
        ax.set_yticks(range(len(rows)), rows)
        ax.set_xticks(range(len(matrix.shares.columns)), [short(c) for c in matrix.shares.columns],
                      rotation=45, ha="right")
        ax.set_ylabel("ties named by people in (people)")
        ax.set_xlabel("... trusting someone in")
        if len(rows) <= ANNOTATE_UP_TO:
            for (i, j), value in np.ndenumerate(values):
                if not np.isnan(value) and value >= 0.005:
                    ax.text(j, i, f"{value:.0%}", ha="center", va="center", fontsize=8,
                            color="white" if value > 0.55 else "#222222")
        fig.colorbar(image, cax=fig.add_axes((0.87, 0.2, 0.02, 0.68)), label="share of the row's ties")
        fig.suptitle(f"Where trust goes, by country, {wave}", x=0.02, ha="left", fontweight="bold")
        fig.text(0.02, 0.925, "Each row: the share of that country's trust ties going to each country; "
                 "the diagonal stays at home.", ha="left", color="#444444")
        return canvas.to_png(fig)


def robustness_png(robustness_curve: pd.DataFrame, wave: str) -> bytes:
    """Largest connected group and fragmentation as people are removed, per scope and strategy."""
    rows = one_wave(robustness_curve, "robustness_curve", wave, ROBUSTNESS_CURVE)
    if rows.empty:
        raise ReportInputError(f"robustness_curve: no rows for wave {wave}")
    scopes = [s for s in (PARTICIPANTS_SCOPE, ORGANISATION_SCOPE) if (rows["scope"] == s).any()]
    scopes += sorted(set(rows["scope"].astype(str)) - set(scopes))
    with canvas.style():
        fig = canvas.new_figure((11.0, 3.6 * len(scopes) + 1.0))
        axes = fig.subplots(len(scopes), 2, squeeze=False)
        for r, scope in enumerate(scopes):
            curve = rows[rows["scope"] == scope]
            for c, (metric, label) in enumerate((("largest_component_share", "largest connected group"),
                                                 ("fragmentation", "fragmentation"))):
                ax = axes[r][c]
                _curves(ax, curve, metric)
                ax.set_ylim(-0.02, 1.02)
                ax.set_ylabel(f"{label} (share)")
                ax.set_xlabel("people removed")
                ax.set_title(f"{SCOPE_TITLE.get(scope, scope)}: {label}", loc="left", fontsize=11)
                if metric == "largest_component_share":
                    ax.axhline(HALF, color="#888888", linestyle="--", linewidth=0.8)
        handles, labels = axes[0][0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncol=len(labels), frameon=False)
        fig.suptitle(f"How fast the network falls apart, {wave}", x=0.02, ha="left", fontweight="bold")
        fig.tight_layout(rect=(0, 0.06, 1, 0.95))
        return canvas.to_png(fig)


def _curves(ax, curve: pd.DataFrame, metric: str) -> None:
    spare = iter(("#2ca02c", "#8c564b", "#e377c2", "#17becf"))
    for strategy in sorted(set(curve["strategy"].astype(str)), key=lambda s: (s not in STRATEGY_STYLE, s)):
        line = curve[curve["strategy"] == strategy].sort_values("k")
        colour, label = STRATEGY_STYLE.get(strategy, (next(spare, "#7f7f7f"), strategy))
        ax.plot(line["k"], line[metric], color=colour, linewidth=1.8, label=label)
        low, high = f"{metric}_p05", f"{metric}_p95"
        if low in line.columns and high in line.columns and line[low].notna().any():
            ax.fill_between(line["k"], line[low], line[high], color=colour, alpha=0.18, linewidth=0)
