"""The vital counts of a wave the sanity gates compare (population, invited, respondents, strong
arcs), counted by the staging SQL itself.

The rules (who is in the population, which tie is strong, who counts as a respondent) live only
in ``dbt_like_sql/staging/`` (``hr.sql``, ``ties.sql``, ``wave_vitals.sql``). A candidate wave
has no warehouse rows yet, so :func:`wave_vitals` runs those models on its typed rows in an
in-memory DuckDB; the previous wave's counts are the row ``staging.wave_vitals`` already holds
(:func:`staged_vitals`), the same models run on its loaded rows only when staging has not seen
them yet (loaded by the ingestion assets alone, or staged under other network settings).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from scl_pipeline.lib.contract import HR_EXPORT, LOADED_AT, ONA_SURVEY, FileSpec
from scl_pipeline.lib.warehouse.reads import raw_wave_people, raw_wave_survey, staged_wave_vitals
from scl_pipeline.lib.warehouse.sql_models import project_models, run_model

# The models a wave's vital counts come from, in the order they build on each other.
VITALS_MODELS: tuple[str, ...] = ("staging.hr", "staging.ties", "staging.wave_vitals")
COUNTS: tuple[str, ...] = ("population", "invited", "respondents", "invited_respondents", "arcs")


@dataclass(frozen=True)
class WaveVitals:
    """The counts of a wave the gates look at (``staging.wave_vitals``), with what the no-strong-tie
    gate's message names (survey rows per relation label, the highest strength given)."""

    wave: str
    population: int
    invited: int
    respondents: int
    invited_respondents: int
    arcs: int
    relation_rows: dict[str, int] = field(default_factory=dict)  # survey rows per relation
    max_strength: int | None = None

    @property
    def response_rate(self) -> float | None:
        return self.invited_respondents / self.invited if self.invited else None


def wave_vitals(wave: str, hr: pd.DataFrame, survey: pd.DataFrame, relation: str, strong_threshold: int) -> WaveVitals:
    """Vital counts of typed rows (``raw.hr_export`` / ``raw.ona_survey`` columns; absent
    optional columns are blank), by the staging models run on them in memory."""
    parameters = {"wave": wave, "primary_relation": relation, "strong_threshold": strong_threshold}
    with duckdb.connect() as con:
        con.execute("CREATE SCHEMA raw; CREATE SCHEMA staging")
        con.register("_wave", pd.DataFrame({"wave": [wave]}))
        # Views over the frames: a survey of millions of rows is read in place, not copied.
        for name, spec, frame in (("_hr", HR_EXPORT, hr), ("_survey", ONA_SURVEY, survey)):
            con.register(name, frame)
            con.execute(f"CREATE VIEW {spec.table} AS SELECT {_typed_columns(spec, frame)} FROM {name} CROSS JOIN _wave")
        models = project_models()
        for model in VITALS_MODELS:
            run_model(con, models[model], parameters)
        counts = con.execute(f"SELECT {', '.join(COUNTS)} FROM staging.wave_vitals").fetchone()
        relation_rows = con.execute(
            "SELECT relation, count(*) FROM raw.ona_survey WHERE relation IS NOT NULL GROUP BY relation"
        ).fetchall()
        max_strength = con.execute("SELECT max(strength) FROM raw.ona_survey WHERE respondent_id <> nominee_id").fetchone()[0]
    return WaveVitals(
        wave, *(int(n) for n in counts),
        relation_rows={str(label): int(n) for label, n in relation_rows},
        max_strength=None if max_strength is None else int(max_strength),
    )


def _typed_columns(spec: FileSpec, frame: pd.DataFrame) -> str:
    """The raw table's select list over ``frame``: each contract column in its warehouse type
    (blank when the frame lacks it), the wave, and no load time (the rows are not loaded)."""
    columns = [f'CAST({_quoted(c) if c in frame.columns else "NULL"} AS {spec.types[c]}) AS {_quoted(c)}' for c in spec.columns]
    return ", ".join([*columns, "_wave.wave", f"CAST(NULL AS TIMESTAMP) AS {LOADED_AT}"])


def _quoted(column: str) -> str:
    return f'"{column}"'


def previous_vitals(
    con: duckdb.DuckDBPyConnection, wave: str, relation: str, strong_threshold: int
) -> tuple[WaveVitals, pd.Series]:
    """The vitals of the loaded wave ``wave`` and its population's ids: the row staging computed
    when it is of the rows loaded now and of these settings, else the staging models run on the
    loaded rows."""
    hr = raw_wave_people(con, wave)
    staged = staged_wave_vitals(con, wave)
    loaded_at = hr[LOADED_AT].max() if len(hr) else None
    if (
        staged is not None
        and staged["loaded_at"] == loaded_at
        and staged["primary_relation"] == relation
        and staged["strong_threshold"] == strong_threshold
    ):
        return WaveVitals(wave, *(int(staged[c]) for c in COUNTS)), hr["employee_id"]
    return wave_vitals(wave, hr, raw_wave_survey(con, wave), relation, strong_threshold), hr["employee_id"]
