"""The frames the pictures are drawn from (the marts of SPEC §3/§3b) and the errors they raise.

Each contract lists only the columns the reports read; a frame may carry more. A missing column
or bad row is a :class:`ReportInputError` naming the frame, the column and the rows.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

ROLE_COLUMNS: tuple[str, ...] = (
    "central_connector", "boundary_spanner", "information_broker", "catalyst",
)

PERSON = ("wave", "employee_id", "country", "department", "participant", *ROLE_COLUMNS)
EDGES = ("source", "target")
BRIDGE_CRITICALITY = ("wave", "scope", "employee_id", "country", "people_cut_off", "critical")
RESILIENCE_SCENARIOS = (
    "wave", "scope", "scenario", "kind", "country", "removed_people", "components_before",
    "components_after", "largest_component_share_before", "largest_component_share_after",
    "fragmentation_before", "fragmentation_after", "country_pairs_disconnected",
)
ROBUSTNESS_CURVE = (
    "wave", "scope", "strategy", "k", "people", "largest_component_share", "fragmentation",
    "largest_component_share_p05", "largest_component_share_p95",
)
COUNTRY_MIXING = ("wave", "country", "other_country", "arcs")
COUNTRY_WAVE_BONDS = ("wave", "country", "people")
PARTICIPANT_NETWORK = (
    "wave", "baseline_wave", "participants", "participants_without_participant_tie", "ties",
    "cross_country_ties", "new_bond_share",
)
EXPERIMENT_KBIS = ("experiment_id", "indicator", "group", "members", "share", "ci_low", "ci_high",
                   "difference", "p_value")
ROI = ("wave", "scenario", "value", "cost", "roi_multiple", "currency")
WAVE_SUMMARY = ("wave", "population", "components", "largest_component_share",
                "articulation_points", "ei_index", "ei_expected", "cross_country_edge_share")

PARTICIPANTS_SCOPE = "participants"
ORGANISATION_SCOPE = "organisation"


class ReportInputError(ValueError):
    """A frame the reports cannot draw; the message names the frame, column and rows."""


def _rows(mask: np.ndarray, frame: pd.DataFrame, limit: int = 10) -> str:
    labels = list(frame.index[np.asarray(mask, dtype=bool)])
    more = f" (+{len(labels) - limit} more)" if len(labels) > limit else ""
    return "rows " + ", ".join(str(x) for x in labels[:limit]) + more


def require(frame: pd.DataFrame, name: str, columns: Iterable[str]) -> pd.DataFrame:
    """``frame`` unchanged, or an error naming the frame and every missing column."""
    if not isinstance(frame, pd.DataFrame):
        raise ReportInputError(f"{name}: expected a DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ReportInputError(f"{name}: missing column(s) {missing}; has {list(frame.columns)}")
    return frame


def require_values(frame: pd.DataFrame, name: str, columns: Iterable[str]) -> None:
    """Error naming the rows where any of ``columns`` is empty."""
    for column in columns:
        empty = frame[column].isna().to_numpy()
        if empty.any():
            raise ReportInputError(f"{name}.{column}: empty value at {_rows(empty, frame)}")


def flag(values: pd.Series) -> pd.Series:
    """A yes/no column as plain booleans, empty meaning no."""
    return values.astype("boolean").fillna(False).astype(bool)


def one_wave(frame: pd.DataFrame, name: str, wave: str, columns: Iterable[str]) -> pd.DataFrame:
    """The rows of ``wave`` (a copy), after checking the contract."""
    require(frame, name, columns)
    return frame[frame["wave"].astype(str) == str(wave)].copy()


def participants_of(people: pd.DataFrame, wave: str) -> pd.DataFrame:
    """The wave's participants, one row each, indexed by employee id (string)."""
    rows = one_wave(people, "person_wave_metrics", wave, PERSON)
    rows = rows[flag(rows["participant"])]
    require_values(rows, "person_wave_metrics", ("employee_id", "country"))
    ids = rows["employee_id"].astype(str)
    dup = ids.duplicated(keep=False).to_numpy()
    if dup.any():
        raise ReportInputError(
            f"person_wave_metrics.employee_id: a participant appears twice in wave {wave} at "
            f"{_rows(dup, rows)}"
        )
    return rows.set_index(ids.rename("node"))


def edges_among(edges: pd.DataFrame, members: pd.Index, wave: str | None = None) -> pd.DataFrame:
    """Edges (source, target) as strings; ``wave`` filters a frame that carries one. Both ends
    must be among ``members`` (the participants' graph is induced on them)."""
    require(edges, "participant_edges", EDGES)
    if wave is not None and "wave" in edges.columns:
        edges = edges[edges["wave"].astype(str) == str(wave)]
    require_values(edges, "participant_edges", EDGES)
    out = pd.DataFrame(
        {"source": edges["source"].astype(str), "target": edges["target"].astype(str)},
        index=edges.index,
    )
    for column in EDGES:
        outside = ~out[column].isin(members)
        if outside.any():
            raise ReportInputError(
                f"participant_edges.{column}: not a participant of the wave at "
                f"{_rows(outside.to_numpy(), out)}; the participants' graph is induced on them"
            )
    loops = (out["source"] == out["target"]).to_numpy()
    if loops.any():
        raise ReportInputError(f"participant_edges: self loop at {_rows(loops, out)}")
    return out
