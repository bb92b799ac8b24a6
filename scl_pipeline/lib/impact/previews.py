"""What the impact marts show on their materialisation: headline sentences (``headlines.py``),
the pictures of ``lib/reports`` (drawn there, once) as small markdown previews, and tables.

Imports matplotlib through ``lib/reports``: import this module inside the asset's body, so
loading the code location stays fast.
"""

from __future__ import annotations

import re

import pandas as pd

from scl_pipeline.lib.impact import headlines
from scl_pipeline.lib.reports.build import impact_figures
from scl_pipeline.lib.reports.captions import experiment_caption, roi_caption
from scl_pipeline.lib.reports.document import ReportFigure
from scl_pipeline.lib.reports.program_charts import experiment_png, roi_png
from scl_pipeline.lib.serving.catalog import MIN_GROUP_SIZE


def _figure_name(prefix: str, key: str) -> str:
    return f"{prefix}_{re.sub(r'[^A-Za-z0-9_-]+', '-', key)}"


def kbi_figures(kbis: pd.DataFrame) -> list[ReportFigure]:
    """One bar chart per experiment: program against control per indicator, Wilson 95 % interval
    (``experiment_png``; groups of fewer than 5 members are not drawn, and an experiment with no
    larger group gets no chart: it would be empty)."""
    figures = []
    drawable = kbis[kbis["members"] >= MIN_GROUP_SIZE]
    for experiment_id in sorted(drawable["experiment_id"].dropna().astype(str).unique()):
        figures.append(ReportFigure(
            name=_figure_name("experiment", experiment_id),
            title=f"Experiment {experiment_id}: program against control",
            caption=experiment_caption(kbis, experiment_id),
            png=experiment_png(kbis, experiment_id),
        ))
    return figures


def did_figures(did: pd.DataFrame, balance: pd.DataFrame | None) -> list[ReportFigure]:
    """The event study (one panel per metric) and the balance plot, as in the program report."""
    return impact_figures(did, balance)


def roi_figure(roi: pd.DataFrame, wave: str) -> ReportFigure:
    """Value against cost per scenario at ``wave``, ROI multiple on top (``roi_png``)."""
    return ReportFigure(name=_figure_name("roi", wave), title=f"Return on the program, {wave}",
                        caption=roi_caption(roi, wave), png=roi_png(roi, wave))


def roi_headline(roi: pd.DataFrame) -> str:
    """'ROI 1.7x–2.8x at 2022-Q4 against 2020-Q4 (low, mid, high scenarios; assumptions scl-default-1)'."""
    if roi.empty:
        return "no ROI: no wave after the baseline"
    wave = max(roi["wave"].astype(str))
    last = roi[roi["wave"].astype(str) == wave]
    scenarios = ", ".join(last["scenario"].astype(str))
    return (f"ROI {headlines.roi_range(last)} at {wave} against {last['baseline_wave'].iloc[0]} "
            f"({scenarios} scenarios; assumptions {last['assumptions_version'].iloc[0]})")


def did_headlines(did: pd.DataFrame) -> list[str]:
    """One sentence per metric at the latest wave compared."""
    if did.empty:
        return []
    last = did[did["wave"] == max(did["wave"].astype(str))]
    return [headlines.did_headline(last, metric) for metric in last["metric"].astype(str)]


def _number(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.2f}" if abs(value) >= 1 else f"{value:.3g}"
    return str(value)


def markdown_table(frame: pd.DataFrame, columns: list[str] | None = None) -> str:
    """A markdown table of ``frame`` (numbers shortened), or a line saying it is empty."""
    if frame.empty:
        return "no rows"
    shown = (frame[columns] if columns else frame).astype(object)
    return shown.map(_number).to_markdown(index=False, disable_numparse=True)  # keep our formatting
