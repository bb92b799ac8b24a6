"""What the impact marts show on their materialisation besides their headlines
(``lib/impact/headlines.py``): the pictures of this package (drawn here, once) as small
markdown previews, and tables.

Imports matplotlib: import this module inside the asset's body, so loading the code location
stays fast.
"""

from __future__ import annotations

import re

import pandas as pd

from scl_pipeline.lib.reports.captions import experiment_caption, roi_caption
from scl_pipeline.lib.reports.document import ReportFigure
from scl_pipeline.lib.reports.program_charts import experiment_png, roi_png
from scl_pipeline.lib.small_groups import MIN_GROUP_SIZE


def _figure_name(prefix: str, key: str) -> str:
    return f"{prefix}_{re.sub(r'[^A-Za-z0-9_-]+', '-', key)}"


def kbi_figures(kbis: pd.DataFrame) -> list[ReportFigure]:
    """One bar chart per experiment: program against control per indicator, Wilson 95 % interval
    (``experiment_png``; groups of fewer than ``MIN_GROUP_SIZE`` members are not drawn, and an experiment with no
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


def roi_figure(roi: pd.DataFrame, wave: str) -> ReportFigure:
    """Value against cost per scenario at ``wave``, ROI multiple on top (``roi_png``)."""
    return ReportFigure(name=_figure_name("roi", wave), title=f"Return on the program, {wave}",
                        caption=roi_caption(roi, wave), png=roi_png(roi, wave))


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
