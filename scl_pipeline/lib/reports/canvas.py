"""Matplotlib without pyplot: one Agg figure per picture, fixed size and dpi, PNG bytes out.

Figures are built on ``matplotlib.figure.Figure`` directly, so no global pyplot state is shared
between pictures (or threads). Labels come from the data (country and department names), so
mathtext is off: a ``$`` in a name is printed, not parsed.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

DPI = 100
WIDE = (11.0, 7.0)  # inches: network pictures, with the legend on the right
PAIR = (14.0, 6.5)  # two panels side by side
CHART = (10.0, 5.5)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

_STYLE = {
    "text.parse_math": False,
    "font.family": "DejaVu Sans",  # ships with matplotlib: the same glyphs on every machine
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "image.interpolation": "nearest",
}


@contextmanager
def style() -> Iterator[None]:
    """The house style; wrap both drawing and :func:`to_png` in it (some settings apply at save)."""
    with matplotlib.rc_context(_STYLE):
        yield


def new_figure(size: tuple[float, float]) -> Figure:
    fig = Figure(figsize=size, dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def to_png(fig: Figure) -> bytes:
    """PNG bytes of ``fig`` at its own size (no tight bbox, so every picture has a fixed size).
    The ``Software`` tag is dropped so the bytes depend on the picture, not the library version."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
