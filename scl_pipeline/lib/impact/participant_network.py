"""``marts.participant_network``: the participants' own network at a wave, against the baseline.

One row per wave (docs/impact.md). Participants are the roster's people (any cohort) present in
the wave's population; their network is U induced on them (SPEC §3b, scope ``participants``).
Reach is measured in the whole organisation's U.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from scl_pipeline.lib.impact.baseline import is_after
from scl_pipeline.lib.impact.bonds import bond_changes, distance_to_nearest
from scl_pipeline.lib.network.pairs import id_pairs
from scl_pipeline.lib.network.snapshot import NODE_ID, GraphSnapshot
from scl_pipeline.lib.small_groups import MIN_GROUP_SIZE

REACH_STEPS: tuple[int, ...] = (1, 2, 3)
PARTICIPANT_NETWORK_COLUMNS: tuple[str, ...] = (
    "wave", "baseline_wave", "participants", "participants_without_participant_tie", "ties",
    "cross_country_ties", "cross_country_ties_baseline", "cross_country_ratio_to_baseline",
    "participants_in_both_waves", "new_bond_share", "new_bonds", "bonds_kept", "bonds_lost",
    *(f"reach_{k}_{what}" for k in REACH_STEPS for what in ("people", "share")),
    "small_group",
)
# Compared with the baseline wave; NULL when there is none or the wave precedes it.
_CROSS_WAVE = (
    "cross_country_ties_baseline", "cross_country_ratio_to_baseline", "participants_in_both_waves",
    "new_bond_share", "new_bonds", "bonds_kept", "bonds_lost",
)


def empty_participant_network() -> pd.DataFrame:
    return pd.DataFrame(columns=list(PARTICIPANT_NETWORK_COLUMNS))


def roster_ids(roster: pd.DataFrame | None) -> pd.Index:
    """Distinct employee_ids of the program roster (any cohort), as strings."""
    if roster is None or roster.empty:
        return pd.Index([], dtype=object)
    return pd.Index(roster[NODE_ID].dropna().astype(str).unique()).sort_values()


def present(snapshot: GraphSnapshot, ids) -> pd.Index:
    """The ``ids`` (compared as strings) in the snapshot's population."""
    wanted = pd.Index([str(i) for i in ids], dtype=object)
    return pd.Index(snapshot.nodes[NODE_ID].astype(str)).intersection(wanted)


def _cross_country(snapshot: GraphSnapshot, pairs: pd.DataFrame) -> int:
    country = pd.Series(snapshot.nodes["country"].to_numpy(), index=snapshot.nodes[NODE_ID].astype(str))
    return int((country.reindex(pairs["a"]).to_numpy() != country.reindex(pairs["b"]).to_numpy()).sum())


def participant_network_row(
    current: GraphSnapshot,
    participant_ids,
    baseline: GraphSnapshot | None = None,
    *,
    wave: str | None = None,
    baseline_wave: str | None = None,
) -> pd.DataFrame:
    """The one-row ``participant_network`` frame of ``current`` (empty without participants).

    ``wave``/``baseline_wave`` default to the snapshots' own ``wave``. Without a baseline, or
    for a wave before it, the columns comparing with the baseline are NULL.
    """
    wave = wave if wave is not None else current.wave
    if baseline is not None and baseline_wave is None:
        baseline_wave = baseline.wave
    members = present(current, participant_ids)
    if len(members) == 0:
        return empty_participant_network()
    ties = id_pairs(current, members)
    tied = pd.Index(np.concatenate([ties["a"].to_numpy(), ties["b"].to_numpy()])).unique()
    row: dict = {
        "wave": wave,
        "baseline_wave": baseline_wave,
        "participants": len(members),
        "participants_without_participant_tie": int((~members.isin(tied)).sum()),
        "ties": len(ties),
        "cross_country_ties": _cross_country(current, ties),
    }
    comparable = baseline is not None and not (
        wave is not None and baseline_wave is not None and is_after(baseline_wave, wave)
    )
    if comparable:
        base_ties = id_pairs(baseline, present(baseline, participant_ids))
        change = bond_changes(current, baseline, among=participant_ids)
        base_cross = _cross_country(baseline, base_ties)
        both = len(change.people)
        row.update(
            cross_country_ties_baseline=base_cross,
            # "Ten times the baseline" needs a baseline: NULL when it had no cross-country tie.
            cross_country_ratio_to_baseline=row["cross_country_ties"] / base_cross if base_cross else np.nan,
            participants_in_both_waves=both,
            new_bond_share=len(change.people_with_new_bond()) / both if both else np.nan,
            new_bonds=len(change.new),
            bonds_kept=len(change.kept),
            bonds_lost=len(change.lost),
        )
    else:
        row.update({c: None for c in _CROSS_WAVE})
    dist = distance_to_nearest(current, members, max(REACH_STEPS))
    for k in REACH_STEPS:
        reached = int((dist <= k).sum())
        row[f"reach_{k}_people"] = reached
        row[f"reach_{k}_share"] = reached / current.n
    both = row["participants_in_both_waves"]
    # The shares describe the participants, or those present at both waves: either too few is small.
    row["small_group"] = bool(len(members) < MIN_GROUP_SIZE or (both is not None and both < MIN_GROUP_SIZE))
    frame = pd.DataFrame([row], columns=list(PARTICIPANT_NETWORK_COLUMNS))
    for col in ("participants_in_both_waves", "cross_country_ties_baseline", "new_bonds", "bonds_kept", "bonds_lost"):
        frame[col] = pd.array(frame[col], dtype="Int64")
    return frame


def participant_network(
    snapshots: Mapping[str, GraphSnapshot], roster: pd.DataFrame | None, baseline_wave: str | None
) -> pd.DataFrame:
    """``participant_network`` rows of every wave in ``snapshots`` (wave -> snapshot), ordered by wave."""
    ids = roster_ids(roster)
    if len(ids) == 0 or not snapshots:
        return empty_participant_network()
    if baseline_wave is not None and baseline_wave not in snapshots:
        raise ValueError(f"baseline wave {baseline_wave!r} has no snapshot; have {sorted(snapshots)}")
    baseline = snapshots[baseline_wave] if baseline_wave is not None else None
    rows = [
        participant_network_row(snapshots[w], ids, baseline, wave=w, baseline_wave=baseline_wave)
        for w in sorted(snapshots)
    ]
    rows = [r for r in rows if len(r)]
    return pd.concat(rows, ignore_index=True) if rows else empty_participant_network()
