"""The HTML page: escaped, self-contained, deterministic, written atomically."""

import base64
import io
import os
import re

import markupsafe
import pytest
from PIL import Image

from scl_pipeline.lib.reports import document
from scl_pipeline.lib.reports.canvas import PNG_MAGIC
from scl_pipeline.lib.reports.document import Report, ReportFigure, Table, render_html, write_report

PNG = PNG_MAGIC + b"not really an image, the page does not decode it"
HOSTILE = ('<script>alert(1)</script>', '=HYPERLINK("http://example.invalid","x")',
           '"><img src=x onerror=alert(2)>', "{{ 7*7 }}")


def _report(text: str = "plain", figures=None) -> Report:
    figures = figures or (ReportFigure("first", f"Title {text}", f"Caption {text}", PNG),)
    return Report(f"Report {text}", f"Sub {text}", ((f"label {text}", f"value {text}"),), figures,
                  (Table(f"Table {text}", ("country", "people"), ((text, "12"),)),), (f"note {text}",))


@pytest.mark.parametrize("text", HOSTILE[:3])
def test_markup_in_the_data_is_shown_as_text(text):
    body = render_html(_report(text)).split("</style>", 1)[1]
    assert text not in body
    # title, subtitle, key number, figure title and caption, alt text, table cell, note
    assert body.count(str(markupsafe.escape(text))) >= 8
    assert "<script" not in body and "<img src=x" not in body


def test_a_template_expression_in_the_data_is_not_evaluated():
    body = render_html(_report(HOSTILE[3])).split("</style>", 1)[1]
    assert "Report {{ 7*7 }}" in body and "49" not in body


def test_page_is_self_contained_and_forbids_scripts_and_fetches():
    page = render_html(_report())
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp and "img-src data:" in csp
    sources = re.findall(r'src="([^"]+)"', page)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
    assert base64.b64decode(sources[0].split(",", 1)[1]) == PNG
    assert not re.search(r'(href|src)="(https?:|//)', page)
    assert render_html(_report()) == page  # no clock, no randomness


def test_figures_must_be_png_with_a_file_name():
    with pytest.raises(ValueError, match="not PNG bytes"):
        ReportFigure("a", "t", "c", b"GIF89a")
    with pytest.raises(ValueError, match="file name"):
        ReportFigure("../escape", "t", "c", PNG)
    with pytest.raises(ValueError, match="two figures share a name"):
        write_report(_report(figures=(ReportFigure("a", "t", "c", PNG),) * 2), "/nonexistent")


def test_write_report_puts_the_pngs_next_to_the_page(tmp_path):
    page = write_report(_report(), tmp_path / "w")
    assert page == tmp_path / "w" / "report.html"
    assert (tmp_path / "w" / "first.png").read_bytes() == PNG
    assert page.read_text(encoding="utf-8") == render_html(_report())
    assert sorted(p.name for p in (tmp_path / "w").iterdir()) == ["first.png", "report.html"]
    # Private without a serving group (issue 22 §4); test_lake_access covers the group.
    assert oct(page.stat().st_mode & 0o777) == "0o600"
    assert oct((tmp_path / "w").stat().st_mode & 0o777) == "0o700"


def test_a_failed_write_leaves_the_old_page_and_no_temporary_file(tmp_path, monkeypatch):
    folder = tmp_path / "w"
    write_report(_report("old"), folder)

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(document.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_report(_report("new"), folder)
    assert "Report old" in (folder / "report.html").read_text(encoding="utf-8")
    assert sorted(os.listdir(folder)) == ["first.png", "report.html"]


def test_preview_markdown_is_a_small_copy_for_the_dagster_ui(story):
    from scl_pipeline.lib.reports.wave_charts import mixing_heatmap_png

    png = mixing_heatmap_png(story.country_mixing, story.country_wave_bonds, "2020-Q4")
    markdown = ReportFigure("country_mixing", "<b>t</b>", "c", png).preview_markdown()
    match = re.fullmatch(r"!\[country_mixing\]\(data:image/png;base64,([A-Za-z0-9+/=]+)\)", markdown)
    small = Image.open(io.BytesIO(base64.b64decode(match.group(1))))
    assert small.size == (640, 512)  # 1000 x 800 scaled to 640 wide
    assert len(markdown) < len(png) * 4 / 3 / 2  # base64 of less than half the bytes
    assert ReportFigure("country_mixing", "t", "c", png).preview_markdown() == markdown
