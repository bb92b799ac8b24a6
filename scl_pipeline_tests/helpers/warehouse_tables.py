"""The warehouse's tables as comparable frames: one lake's against another's, row for row."""

from __future__ import annotations

import pandas as pd

from scl_pipeline.lib.lake import DataLake
from scl_pipeline_tests.helpers.dagster import query

LINEAGE = ("source_file", "source_row", "loaded_at")


def warehouse_tables(lake: DataLake, skipped: frozenset[str] = frozenset({"marts.data_quality"})) -> dict[str, pd.DataFrame]:
    """Every ``marts``, ``network`` and ``staging`` table and ``raw.ona_survey`` but ``skipped``:
    without lineage columns, paths into the lake relative to it, rows sorted."""
    names = query(
        lake,
        "select table_schema || '.' || table_name as t from information_schema.tables "
        "where table_schema in ('marts', 'network', 'staging') or (table_schema, table_name) = ('raw', 'ona_survey')",
    )["t"].tolist()
    out = {}
    for name in sorted(set(names) - skipped):
        frame = query(lake, f"select * from {name}")
        frame = frame.drop(columns=[c for c in LINEAGE if c in frame.columns])
        for column in frame.columns[frame.dtypes == object]:  # graph folders are paths in each lake
            frame[column] = frame[column].map(lambda v: v.replace(str(lake.root), "<lake>") if isinstance(v, str) else v)
        out[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True) if len(frame) else frame
    return out


def all_text(lake: DataLake) -> str:
    """Every text value of every warehouse table, joined: to look for what must never be stored."""
    tables = query(lake, "select table_schema || '.' || table_name as t from information_schema.tables")["t"]
    parts = []
    for name in tables:
        frame = query(lake, f"select * from {name}")
        for column in frame.columns[frame.dtypes == object]:
            parts.append(" ".join(map(str, frame[column].dropna().tolist())))
    return " ".join(parts)
