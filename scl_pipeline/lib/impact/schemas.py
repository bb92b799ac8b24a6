"""Column types of the impact marts, so a table has the same schema whether it holds rows
or is empty (a lake without a roster or an experiment): BI tools see stable columns.

pandas nullable dtypes: ``string`` -> VARCHAR, ``Int64`` -> BIGINT, ``Float64`` -> DOUBLE,
``boolean`` -> BOOLEAN in DuckDB; missing values (NaN, None) become NULL.
"""

from __future__ import annotations

import pandas as pd

from scl_pipeline.lib.impact.balance import BALANCE_COLUMNS
from scl_pipeline.lib.impact.did import DID_COLUMNS
from scl_pipeline.lib.impact.kbis import KBI_COLUMNS, QUARTILE_COLUMNS
from scl_pipeline.lib.impact.participant_network import PARTICIPANT_NETWORK_COLUMNS, REACH_STEPS
from scl_pipeline.lib.impact.roi import ROI_COLUMNS

TEXT, COUNT, NUMBER, FLAG = "string", "Int64", "Float64", "boolean"


def _types(columns: tuple[str, ...], text: set[str], counts: set[str], flags: set[str] = frozenset({"small_group"})) -> dict[str, str]:
    """Every column of ``columns`` typed: text, counts and flags as named, numbers otherwise."""
    unknown = (text | counts | flags) - set(columns)
    if unknown:
        raise ValueError(f"typed columns {sorted(unknown)} are not columns of the mart")
    return {c: TEXT if c in text else COUNT if c in counts else FLAG if c in flags else NUMBER for c in columns}


MART_TYPES: dict[str, dict[str, str]] = {
    "participant_network": _types(
        PARTICIPANT_NETWORK_COLUMNS,
        text={"wave", "baseline_wave"},
        counts={"participants", "participants_without_participant_tie", "ties", "cross_country_ties",
                "cross_country_ties_baseline", "participants_in_both_waves", "new_bonds", "bonds_kept",
                "bonds_lost", *(f"reach_{k}_people" for k in REACH_STEPS)},
    ),
    "impact_did": _types(
        DID_COLUMNS,
        text={"wave", "baseline_wave", "metric", "control_group", "control_definition"},
        counts={"participants", "controls", "unmatched", "draws", "seed"},
        flags={"placebo", "small_group"},
    ),
    "impact_balance": _types(
        BALANCE_COLUMNS,
        text={"wave", "baseline_wave", "control_group", "control_definition", "covariate"},
        counts={"participants", "controls"},
        flags={"imbalanced", "small_group"},
    ),
    "experiment_kbis": _types(
        KBI_COLUMNS,
        text={"experiment_id", "indicator", "group", "reference_wave", "activity_measure"},
        counts={"members", "count", "k", "min_exchanges", *QUARTILE_COLUMNS},
    ),
    "roi": _types(
        ROI_COLUMNS,
        text={"wave", "baseline_wave", "scenario", "assumptions_version", "currency", "bonds_between"},
        counts={"reach_steps", "participants", "bonds", "people_reached"},
        flags=set(),
    ),
}


def typed(frame: pd.DataFrame, mart: str) -> pd.DataFrame:
    """``frame`` with the mart's columns, in order, as the mart's types (NaN and None as missing)."""
    types = MART_TYPES[mart]
    missing = [c for c in types if c not in frame.columns]
    if missing:
        raise ValueError(f"marts.{mart}: frame lacks column(s) {missing}")
    out = frame[list(types)].copy()
    for column, dtype in types.items():
        values = out[column].astype(object).where(out[column].notna(), None)
        out[column] = pd.array(values.tolist(), dtype=dtype)
    return out.reset_index(drop=True)
