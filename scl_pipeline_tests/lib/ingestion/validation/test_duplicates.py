"""Duplicate nominations: which rows are dropped and which row of each group is kept."""

from __future__ import annotations

import random

import pandas as pd

from scl_pipeline.lib.ingestion.validation.duplicates import duplicate_of


def _duplicate_of_by_hand(rows: list[dict]) -> dict[int, int]:
    """Brute force: for each dropped row, the kept row of its group."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        key = (row["respondent_id"], row["nominee_id"], row["relation"] or "trust")
        groups.setdefault(key, []).append(row)
    dropped = {}
    for members in groups.values():
        def rank(r):
            try:
                s = float(r["strength"])
            except (TypeError, ValueError):
                s = -1.0
            return (-s, r["source_row"])
        kept, *rest = sorted(members, key=rank)
        dropped.update({r["source_row"]: kept["source_row"] for r in rest})
    return dropped


def test_duplicate_of_matches_a_brute_force_on_random_surveys():
    rng = random.Random(7)
    for _ in range(20):
        rows = [
            {
                "respondent_id": f"E{rng.randint(1, 4)}",
                "nominee_id": f"E{rng.randint(1, 4)}",
                "relation": rng.choice(["trust", None, "advice"]),
                "strength": rng.choice(["1", "3", "5", None, "x"]),
                "source_row": i,
            }
            for i in range(1, 60)
        ]
        got = duplicate_of(pd.DataFrame(rows))
        got_map = {r["source_row"]: int(v) for r, v in zip(rows, got) if v is not None}
        assert got_map == _duplicate_of_by_hand(rows)
