"""What ``scl demo`` / ``scl run`` print after their runs: the quarantined rows per file, the wave
summary, where the outputs are and the report pages."""

from __future__ import annotations

from pathlib import Path

from scl_pipeline.lib.lake import DataLake
from scl_pipeline.lib.project_files import is_installed

SUMMARY_COLUMNS = [
    "wave", "population", "response_rate", "arcs", "density", "reciprocity", "components",
    "largest_component_share", "articulation_points", "critical_bridges", "ei_index", "cross_country_edge_share",
]


def print_summary(lake: DataLake, run_ids: list[str], dagster_home: Path) -> None:
    from scl_pipeline.lib.ingestion.validation.records import landing_relative
    from scl_pipeline.lib.warehouse.connection import connect
    from scl_pipeline.lib.warehouse.reads import quarantined_per_file, wave_summary

    if not lake.warehouse_path.exists():
        return
    with connect(lake.warehouse_path, read_only=True) as con:
        quarantined = quarantined_per_file(con, run_ids)
        summary = wave_summary(con)
    if quarantined:
        print("\nQuarantined rows (set aside, not loaded; each with its reason in raw.quarantine)")
        for file, rows in quarantined:
            print(f"  {landing_relative(file)}: {rows:,} row(s)")
    if summary is None:
        return
    shown = [c for c in SUMMARY_COLUMNS if c in summary.columns]
    print(f"\nmarts.wave_summary (selected columns; all {len(summary.columns)} in the table)")
    print(summary[shown].to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    ui = "dagster dev -m scl_pipeline.definitions" if is_installed() else "python3 dev.py ui"
    print(
        f"\nOutputs\n  warehouse (pipeline-owned): {lake.warehouse_path}\n"
        f"  serving copy for BI:        {lake.serving}\n"
        f"  Dagster UI on the same data: {ui}  (runs recorded in DAGSTER_HOME="
        f"{dagster_home}; set SCL_DATA_LAKE={lake.root} if it is not the default)"
    )
    _print_reports(lake)


def _print_reports(lake: DataLake) -> None:
    from scl_pipeline.lib.reports.build import written_pages

    pages = written_pages(lake.reports)
    if pages:
        print("\nReports (open in a browser; no server or internet needed)")
        for name, page in pages.items():
            print(f"  {name:<8} {page.resolve().as_uri()}")
