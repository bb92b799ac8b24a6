"""A dry run of a wave's ingestion (``scl check``): its landing files read, matched, validated
and gated exactly as a run's ``raw/hr_export`` / ``raw/ona_survey`` step would, nothing written.

The same sequence as the ingestion asset, one function: :func:`.wave_intake.intake_wave`. The
gates compare with the wave a run would compare with: the previous wave of the same check that
would load, else the previous wave loaded in the warehouse (opened read-only), if any.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from scl_pipeline.lib.ingestion.coerce import CoercionError
from scl_pipeline.lib.ingestion.errors import LandingFileError
from scl_pipeline.lib.ingestion.gates import GateConfig, GateResult
from scl_pipeline.lib.ingestion.roster_presence import RosterPresence
from scl_pipeline.lib.ingestion.settings import IngestionConfig
from scl_pipeline.lib.ingestion.survey_read import SurveySummary
from scl_pipeline.lib.ingestion.validation.records import landing_relative
from scl_pipeline.lib.ingestion.vitals import WaveVitals
from scl_pipeline.lib.ingestion.wave_intake import PreviousWave, intake_wave, previous_in_warehouse
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
    previous: PreviousWave | None,
) -> WaveCheck:
    """Read, match, validate and gate ``wave`` as a run would (:func:`.wave_intake.intake_wave`);
    write nothing. ``previous``: what the wave is compared with (the roster included)."""
    try:
        intake = intake_wave(lake, wave, ingestion, gate_config, relation, strong_threshold, lambda: previous)
    except (LandingFileError, CoercionError) as exc:
        return WaveCheck(wave=wave, would_load=False, problem=str(exc))
    validation = intake.validation
    survey = validation.survey
    return WaveCheck(
        wave=wave, would_load=intake.accepted, survey=intake.survey.summary,
        survey_file=landing_relative(str(intake.survey.source.path)),
        hr_rows=validation.hr.rows, survey_rows=survey.rows,
        loaded_rows=len(intake.typed_survey) if intake.typed_hr is not None else 0,
        quarantined=dict(Counter(e for q in survey.quarantine["expectation"] for e in str(q).split("; "))),
        errors=[f.message for f in validation.findings if f.severity.value == "ERROR"],
        gates=intake.gates, presence=intake.presence, vitals=intake.vitals,
    )


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
    last: PreviousWave | None = None  # the last check that would load, once there is one
    for wave in waves:
        try:
            previous = last or loaded_previous(lake, wave, relation, strong_threshold)
        except WarehouseLockedError as exc:
            checks.append(WaveCheck(wave=wave, would_load=False, problem=f"not checked against the previous wave: {exc}"))
            continue
        if previous is None:  # no warehouse: no previous wave, the roster the first check read (none)
            previous = PreviousWave(None, roster_so_far(checks), None)
        check = check_wave(lake, wave, ingestion, gate_config, relation, strong_threshold, previous)
        check.roster = previous.roster
        if check.would_load:
            last = PreviousWave(check.vitals, previous.roster, check.presence)
        checks.append(check)
    return checks


def roster_so_far(checks: list[WaveCheck]) -> list[str]:
    """The roster the first check read from the warehouse (every later wave uses the same)."""
    return checks[0].roster if checks else []


def loaded_previous(lake: DataLake, wave: str, relation: str, strong_threshold: int) -> PreviousWave | None:
    """The latest wave before ``wave`` loaded in the warehouse (read-only) and the loaded roster,
    if the warehouse exists."""
    from scl_pipeline.lib.warehouse.connection import connect

    if not lake.warehouse_path.exists():
        return None
    with connect(lake.warehouse_path, read_only=True) as con:  # WarehouseLockedError: a run is writing
        return previous_in_warehouse(con, wave, relation, strong_threshold)
