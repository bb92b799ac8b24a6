"""The reports' inputs as the pipeline has them: marts from the warehouse, the participants' ties
from the waves' graph snapshots, every employee id replaced by its serving pseudonym.

Only what a page draws is read: the participants' rows (never the whole population) of the waves
the page shows, the wave-grain marts of those waves, and the cross-wave marts whole (one row per
wave, scenario or indicator). The warehouse connection is read-only and closed before the
snapshots are loaded and anything is drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

from scl_pipeline.lib.lake import DataLake
from scl_pipeline.lib.network.pairs import id_pairs
from scl_pipeline.lib.network.snapshot import GraphSnapshot
from scl_pipeline.lib.reports.build import ReportInputs
from scl_pipeline.lib.reports.inputs import BRIDGE_CRITICALITY, PERSON, ReportInputError
from scl_pipeline.lib.serving.pseudonyms import PseudonymKey
from scl_pipeline.lib.warehouse.connection import connect
from scl_pipeline.lib.warehouse.reads import wave_rows, whole_table

# Wave-grain marts: table -> the columns read (None: all of them).
WAVE_MARTS: dict[str, tuple[str, ...] | None] = {
    "marts.bridge_criticality": BRIDGE_CRITICALITY,
    "marts.robustness_curve": None,
    "marts.country_mixing": None,
    "marts.country_wave_bonds": None,
    "marts.wave_summary": None,
}
CROSS_WAVE_MARTS = ("marts.participant_network", "marts.resilience_scenarios")
OPTIONAL_MARTS = ("marts.experiment_kbis", "marts.roi", "marts.impact_did", "marts.impact_balance")
PEOPLE_TABLE = "marts.person_wave_metrics"

WaveChoice = Callable[[pd.DataFrame], Iterable[str]]
SnapshotLoader = Callable[[str], GraphSnapshot]


class ReportSourceMissing(ReportInputError):
    """A mart the reports read has not been built yet."""


def _required(frame: pd.DataFrame | None, table: str) -> pd.DataFrame:
    if frame is None:
        raise ReportSourceMissing(f"{table} does not exist: materialize marts/{table.split('.', 1)[1]} first")
    return frame


def baseline_and_latest(participant_network: pd.DataFrame) -> list[str]:
    """The waves the program page draws: the baseline (the first wave without one) and the latest."""
    waves = sorted(participant_network["wave"].astype(str))
    if not waves:
        return []
    baseline = participant_network["baseline_wave"].dropna().astype(str)
    return sorted({baseline.iloc[0] if len(baseline) else waves[0], waves[-1]})


def with_baseline(wave: str) -> WaveChoice:
    """A wave's page draws its wave, plus the baseline's bridges (the scenario removing them again)."""

    def choose(participant_network: pd.DataFrame) -> list[str]:
        baseline = participant_network["baseline_wave"].dropna().astype(str)
        return sorted({wave, *baseline.iloc[:1]})

    return choose


def participant_edges(load_snapshot: SnapshotLoader, people: pd.DataFrame) -> pd.DataFrame:
    """U of each wave of ``people`` induced on its participants: columns wave, source, target."""
    frames = [pd.DataFrame(columns=["wave", "source", "target"])]
    for wave, members in people.groupby(people["wave"].astype(str)):
        pairs = id_pairs(load_snapshot(wave), among=members["employee_id"].astype(str))
        frames.append(pd.DataFrame({"wave": wave, "source": pairs["a"], "target": pairs["b"]}))
    return pd.concat(frames, ignore_index=True)


def pseudonymised(frame: pd.DataFrame, columns: Iterable[str], key: PseudonymKey) -> pd.DataFrame:
    """``frame`` with each id column replaced by the serving pseudonym of its ids (NULL stays NULL)."""
    out = frame.copy()
    for column in columns:
        ids = out[column]
        mapping = {i: key.pseudonym(str(i)) for i in ids.dropna().unique()}
        out[column] = ids.map(mapping).astype(object).where(ids.notna(), None)
    return out


def load_report_inputs(
    lake: DataLake, key: PseudonymKey, choose_waves: WaveChoice, load_snapshot: SnapshotLoader
) -> ReportInputs:
    """The marts a page needs, for the waves ``choose_waves`` picks from participant_network, and
    those waves' graphs from ``load_snapshot``; :class:`ReportSourceMissing` names a mart not built yet."""
    with connect(lake.warehouse_path, read_only=True) as con:
        cross = {t: _required(whole_table(con, t), t) for t in CROSS_WAVE_MARTS}
        optional = {t: whole_table(con, t) for t in OPTIONAL_MARTS}
        waves = sorted(choose_waves(cross["marts.participant_network"]))
        people = _required(wave_rows(con, PEOPLE_TABLE, waves, PERSON, participants_only=True), PEOPLE_TABLE)
        marts = {t: _required(wave_rows(con, t, waves, columns), t) for t, columns in WAVE_MARTS.items()}
    edges = participant_edges(load_snapshot, people)
    return ReportInputs(
        people=pseudonymised(people, ["employee_id"], key),
        participant_edges=pseudonymised(edges, ["source", "target"], key),
        bridge_criticality=pseudonymised(marts["marts.bridge_criticality"], ["employee_id"], key),
        resilience_scenarios=cross["marts.resilience_scenarios"],
        robustness_curve=marts["marts.robustness_curve"],
        country_mixing=marts["marts.country_mixing"],
        country_wave_bonds=marts["marts.country_wave_bonds"],
        participant_network=cross["marts.participant_network"],
        wave_summary=marts["marts.wave_summary"],
        experiment_kbis=optional["marts.experiment_kbis"],
        roi=optional["marts.roi"],
        impact_did=optional["marts.impact_did"],
        impact_balance=optional["marts.impact_balance"],
    )
