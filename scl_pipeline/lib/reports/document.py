"""A report as data (title, key numbers, figures, tables) and its self-contained HTML page.

Every text reaches the page through Jinja2 with autoescaping, and the page forbids scripts and
every network fetch in its Content-Security-Policy: a country called ``<script>...`` is shown as
text, and opening the file needs no server and no internet. Images are embedded as data URIs and
also written as PNG files next to the page; every file is replaced atomically.
"""

from __future__ import annotations

import base64
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from PIL import Image

from scl_pipeline.lib.lake_access import share
from scl_pipeline.lib.reports.canvas import PNG_MAGIC

TEMPLATE = "report.html.j2"
HTML_NAME = "report.html"
PREVIEW_WIDTH = 640


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@dataclass(frozen=True)
class ReportFigure:
    """One picture: ``name`` is its file stem (``participants_network``)."""

    name: str
    title: str
    caption: str
    png: bytes

    def __post_init__(self) -> None:
        if not self.png.startswith(PNG_MAGIC):
            raise ValueError(f"figure {self.name!r}: not PNG bytes")
        if not self.name.replace("_", "").replace("-", "").isalnum():
            raise ValueError(f"figure name {self.name!r}: letters, digits, - and _ only (it is a file name)")

    @property
    def file_name(self) -> str:
        return f"{self.name}.png"

    @property
    def data_uri(self) -> str:
        return _data_uri(self.png)

    def preview_markdown(self, width: int = PREVIEW_WIDTH) -> str:
        """Markdown showing a ``width``-pixel-wide copy of the picture, for a Dagster asset's
        metadata (``MetadataValue.md``): the UI draws it, and the event log keeps a copy about a
        quarter the size of the full PNG (128 colours). The alt text is the figure's name, never
        text from the data."""
        with Image.open(io.BytesIO(self.png)) as image:
            height = round(image.height * width / image.width)
            small = image.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            small.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(buffer, format="PNG", optimize=True)
        return f"![{self.name}]({_data_uri(buffer.getvalue())})"


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Report:
    title: str
    subtitle: str
    key_numbers: tuple[tuple[str, str], ...]
    figures: tuple[ReportFigure, ...]
    tables: tuple[Table, ...] = ()
    notes: tuple[str, ...] = field(default=())


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("scl_pipeline.lib.reports", "templates"),
        autoescape=True,  # every value, not only .html templates: the data is untrusted
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render_html(report: Report) -> str:
    """The page as text; the same report always gives the same text."""
    return _environment().get_template(TEMPLATE).render(report=report)


def atomic_write(path: Path, data: bytes, group: int | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``:
    a reader sees the old file or the new one, never half of one. The file is readable by
    ``group`` (0640; ``SCL_SERVING_GROUP``), or by this user only when None (lib/lake_access.py)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        share(Path(tmp), group)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_report(report: Report, folder: str | Path, group: int | None = None) -> Path:
    """Write each figure as ``<name>.png`` and the page as ``report.html`` into ``folder``
    (PNGs first, so the page never refers to pictures not yet there); return the page's path.
    The folder and the files are readable by ``group`` only, or this user when None."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    share(folder, group)
    names = [f.name for f in report.figures]
    if len(set(names)) != len(names):
        raise ValueError(f"report {report.title!r}: two figures share a name in {names}")
    for figure in report.figures:
        atomic_write(folder / figure.file_name, figure.png, group)
    page = folder / HTML_NAME
    atomic_write(page, render_html(report).encode("utf-8"), group)
    return page
