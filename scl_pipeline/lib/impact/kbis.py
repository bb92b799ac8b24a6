"""``marts.experiment_kbis``: the experiment's three key behaviour indicators per group (SPEC §3b).

Per member of an experiment's (usable) assignment, an exchange being a usable log row with an
answered_at, each indicator rests on a count, its *activity*:

| indicator | activity of a member | indicator met when |
|---|---|---|
| engagement | exchanges taken part in, as asker or responder | activity >= E (3) |
| knowledge_gaps_addressed | distinct responders who answered the member's questions | activity >= K (2) |
| building_connectivity | distinct exchange partners who were not the member's neighbours in U at the reference wave | activity >= 1 |

The reference wave is the last available wave whose quarter ended before the experiment's first
question. Per indicator and group: members, count, share with its Wilson 95 % interval,
program - control difference with the pooled two-proportion z-test p-value, and how many of the
group's members fall in each activity quartile among all the experiment's members.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from scl_pipeline.lib.impact.baseline import last_wave_ending_before
from scl_pipeline.lib.ingestion.experiment_log import GROUPS, split_experiment_log
from scl_pipeline.lib.impact.stats import two_proportion_test, wilson_interval
from scl_pipeline.lib.network.pairs import id_pairs
from scl_pipeline.lib.network.snapshot import GraphSnapshot
from scl_pipeline.lib.small_groups import MIN_GROUP_SIZE

DEFAULT_K = 2
# "Interacted actively": at least E exchanges (SPEC §3b). E = 1 is the earlier indicator, any exchange.
DEFAULT_E = 3
ENGAGEMENT = "engagement"
KNOWLEDGE_GAPS = "knowledge_gaps_addressed"
CONNECTIVITY = "building_connectivity"
INDICATORS: tuple[str, ...] = (KNOWLEDGE_GAPS, CONNECTIVITY, ENGAGEMENT)
# The one wording of each indicator, for headlines, charts and captions alike.
INDICATOR_LABELS: dict[str, str] = {
    KNOWLEDGE_GAPS: "Addressing knowledge gaps",
    CONNECTIVITY: "Building connectivity",
    ENGAGEMENT: "Engagement",
}
ACTIVITY_MEASURES: dict[str, str] = {
    ENGAGEMENT: "exchanges as asker or responder",
    KNOWLEDGE_GAPS: "distinct responders who answered the member's questions",
    CONNECTIVITY: "distinct exchange partners who were not neighbours in U at the reference wave",
}
QUARTILE_COLUMNS: tuple[str, ...] = tuple(f"activity_q{q}_members" for q in (1, 2, 3, 4))
KBI_COLUMNS: tuple[str, ...] = (
    "experiment_id", "indicator", "group", "members", "count", "share", "ci_low", "ci_high",
    "difference", "p_value", "k", "min_exchanges", "reference_wave", "activity_measure", *QUARTILE_COLUMNS, "small_group",
)
GraphSource = Mapping[str, GraphSnapshot] | Callable[[str], GraphSnapshot | None]


def empty_kbis() -> pd.DataFrame:
    return pd.DataFrame(columns=list(KBI_COLUMNS))


def activity_quartiles(activity: np.ndarray) -> np.ndarray:
    """Quartile 1..4 of each value among all values: 1 + how many of P25, P50, P75 (numpy
    linear interpolation) it exceeds. Ties share a quartile; with many zeros a quartile can be empty."""
    activity = np.asarray(activity, dtype=np.float64)
    if len(activity) == 0:
        return np.zeros(0, dtype=np.int64)
    cuts = np.percentile(activity, [25, 50, 75])
    return 1 + (activity[:, None] > cuts[None, :]).sum(axis=1)


def reference_wave(first_asked: pd.Timestamp, waves: Iterable[str]) -> str | None:
    """The last of ``waves`` whose quarter ended before ``first_asked``."""
    return last_wave_ending_before(waves, first_asked.date())


def _snapshot(graphs: GraphSource, waves: Iterable[str] | None, first_asked: pd.Timestamp) -> tuple[str | None, GraphSnapshot | None]:
    if waves is None:
        if not isinstance(graphs, Mapping):
            raise ValueError("graphs is a loader function: pass the available waves too")
        waves = list(graphs.keys())
    ref = reference_wave(first_asked, waves)
    if ref is None:
        return None, None
    snap = graphs.get(ref) if isinstance(graphs, Mapping) else graphs(ref)
    return ref, snap


def member_activity(
    members: pd.Index, exchanges: pd.DataFrame, snapshot: GraphSnapshot | None
) -> pd.DataFrame:
    """Per member (index): the activity count behind each indicator; building_connectivity is
    NaN when there are exchanges but no reference graph."""
    ask, resp = exchanges["asker_id"].astype(str), exchanges["responder_id"].astype(str)
    counts = pd.concat([ask, resp]).value_counts()
    responders = exchanges.assign(a=ask, r=resp).drop_duplicates(["a", "r"])["a"].value_counts()
    pairs = pd.DataFrame({"member": pd.concat([ask, resp], ignore_index=True),
                          "partner": pd.concat([resp, ask], ignore_index=True)}).drop_duplicates()
    out = pd.DataFrame(index=members)
    out[ENGAGEMENT] = counts.reindex(members, fill_value=0).to_numpy(np.float64)
    out[KNOWLEDGE_GAPS] = responders.reindex(members, fill_value=0).to_numpy(np.float64)
    if pairs.empty:
        out[CONNECTIVITY] = 0.0
    elif snapshot is None:
        out[CONNECTIVITY] = np.nan
    else:
        edges = id_pairs(snapshot, members)
        lo = np.minimum(pairs["member"].to_numpy(dtype=object), pairs["partner"].to_numpy(dtype=object))
        hi = np.maximum(pairs["member"].to_numpy(dtype=object), pairs["partner"].to_numpy(dtype=object))
        neighbour = pd.MultiIndex.from_arrays([lo, hi]).isin(pd.MultiIndex.from_frame(edges))
        strangers = pairs.loc[~neighbour, "member"].value_counts()
        out[CONNECTIVITY] = strangers.reindex(members, fill_value=0).to_numpy(np.float64)
    return out


def _experiment_rows(
    experiment_id: str, assignment: pd.DataFrame, log: pd.DataFrame, graphs: GraphSource,
    waves: Iterable[str] | None, k: int, e: int,
) -> list[dict]:
    members = pd.Index(assignment["employee_id"].astype(str))
    group = pd.Series(assignment["group"].to_numpy(), index=members)
    ref, snap = (None, None) if log.empty else _snapshot(graphs, waves, log["asked_at"].min())
    activity = member_activity(members, log[log["answered"]], snap)
    thresholds = {ENGAGEMENT: e, KNOWLEDGE_GAPS: k, CONNECTIVITY: 1}
    # Each row's difference and p-value rest on both groups: a small group makes every row small.
    small = min(int((group == g).sum()) for g in GROUPS) < MIN_GROUP_SIZE
    rows = []
    for indicator in INDICATORS:
        values = activity[indicator].to_numpy()
        known = not np.isnan(values).any()
        met = values >= thresholds[indicator]
        quartile = activity_quartiles(values) if known else None
        counts = {}
        for g in GROUPS:
            in_group = (group == g).to_numpy()
            n = int(in_group.sum())
            count = int(met[in_group].sum()) if known else None
            counts[g] = (count, n)
            low, high = wilson_interval(count, n) if known else (np.nan, np.nan)
            row = {
                "experiment_id": experiment_id, "indicator": indicator, "group": g, "members": n,
                "count": count, "share": count / n if known and n else np.nan, "ci_low": low, "ci_high": high,
                "k": k if indicator == KNOWLEDGE_GAPS else None,
                "min_exchanges": e if indicator == ENGAGEMENT else None,
                "reference_wave": ref if indicator == CONNECTIVITY else None,
                "activity_measure": ACTIVITY_MEASURES[indicator], "small_group": small,
            }
            for q, col in enumerate(QUARTILE_COLUMNS, start=1):
                row[col] = int((quartile[in_group] == q).sum()) if known else None
            rows.append(row)
        (cp, np_), (cc, nc) = counts["program"], counts["control"]
        diff, p = two_proportion_test(cp, np_, cc, nc) if known else (np.nan, np.nan)
        for row in rows[-len(GROUPS):]:
            row["difference"], row["p_value"] = diff, p
    return rows


def experiment_kbis(
    assignment: pd.DataFrame,
    interactions: pd.DataFrame,
    graphs: GraphSource,
    *,
    waves: Iterable[str] | None = None,
    k: int = DEFAULT_K,
    e: int = DEFAULT_E,
) -> pd.DataFrame:
    """``experiment_kbis`` rows of every experiment in ``assignment``.

    ``graphs`` gives the wave snapshots: a mapping wave -> GraphSnapshot (its keys are the
    available waves) or a loader ``wave -> GraphSnapshot | None`` together with ``waves``.
    Problem rows (:func:`split_experiment_log`) are left out; the caller quarantines them.
    ``k``: distinct responders that address a knowledge gap; ``e``: exchanges that make a member
    engaged.
    """
    if k < 1:
        raise ValueError(f"k={k}: knowledge_gaps_addressed needs at least 1 distinct responder")
    if e < 1:
        raise ValueError(f"e={e}: engagement needs at least 1 exchange")
    log = split_experiment_log(assignment, interactions)
    if log.assignment.empty:
        return empty_kbis()
    rows: list[dict] = []
    for experiment_id, members in log.assignment.groupby("experiment_id", sort=True):
        mine = log.interactions[log.interactions["experiment_id"] == experiment_id]
        rows += _experiment_rows(str(experiment_id), members, mine, graphs, waves, k, e)
    frame = pd.DataFrame(rows, columns=list(KBI_COLUMNS))
    for col in ("count", "k", "min_exchanges", *QUARTILE_COLUMNS):
        frame[col] = pd.array(frame[col], dtype="Int64")
    return frame
