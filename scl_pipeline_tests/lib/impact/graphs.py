"""Hand-built snapshots for the impact tests: every listed edge is one strong tie."""

from __future__ import annotations

import pandas as pd

from scl_pipeline.lib.network.snapshot import GraphSnapshot, build_snapshot
from scl_pipeline_tests.helpers.staging import stage_ties


def snapshot_of(country: dict[str, str], edges: list[tuple[str, str]], wave: str | None = None) -> GraphSnapshot:
    """U with ``edges`` over the people of ``country`` (id -> country); ties carry no strength,
    so every one is strong (SPEC §2)."""
    nodes = pd.DataFrame({"employee_id": list(country), "country": list(country.values()),
                          "department": "d", "level": "l"})
    ties = pd.DataFrame({"respondent_id": [a for a, _ in edges], "nominee_id": [b for _, b in edges],
                         "relation": "trust", "strength": pd.array([None] * len(edges), dtype="Int64")})
    return build_snapshot(nodes, stage_ties(nodes, ties), wave=wave)
