"""A dry run of a wave's ingestion (``scl check``): its landing files read, matched, validated
and gated exactly as a run's ``raw/hr_export`` / ``raw/ona_survey`` step would, nothing written.

The same functions as the ingestion asset: :func:`.discovery.open_wave_hr`,
:func:`.discovery.open_wave_survey`, :func:`.survey_stream.validate_wave_streamed`,
:func:`.survey_input.with_layout_checks`, :func:`.gates.check_gates`. The gates compare with the
wave a run would compare with: the previous wave of the same check that would load, else the
previous wave loaded in the warehouse (opened read-only), if any.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from scl_pipeline.lib.ingestion.coerce import CoercionError, coerce_frame
from scl_pipeline.lib.contract import HR_EXPORT
from scl_pipeline.lib.ingestion.discovery import landing_aliases, open_wave_hr, open_wave_survey
from scl_pipeline.lib.ingestion.errors import LandingFileError
from scl_pipeline.lib.ingestion.gates import GateConfig, GateResult, WaveVitals, check_gates, quarantine_reasons, wave_vitals
from scl_pipeline.lib.ingestion.roster_presence import RosterPresence, roster_gate, roster_presence
from scl_pipeline.lib.ingestion.settings import IngestionConfig
from scl_pipeline.lib.ingestion.survey_input import SurveySummary, with_layout_checks
from scl_pipeline.lib.ingestion.survey_stream import validate_wave_streamed
from scl_pipeline.lib.ingestion.validation.records import landing_relative
from scl_pipeline.lib.ingestion.values import MatchOptions
from scl_pipeline.lib.lake import DataLake
from scl_pipeline.lib.warehouse.connection import WarehouseLockedError


@dataclass
class WaveCheck:
    """What a run would do with one wave's files."""

    wave: str
    would_load: bool
    problem: str | None = None  # a file that cannot be read or typed
    survey: SurveySummary | None = None
    survey_file: str = ""
    hr_rows: int = 0
    survey_rows: int = 0  # nominations validated (a long file: its rows)
    loaded_rows: int = 0  # nominations a run would load
    quarantined: dict[str, int] = field(default_factory=dict)  # rows per expectation
    errors: list[str] = field(default_factory=list)  # ERROR findings' messages
    gates: list[GateResult] = field(default_factory=list)
    presence: RosterPresence | None = None  # roster participants in this wave's population
    roster: list[str] = field(default_factory=list, repr=False)
    vitals: WaveVitals | None = None

    def lines(self) -> list[str]:
        """The wave's part of ``scl check``'s output (counts, columns, rows: no person's value)."""
        verdict = "would load" if self.would_load else "would be REJECTED (the warehouse would keep its rows)"
        out = [f"{self.wave}: {verdict}"]
        if self.problem:
            return out + [f"  {self.problem}"]
        out.append(f"  hr_export: {self.hr_rows:,} people")
        out.append(f"  {self.survey_file}:")
        out += [f"    {line}" for line in (self.survey.lines() if self.survey else [])]
        out.append(f"    rows validated: {self.survey_rows:,}; a run would load {self.loaded_rows:,}")
        if self.quarantined:
            out.append(f"    a run would quarantine {sum(self.quarantined.values()):,} row(s) (raw.quarantine):")
            out += [f"      {name}: {rows:,}" for name, rows in sorted(self.quarantined.items())]
        else:
            out.append("    a run would quarantine nothing")
        out += [f"  {message}" for message in self.errors]
        out += [f"  gate failed: {gate.message}" for gate in self.gates if not gate.passed]
        return out


def check_wave(
    lake: DataLake,
    wave: str,
    ingestion: IngestionConfig,
    gate_config: GateConfig,
    relation: str,
    strong_threshold: int,
    previous: WaveVitals | None,
    roster: list[str] | None = None,
    previous_presence: RosterPresence | None = None,
) -> WaveCheck:
    """Read, match, validate and gate ``wave`` as a run would; write nothing. ``roster``: the
    loaded program roster's ids, for the roster-presence gate against ``previous_presence``."""
    allow = ingestion.allow_outside_links
    try:
        aliases = landing_aliases(lake, allow)
        options = MatchOptions(
            case_insensitive_ids=ingestion.case_insensitive_ids, country_aliases=aliases.countries,
            blanks=ingestion.blanks(strong_threshold, relation),
        )
        hr_file = open_wave_hr(lake, wave, allow)
        hr = hr_file.read()
        read = open_wave_survey(lake, wave, hr_file, hr.frame, allow)
        streamed = validate_wave_streamed(hr.frame, read.source, wave, options, ingestion.chunk_rows)
    except (LandingFileError, CoercionError) as exc:
        return WaveCheck(wave=wave, would_load=False, problem=str(exc))
    validation = with_layout_checks(streamed.validation, read)
    survey = validation.survey
    check = WaveCheck(
        wave=wave, would_load=validation.passed, survey=read.summary, survey_file=landing_relative(str(read.source.path)),
        hr_rows=validation.hr.rows, survey_rows=survey.rows,
        quarantined=dict(Counter(e for q in survey.quarantine["expectation"] for e in str(q).split("; "))),
        errors=[f.message for f in validation.findings if f.severity.value == "ERROR"],
    )
    if not validation.passed or streamed.typed_survey is None:
        return check
    try:
        typed_hr = coerce_frame(validation.hr.clean, HR_EXPORT, options)
    except CoercionError as exc:
        check.would_load, check.problem = False, str(exc)
        return check
    check.loaded_rows = len(streamed.typed_survey)
    check.vitals = wave_vitals(wave, typed_hr, streamed.typed_survey, relation, strong_threshold)
    reasons = quarantine_reasons(survey.findings, survey.quarantined_by())
    check.gates = check_gates(
        check.vitals, previous, gate_config, survey.rows, len(survey.quarantine), reasons, relation, strong_threshold,
    )
    if roster:
        check.presence = roster_presence(wave, typed_hr["employee_id"], roster)
        check.gates.append(roster_gate(check.presence, previous_presence, gate_config))
    check.would_load = all(g.passed for g in check.gates)
    return check


def check_waves(
    lake: DataLake,
    waves: list[str],
    ingestion: IngestionConfig,
    gate_config: GateConfig,
    relation: str,
    strong_threshold: int,
) -> list[WaveCheck]:
    """Every wave of ``waves`` (in order) checked, each against the wave a run would compare it with."""
    checks: list[WaveCheck] = []
    last: WaveVitals | None = None
    last_presence: RosterPresence | None = None
    for wave in waves:
        try:
            loaded = None if last is not None else loaded_previous(lake, wave, relation, strong_threshold)
        except WarehouseLockedError as exc:
            checks.append(WaveCheck(wave=wave, would_load=False, problem=f"not checked against the previous wave: {exc}"))
            continue
        previous = last if last is not None else loaded.vitals if loaded else None
        presence = last_presence if last is not None else loaded.presence if loaded else None
        roster = loaded.roster if loaded else roster_so_far(checks)
        check = check_wave(lake, wave, ingestion, gate_config, relation, strong_threshold, previous, roster, presence)
        check.roster = roster
        if check.would_load:
            last, last_presence = check.vitals, check.presence
        checks.append(check)
    return checks


def roster_so_far(checks: list[WaveCheck]) -> list[str]:
    """The roster the first check read from the warehouse (every later wave uses the same)."""
    return checks[0].roster if checks else []


@dataclass
class LoadedPrevious:
    """What the warehouse says a wave is compared with: the previous loaded wave's vitals, the
    roster, and the roster's presence in that wave."""

    vitals: WaveVitals | None
    roster: list[str]
    presence: RosterPresence | None


def loaded_previous(lake: DataLake, wave: str, relation: str, strong_threshold: int) -> LoadedPrevious | None:
    """The latest wave before ``wave`` loaded in the warehouse (read-only) and the loaded roster,
    if the warehouse exists."""
    from scl_pipeline.lib.warehouse.connection import connect
    from scl_pipeline.lib.warehouse.reads import previous_loaded_wave, program_roster, raw_wave_rows

    if not lake.warehouse_path.exists():
        return None
    with connect(lake.warehouse_path, read_only=True) as con:  # WarehouseLockedError: a run is writing
        roster = program_roster(con)["employee_id"].tolist()
        prior = previous_loaded_wave(con, wave)
        if prior is None:
            return LoadedPrevious(None, roster, None)
        prior_hr, prior_survey = raw_wave_rows(con, prior)
        presence = roster_presence(prior, prior_hr["employee_id"], roster) if roster else None
        return LoadedPrevious(wave_vitals(prior, prior_hr, prior_survey, relation, strong_threshold), roster, presence)
