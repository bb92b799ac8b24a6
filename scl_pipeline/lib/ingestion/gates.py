"""Sanity gates of a wave: a wave whose files pass every expectation can still be quietly wrong.

Survey ids that do not match the HR ids put every row in quarantine and leave a wave of 0 ties;
an HR export of one country halves the population; a truncated survey halves the response
rate. Each would be published next to healthy waves. The gates compare the wave's vital counts
with thresholds and with the previous loaded wave, and reject the wave (nothing changes, like
any rejected wave) with a message saying what is wrong and what to check.

The vital counts are those of ``marts.wave_summary`` (population, invited, respondents,
response rate, strong arcs of the primary relation): ``staging.wave_vitals``, counted by the
staging SQL on the typed rows the wave would load and read back for the previous wave
(lib.ingestion.vitals).
Every threshold is a field of :class:`GateConfig` (the ``gates`` settings resource), listed
with its default in docs/data_quality.md.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from scl_pipeline.lib.ingestion.validation.findings import Finding, Severity
from scl_pipeline.lib.ingestion.validation.suites import REGISTRY
from scl_pipeline.lib.ingestion.vitals import WaveVitals

SETTINGS = "settings resource `gates`, docs/data_quality.md"


@dataclass(frozen=True)
class GateConfig:
    """Sanity gates of each wave (docs/data_quality.md). A wave failing one is rejected and the
    warehouse keeps its previous rows. ``min_*_ratio`` = 0 or ``max_population_change`` < 0
    switches that comparison off; ``max_quarantined_share`` = 1 switches the quarantine gate off."""

    max_quarantined_share: float = 0.05  # of the survey's rows
    min_quarantined_rows: int = 10  # below this many quarantined rows the share is not gated
    require_strong_ties: bool = True  # at least one strong arc of the primary relation
    min_response_rate_ratio: float = 0.5  # of the previous loaded wave's response rate
    min_arcs_ratio: float = 0.5  # of the previous loaded wave's strong arcs
    max_population_change: float = 0.25  # relative to the previous loaded wave's population
    # Of the previous loaded wave's share of roster participants in the population (roster_presence.py).
    min_roster_presence_ratio: float = 0.5


@dataclass(frozen=True)
class GateResult:
    """One gate on one wave; ``detail`` holds counts and labels only, never ids or names."""

    name: str
    file_kind: str
    passed: bool
    detail: str
    rows_checked: int = 0
    rows_failed: int = 0

    @property
    def message(self) -> str:
        return f"{'passed' if self.passed else 'FAILED'} gate {self.name}: {self.detail}"


@dataclass(frozen=True)
class Quarantined:
    """Survey rows set aside by one expectation, with its value-free note (an id pattern)."""

    expectation: str
    rows: int
    note: str = ""


def check_gates(
    current: WaveVitals,
    previous: WaveVitals | None,
    config: GateConfig,
    survey_rows: int,
    quarantined_rows: int,
    reasons: Sequence[Quarantined],
    relation: str,
    strong_threshold: int,
) -> list[GateResult]:
    """Every gate that applies to ``current`` (the comparisons need a ``previous`` loaded wave).
    ``quarantined_rows`` counts rows once however many expectations set them aside; ``reasons``
    break them down by expectation."""
    results = [_quarantine_gate(current, config, survey_rows, quarantined_rows, reasons)]
    if config.require_strong_ties:
        results.append(_ties_gate(current, relation, strong_threshold, survey_rows))
    if previous is not None:
        results += [
            gate
            for gate in (
                _population_gate(current, previous, config),
                _response_gate(current, previous, config, survey_rows),
                _arcs_gate(current, previous, config, survey_rows),
            )
            if gate is not None
        ]
    return results


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def _quarantine_gate(
    current: WaveVitals, config: GateConfig, rows: int, total: int, reasons: Sequence[Quarantined]
) -> GateResult:
    share = total / rows if rows else 0.0
    passed = share <= config.max_quarantined_share or total < config.min_quarantined_rows
    why = "; ".join(f"{q.rows:,} by {q.expectation}" + (f" ({q.note})" if q.note else "") for q in reasons if q.rows)
    detail = (
        f"{current.wave}: {total:,} of {rows:,} survey rows ({_pct(share)}) were quarantined"
        + (f": {why}" if why else "")
        + f"; the gate allows {_pct(config.max_quarantined_share)} (from {config.min_quarantined_rows} rows)"
    )
    if not passed:
        detail += (
            ". Check that the survey and the HR export are of the same wave and use the same employee ids "
            f"(raw.quarantine lists the rows). To accept the wave, raise max_quarantined_share ({SETTINGS})"
        )
    return GateResult("wave.quarantined_share", "ona_survey", passed, detail, rows, 0 if passed else total)


def _ties_gate(current: WaveVitals, relation: str, threshold: int, rows: int) -> GateResult:
    passed = current.arcs > 0
    detail = f"{current.wave}: {current.arcs:,} strong {relation} arcs among {current.population:,} people"
    if not passed:
        seen = ", ".join(f"{name} {n:,} rows" for name, n in sorted(current.relation_rows.items())) or "no rows"
        detail += (
            f". The network of this wave would be empty. Check the relation column (primary relation {relation!r}; "
            f"the loaded rows have: {seen}) and the strength scale (strong = {threshold} or more; the highest "
            f"strength given is {current.max_strength if current.max_strength is not None else 'none'})"
        )
    return GateResult("wave.has_strong_ties", "ona_survey", passed, detail, rows, 0)


def _population_gate(current: WaveVitals, previous: WaveVitals, config: GateConfig) -> GateResult | None:
    if config.max_population_change < 0 or not previous.population:
        return None
    change = (current.population - previous.population) / previous.population
    passed = abs(change) <= config.max_population_change
    detail = (
        f"{current.wave}: population {current.population:,} against {previous.population:,} in {previous.wave} "
        f"(the previous loaded wave): {'+' if change >= 0 else ''}{_pct(change)}; the gate allows "
        f"±{_pct(config.max_population_change)}"
    )
    if not passed:
        detail += (
            ". Check that the HR export covers the whole organisation (not one country, a filtered view or "
            f"another company) and is of this wave. If the change is real, raise max_population_change ({SETTINGS})"
        )
    return GateResult("wave.population_change", "hr_export", passed, detail, current.population, 0)


def _response_gate(current: WaveVitals, previous: WaveVitals, config: GateConfig, rows: int) -> GateResult | None:
    before = previous.response_rate
    if config.min_response_rate_ratio <= 0 or not before:
        return None
    now = current.response_rate or 0.0
    passed = now >= config.min_response_rate_ratio * before
    detail = (
        f"{current.wave}: response rate {_pct(now)} against {_pct(before)} in {previous.wave}; the gate needs at "
        f"least {config.min_response_rate_ratio:g} times the previous rate"
    )
    if not passed:
        detail += (
            ". Check that the survey export is complete (every respondent, every page of the questionnaire), "
            "that respondent ids match the HR export, and the HR export's invited_to_survey column. "
            f"If the drop is real, lower min_response_rate_ratio ({SETTINGS})"
        )
    return GateResult("wave.response_rate_vs_previous", "ona_survey", passed, detail, rows, 0)


def _arcs_gate(current: WaveVitals, previous: WaveVitals, config: GateConfig, rows: int) -> GateResult | None:
    if config.min_arcs_ratio <= 0 or not previous.arcs:
        return None
    passed = current.arcs >= config.min_arcs_ratio * previous.arcs
    detail = (
        f"{current.wave}: {current.arcs:,} strong arcs against {previous.arcs:,} in {previous.wave}; the gate needs "
        f"at least {config.min_arcs_ratio:g} times the previous count"
    )
    if not passed:
        detail += (
            ". Check that the survey export is complete, that its ids match the HR export, and that the strength "
            f"scale did not change (e.g. 1-3 instead of 1-5). If the drop is real, lower min_arcs_ratio ({SETTINGS})"
        )
    return GateResult("wave.arcs_vs_previous", "ona_survey", passed, detail, rows, 0)


def quarantine_reasons(findings: Sequence[Finding], quarantining: Collection[str] | None = None) -> list[Quarantined]:
    """The survey's quarantining findings (repairs quarantine nothing) as gate reasons; with
    ``quarantining`` (ValidationReport.quarantined_by), only those that set rows aside (a blank
    strength a setting loads is counted, not quarantined)."""
    return [
        Quarantined(f.expectation, f.rows_failed, f.note)
        for f in findings
        if f.severity is Severity.WARNING and not REGISTRY[f.expectation].repairs
        and (quarantining is None or f.expectation in quarantining)
    ]
