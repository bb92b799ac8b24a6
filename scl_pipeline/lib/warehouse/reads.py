"""The warehouse reads the assets make, one function each (parameters bound, never pasted)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from scl_pipeline.lib.warehouse.tables import table_exists

# The person attributes a wave's graph carries on its nodes (network.nodes).
NODE_ATTRIBUTES: tuple[str, ...] = ("employee_id", "country", "department", "level", "site")


@dataclass(frozen=True)
class StagedWave:
    """What the graph of a wave is built from: ``staging.hr``, ``staging.ties`` and who answered."""

    nodes: pd.DataFrame
    ties: pd.DataFrame
    respondent_ids: pd.Series


def staged_wave(con: duckdb.DuckDBPyConnection, wave: str) -> StagedWave:
    """The wave's population (ordered by employee_id), its staged ties of every relation with
    ``is_strong`` as staging decided it, and the population members who answered the survey."""
    params = {"wave": wave}
    nodes = con.execute(
        f"SELECT {', '.join(NODE_ATTRIBUTES)} FROM staging.hr WHERE wave = $wave ORDER BY employee_id", params
    ).df()
    ties = con.execute(
        "SELECT respondent_id, nominee_id, relation, strength, is_strong FROM staging.ties WHERE wave = $wave",
        params,
    ).df()
    ties["strength"] = pd.array(ties["strength"], dtype="Int64")
    ties["is_strong"] = ties["is_strong"].astype(bool)
    respondents = con.execute(
        "SELECT DISTINCT s.respondent_id FROM raw.ona_survey AS s "
        "JOIN staging.hr AS h ON h.wave = s.wave AND h.employee_id = s.respondent_id WHERE s.wave = $wave",
        params,
    ).df()["respondent_id"]
    return StagedWave(nodes, ties, respondents)


ROSTER_COLUMNS: tuple[str, ...] = ("employee_id", "cohort", "start_date", "end_date", "completed")


def program_roster(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The loaded roster (ROSTER_COLUMNS, ordered by employee_id); empty when none has been loaded."""
    if not table_exists(con, "raw.participants"):
        return pd.DataFrame(columns=list(ROSTER_COLUMNS))
    return con.execute(f"SELECT {', '.join(ROSTER_COLUMNS)} FROM raw.participants ORDER BY employee_id").df()


def person_metric_waves(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The waves ``marts.person_wave_metrics`` holds (sorted): the waves the impact marts compare."""
    if not table_exists(con, "marts.person_wave_metrics"):
        return []
    return [row[0] for row in con.execute("SELECT DISTINCT wave FROM marts.person_wave_metrics ORDER BY wave").fetchall()]


def person_metrics_of(con: duckdb.DuckDBPyConnection, waves: list[str], columns: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """``marts.person_wave_metrics`` rows of ``waves`` (wave -> frame of ``wave`` and ``columns``):
    only what a cross-wave mart needs, so nine waves of a large organisation stay small."""
    selected = ", ".join(f'"{c}"' for c in dict.fromkeys(("wave", *columns)))  # "constraint" is a keyword
    frame = con.execute(
        f"SELECT {selected} FROM marts.person_wave_metrics WHERE list_contains($waves, wave) ORDER BY wave, employee_id",
        {"waves": list(waves)},
    ).df()
    return {wave: frame[frame["wave"] == wave].reset_index(drop=True) for wave in waves}


EXPERIMENT_TABLES: dict[str, tuple[str, ...]] = {
    "raw.experiment_assignment": ("experiment_id", "employee_id", "group", "source_row"),
    "raw.experiment_interactions": (
        "experiment_id", "asker_id", "responder_id", "asked_at", "answered_at", "question_id", "source_row",
    ),
}


def experiment_log(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(assignment, interactions) of every loaded experiment; empty frames when none has landed."""
    frames = []
    for table, columns in EXPERIMENT_TABLES.items():
        if table_exists(con, table):
            quoted = ", ".join(f'"{c}"' for c in columns)
            frames.append(con.execute(f"SELECT {quoted} FROM {table} ORDER BY experiment_id, source_row").df())
        else:
            frames.append(pd.DataFrame(columns=list(columns)))
    return frames[0], frames[1]


def known_employee_ids(con: duckdb.DuckDBPyConnection) -> frozenset[str] | None:
    """Everyone in any loaded HR export; None before the first wave is loaded (nothing to check against)."""
    if not table_exists(con, "raw.hr_export"):
        return None
    ids = con.execute("SELECT DISTINCT employee_id FROM raw.hr_export").fetchall()
    return frozenset(row[0] for row in ids) or None


def previous_loaded_wave(con: duckdb.DuckDBPyConnection, wave: str) -> str | None:
    """The latest wave before ``wave`` whose HR export is loaded (wave names sort in time order)."""
    if not table_exists(con, "raw.hr_export"):
        return None
    return con.execute("SELECT max(wave) FROM raw.hr_export WHERE wave < $wave", {"wave": wave}).fetchall()[0][0]


def raw_wave_people(con: duckdb.DuckDBPyConnection, wave: str) -> pd.DataFrame:
    """The loaded HR export of a wave, every column (its rows are the wave's population)."""
    return con.execute("SELECT * FROM raw.hr_export WHERE wave = $wave", {"wave": wave}).df()


def raw_wave_survey(con: duckdb.DuckDBPyConnection, wave: str) -> pd.DataFrame:
    """The loaded survey rows of a wave that its ties are staged from: respondent_id,
    nominee_id, relation, strength (Int64)."""
    survey = con.execute(
        "SELECT respondent_id, nominee_id, relation, strength FROM raw.ona_survey WHERE wave = $wave", {"wave": wave}
    ).df()
    survey["strength"] = pd.array(survey["strength"], dtype="Int64")
    return survey


def staged_wave_vitals(con: duckdb.DuckDBPyConnection, wave: str) -> dict[str, object] | None:
    """The row ``staging.wave_vitals`` holds for ``wave`` (its counts, the settings and the raw
    load time they were computed from); None when staging has not counted the wave."""
    if not table_exists(con, "staging.wave_vitals"):
        return None
    rows = con.execute("SELECT * FROM staging.wave_vitals WHERE wave = $wave", {"wave": wave}).df()
    return rows.iloc[0].to_dict() if len(rows) else None


def quarantined_per_file(con: duckdb.DuckDBPyConnection, run_ids: list[str]) -> list[tuple[str, int]]:
    """(file, rows) set aside in ``raw.quarantine`` by the runs ``run_ids``, by file; a row that
    failed several expectations counts once."""
    if not table_exists(con, "raw.quarantine"):
        return []
    return con.execute(
        "SELECT file, count(DISTINCT source_row) FROM raw.quarantine WHERE list_contains($runs, run_id) "
        "GROUP BY file ORDER BY file",
        {"runs": list(run_ids)},
    ).fetchall()


def wave_summary(con: duckdb.DuckDBPyConnection) -> pd.DataFrame | None:
    """``marts.wave_summary`` ordered by wave; None before any wave reached the marts."""
    if not table_exists(con, "marts.wave_summary"):
        return None
    return con.execute("SELECT * FROM marts.wave_summary ORDER BY wave").df()


def snapshot_waves(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The waves whose graph snapshot has been built (``network.snapshots``), sorted."""
    if not table_exists(con, "network.snapshots"):
        return []
    return [row[0] for row in con.execute("SELECT DISTINCT wave FROM network.snapshots ORDER BY wave").fetchall()]


def person_betweenness(con: duckdb.DuckDBPyConnection, wave: str) -> pd.Series:
    """The person metrics' betweenness of ``wave`` (SPEC §2, organisation graph U), indexed by
    employee_id; empty when the wave's person metrics have not been built."""
    if not table_exists(con, "marts.person_wave_metrics"):
        return pd.Series(dtype="float64", name="betweenness")
    rows = con.execute(
        "SELECT employee_id, betweenness FROM marts.person_wave_metrics WHERE wave = $wave", {"wave": wave}
    ).df()
    return rows.set_index("employee_id")["betweenness"].astype("float64")


def bridge_criticality_rows(con: duckdb.DuckDBPyConnection, wave: str) -> pd.DataFrame | None:
    """``marts.bridge_criticality`` rows of ``wave`` (every scope); None before the table exists."""
    if not table_exists(con, "marts.bridge_criticality"):
        return None
    return con.execute(
        "SELECT * FROM marts.bridge_criticality WHERE wave = $wave ORDER BY scope, rank", {"wave": wave}
    ).df()


def wave_rows(
    con: duckdb.DuckDBPyConnection, table: str, waves: list[str], columns: tuple[str, ...] | None = None,
    participants_only: bool = False,
) -> pd.DataFrame | None:
    """Rows of ``waves`` from ``table`` (a constant of the caller, never user input), ``columns``
    (default all), only program participants' rows when asked (``participant`` column); None
    before the table exists."""
    if not table_exists(con, table):
        return None
    selected = ", ".join(f'"{c}"' for c in columns) if columns else "*"
    where = "list_contains($waves, wave)" + (" AND participant" if participants_only else "")
    return con.execute(f"SELECT {selected} FROM {table} WHERE {where} ORDER BY ALL", {"waves": list(waves)}).df()


def whole_table(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame | None:
    """Every row of ``table`` (a cross-wave mart: small), in a fixed order; None before it exists."""
    if not table_exists(con, table):
        return None
    return con.execute(f"SELECT * FROM {table} ORDER BY ALL").df()
