"""Survey rows staged by the project's own staging SQL, for tests of the network library.

The tie rules of SPEC §2 (one row per tie with the highest strength, no self-nominations, both
ends in the population, ``is_strong``) live only in ``dbt_like_sql/staging/ties.sql``; tests that
build graphs from hand-made ties run that model on an in-memory DuckDB instead of restating it.
"""

from __future__ import annotations

from functools import cache

import duckdb
import pandas as pd

from scl_pipeline.defs.sql_models import SQL_ROOT
from scl_pipeline.lib.warehouse.sql_models import SqlModel, load_models, run_model

WAVE = "2021-Q1"


@cache
def _ties_model() -> SqlModel:
    return load_models(SQL_ROOT)["staging.ties"]


def stage_ties(nodes: pd.DataFrame, survey: pd.DataFrame, strong_threshold: int = 4) -> pd.DataFrame:
    """``staging.ties`` of ``survey`` (respondent_id, nominee_id, relation, strength) over the
    population ``nodes``: respondent_id, nominee_id, relation, strength (Int64), is_strong."""
    with duckdb.connect() as con:
        con.execute("CREATE SCHEMA raw; CREATE SCHEMA staging")
        population = pd.DataFrame({"wave": WAVE, "employee_id": nodes["employee_id"].astype(str)})
        answers = pd.DataFrame({
            "wave": WAVE,
            "respondent_id": survey["respondent_id"].astype(str),
            "nominee_id": survey["nominee_id"].astype(str),
            "relation": survey["relation"].astype(object) if "relation" in survey else None,
            "strength": pd.array(survey["strength"], dtype="Int64"),
        })
        con.register("_population", population)
        con.register("_answers", answers)
        con.execute("CREATE TABLE staging.hr AS SELECT * FROM _population")
        con.execute("CREATE TABLE raw.ona_survey AS SELECT * FROM _answers")
        run_model(con, _ties_model(), {"wave": WAVE, "strong_threshold": strong_threshold})
        ties = con.execute(
            "SELECT respondent_id, nominee_id, relation, strength, is_strong FROM staging.ties "
            "ORDER BY respondent_id, nominee_id, relation"
        ).df()
    ties["strength"] = pd.array(ties["strength"], dtype="Int64")
    ties["is_strong"] = ties["is_strong"].astype(bool)
    return ties
