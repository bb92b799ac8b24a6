"""One report per wave and one for the program, from the marts (the entry points for the assets)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scl_pipeline.lib import formatting as fmt
from scl_pipeline.lib.reports import captions
from scl_pipeline.lib.reports.document import HTML_NAME, Report, ReportFigure, Table
from scl_pipeline.lib.reports.groups import named_groups
from scl_pipeline.lib.reports.inputs import (
    PARTICIPANT_NETWORK,
    flag,
    PARTICIPANTS_SCOPE,
    WAVE_SUMMARY,
    ReportInputError,
    participants_of,
    require,
)
from scl_pipeline.lib.reports.network_figures import (
    baseline_vs_latest_png,
    participants_network_png,
    scenario_network_png,
)
from scl_pipeline.lib.reports.impact_charts import METRIC_NAMES, balance_png, event_study_png
from scl_pipeline.lib.reports.program_charts import experiment_png, roi_png, waves_trend_png
from scl_pipeline.lib.reports.scenarios import main_scenario, removed_people
from scl_pipeline.lib.reports.wave_charts import mixing_heatmap_png, mixing_matrix, robustness_png
from scl_pipeline.lib.small_groups import MIN_GROUP_SIZE

PROGRAM_FOLDER = "program"
TOP_DEPARTMENTS = 12
PRIVACY_NOTE = (f"People appear as dots, never by name or id; a group of fewer than {MIN_GROUP_SIZE} "
                "people is never named (it is counted under 'other').")


@dataclass(frozen=True)
class ReportInputs:
    """The marts the reports read (SPEC §3), all waves; optional ones may be None."""

    people: pd.DataFrame  # person_wave_metrics
    participant_edges: pd.DataFrame  # source, target, wave: U induced on each wave's participants
    bridge_criticality: pd.DataFrame
    resilience_scenarios: pd.DataFrame
    robustness_curve: pd.DataFrame
    country_mixing: pd.DataFrame
    country_wave_bonds: pd.DataFrame
    participant_network: pd.DataFrame
    wave_summary: pd.DataFrame
    experiment_kbis: pd.DataFrame | None = None
    roi: pd.DataFrame | None = None
    impact_did: pd.DataFrame | None = None
    impact_balance: pd.DataFrame | None = None

    @property
    def waves(self) -> list[str]:
        return sorted(require(self.wave_summary, "wave_summary", WAVE_SUMMARY)["wave"].astype(str))

    def network_row(self, wave: str) -> pd.Series | None:
        net = require(self.participant_network, "participant_network", PARTICIPANT_NETWORK)
        rows = net[net["wave"].astype(str) == str(wave)]
        return rows.iloc[0] if len(rows) else None

    @property
    def baseline_wave(self) -> str | None:
        values = self.participant_network["baseline_wave"].dropna().astype(str)
        return values.iloc[0] if len(values) else None


def _summary(inputs: ReportInputs, wave: str) -> pd.Series:
    rows = inputs.wave_summary[inputs.wave_summary["wave"].astype(str) == str(wave)]
    if rows.empty:
        raise ReportInputError(f"wave_summary: no row for wave {wave}")
    return rows.iloc[0]


def _count_table(title: str, label: str, values: pd.Series, other: str) -> Table:
    """People per group, the groups under ``MIN_GROUP_SIZE`` pooled (and beyond the top ones)."""
    sizes = values.astype(str).value_counts()
    named = named_groups(sizes, TOP_DEPARTMENTS)
    rows = [(g, fmt.count(sizes[g])) for g in named]
    rest = int(sizes.drop(named).sum())
    if rest:
        rows.append((other, fmt.count(rest)))
    return Table(title, (label, "participants"), tuple(rows))


def wave_report(inputs: ReportInputs, wave: str) -> Report:
    summary = _summary(inputs, wave)
    net = inputs.network_row(wave)
    members = participants_of(inputs.people, wave)
    figures: list[ReportFigure] = []
    if len(members):
        figures.append(ReportFigure(
            "participants_network", f"Participants' trust network, {wave}",
            " ".join(filter(None, [captions.network_caption(net) if net is not None else "",
                                   captions.bridges_caption(inputs.bridge_criticality, wave)])),
            participants_network_png(inputs.people, inputs.participant_edges, wave,
                                     bridge_criticality=inputs.bridge_criticality)))
        scenario = main_scenario(inputs.resilience_scenarios, wave)
        if scenario is not None:
            ids = removed_people(scenario, inputs.bridge_criticality, members.index, inputs.baseline_wave)
            title = captions.scenario_title(scenario)
            figures.append(ReportFigure(
                "resilience_scenario", title, captions.scenario_caption(scenario),
                scenario_network_png(inputs.people, inputs.participant_edges, wave, ids, title=title)))
    matrix = mixing_matrix(inputs.country_mixing, inputs.country_wave_bonds, wave)
    figures.append(ReportFigure(
        "country_mixing", f"The organisation by country, {wave}", captions.mixing_caption(summary, matrix),
        mixing_heatmap_png(inputs.country_mixing, inputs.country_wave_bonds, wave)))
    curve = inputs.robustness_curve[inputs.robustness_curve["wave"].astype(str) == str(wave)]
    if len(curve):
        text = " ".join(filter(None, (captions.robustness_caption(curve, wave, scope)
                                      for scope in (PARTICIPANTS_SCOPE, "organisation"))))
        figures.append(ReportFigure("robustness", f"Robustness, {wave}", text,
                                    robustness_png(inputs.robustness_curve, wave)))
    numbers = [("people in the organisation", fmt.count(summary["population"])),
               ("largest connected group", fmt.share(summary["largest_component_share"])),
               ("single bridges (organisation)", fmt.count(summary["articulation_points"])),
               *([("critical bridges (organisation)", fmt.count(summary["critical_bridges"]))]
                 if "critical_bridges" in summary.index else []),
               ("cross-country ties", fmt.share(summary["cross_country_edge_share"])),
               ("E-I index", fmt.number(summary["ei_index"]))]
    if net is not None:
        numbers += [("participants", fmt.count(net["participants"])),
                    ("ties among participants", fmt.count(net["ties"])),
                    ("of them across countries", fmt.count(net["cross_country_ties"]))]
    tables = []
    if len(members):
        tables = [_count_table("Participants by country", "country", members["country"], "other countries"),
                  _count_table("Participants by department", "department", members["department"],
                               "other departments")]
    return Report(f"Trust network report, {wave}",
                  "Social Collaborative Learning program: the organisation's trust network this wave",
                  tuple(numbers), tuple(figures), tuple(tables), (PRIVACY_NOTE,))


def program_report(inputs: ReportInputs) -> Report:
    net = require(inputs.participant_network, "participant_network", PARTICIPANT_NETWORK).sort_values("wave")
    if net.empty:
        raise ReportInputError("participant_network: no rows, so there is no program to report")
    baseline = inputs.baseline_wave or str(net["wave"].iloc[0])
    latest = str(net["wave"].iloc[-1])
    first, last = net.iloc[0], net.iloc[-1]
    figures = [
        ReportFigure("baseline_vs_latest", "The participants' network, before and now",
                     f"Baseline ({first['wave']}): {captions.network_caption(first)} "
                     f"Latest ({last['wave']}): {captions.network_caption(last)}",
                     baseline_vs_latest_png(inputs.people, inputs.participant_edges, baseline, latest,
                                            bridge_criticality=inputs.bridge_criticality)),
        ReportFigure("waves_trend", "Cross-country bonds and fragmentation over the waves",
                     captions.trend_caption(net, inputs.resilience_scenarios),
                     waves_trend_png(net, inputs.resilience_scenarios)),
    ]
    numbers = [("waves", fmt.count(len(net))), ("participants now", fmt.count(last["participants"])),
               ("ties among them", f"{fmt.count(first['ties'])} → {fmt.count(last['ties'])}"),
               ("with a new strong bond", fmt.share(last["new_bond_share"]))]
    figures += impact_figures(inputs.impact_did, inputs.impact_balance)
    if inputs.experiment_kbis is not None and len(inputs.experiment_kbis):
        experiments = sorted(set(inputs.experiment_kbis["experiment_id"].astype(str)))
        for number, experiment in enumerate(experiments, start=1):
            # Numbered, not named after the id: an id is free text, a file name is not.
            figures.append(ReportFigure(
                f"experiment_{number}", f"Experiment {experiment}: program against control",
                captions.experiment_caption(inputs.experiment_kbis, experiment),
                experiment_png(inputs.experiment_kbis, experiment)))
    if inputs.roi is not None and len(inputs.roi):
        roi_wave = sorted(inputs.roi["wave"].astype(str))[-1]
        figures.append(ReportFigure("roi", f"Return on the program, {roi_wave}",
                                    captions.roi_caption(inputs.roi, roi_wave), roi_png(inputs.roi, roi_wave)))
        mid = inputs.roi[(inputs.roi["wave"].astype(str) == roi_wave) & (inputs.roi["scenario"] == "mid")]
        if len(mid):
            numbers.append(("ROI (mid scenario)", fmt.multiple(mid["roi_multiple"].iloc[0])))
    return Report("Social Collaborative Learning: program report",
                  f"Baseline {baseline}, latest wave {latest}", tuple(numbers), tuple(figures), (),
                  (PRIVACY_NOTE,))


def impact_figures(impact_did: pd.DataFrame | None, impact_balance: pd.DataFrame | None) -> list[ReportFigure]:
    """The event study (one panel per metric, a sentence per metric on what it shows and how
    weak it is) and the balance plot; none without rows over ``MIN_GROUP_SIZE`` people or more."""
    figures: list[ReportFigure] = []
    drawable = impact_did[~flag(impact_did["small_group"])] if impact_did is not None and len(impact_did) else None
    if drawable is not None and len(drawable):
        present = set(impact_did["metric"].astype(str))  # the marts' order is alphabetical: the spec's order
        metrics = [m for m in METRIC_NAMES if m in present] + sorted(present - set(METRIC_NAMES))
        text = " ".join(captions.did_evidence(impact_did, impact_balance, m) for m in metrics)
        figures.append(ReportFigure("event_study", "Did participants change more than comparable colleagues?",
                                    text, event_study_png(impact_did)))
    if impact_balance is not None and len(impact_balance) and (~flag(impact_balance["small_group"])).any():
        control = (str(impact_did["control_group"].dropna().iloc[0])
                   if impact_did is not None and impact_did["control_group"].notna().any() else "matched")
        figures.append(ReportFigure("balance", "Were the groups alike before the program?",
                                    captions.balance_caption(impact_balance, control),
                                    balance_png(impact_balance, control)))
    return figures


def wave_folder(folder: str | Path, wave: str) -> Path:
    """``folder/<wave>``, where a wave's report goes; a wave that cannot name one folder of its
    own (``..``, a slash, ``program``) is refused."""
    if wave in (PROGRAM_FOLDER, ".", "..") or Path(wave).name != wave:
        raise ReportInputError(f"wave_summary.wave: {wave!r} cannot name a report folder")
    return Path(folder) / wave


def written_pages(folder: str | Path) -> dict[str, Path]:
    """The pages under ``folder`` (key: ``program`` first, then the waves in order)."""
    folder = Path(folder)
    pages = {p.parent.name: p for p in sorted(folder.glob(f"*/{HTML_NAME}"))}
    program = pages.pop(PROGRAM_FOLDER, None)
    return {PROGRAM_FOLDER: program, **pages} if program else pages
