"""A person's attributes must not undo small-group suppression: rare values are withheld."""

import duckdb

from scl_pipeline.lib.serving.catalog import person
from scl_pipeline.lib.serving.privacy import PseudonymKey
from scl_pipeline.lib.serving.publish import publish_serving

KEY = PseudonymKey("a-test-key-of-enough-length-123")


def _warehouse(path):
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA marts")
    rows = [(f"E{i}", "2021-Q1", "CH" if i < 6 else "BR", "R&D" if i < 7 else "Legal", 1.0) for i in range(8)]
    rows += [(f"E{i}", "2021-Q2", "CH", "R&D", 2.0) for i in range(8)]
    con.execute("CREATE TABLE raw.hr_export (employee_id VARCHAR)")
    con.executemany("INSERT INTO raw.hr_export VALUES (?)", [(r[0],) for r in rows[:8]])
    con.execute(
        "CREATE TABLE marts.person_wave_metrics (employee_id VARCHAR, wave VARCHAR, country VARCHAR, "
        "department VARCHAR, betweenness DOUBLE)"
    )
    con.executemany("INSERT INTO marts.person_wave_metrics VALUES (?, ?, ?, ?, ?)", rows)
    con.execute(
        "CREATE TABLE marts.country_mixing AS SELECT '2021-Q1' AS wave, 'CH' AS country, 'BR' AS other_country, "
        "3 AS arcs, 0.5 AS row_share, 2 AS smaller_country_people"
    )
    con.close()


def test_rare_country_and_department_are_withheld_per_wave(tmp_path):
    _warehouse(tmp_path / "wh.duckdb")
    publish_serving(tmp_path / "wh.duckdb", tmp_path / "serving", KEY)
    with duckdb.connect(str(tmp_path / "serving" / "scl.duckdb"), read_only=True) as con:
        q1 = con.execute(
            "SELECT country, department, suppressed, count(*) FROM marts.person_wave_metrics "
            "WHERE wave = '2021-Q1' GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        q2 = con.execute("SELECT DISTINCT country, suppressed FROM marts.person_wave_metrics WHERE wave = '2021-Q2'").fetchall()
        mixing = con.execute("SELECT arcs, suppressed FROM marts.country_mixing").fetchall()
    # 2021-Q1: CH has 6 people (kept), BR 2 (withheld); R&D 7 (kept), Legal 1 (withheld).
    assert q1 == [("CH", "R&D", False, 6), (None, "R&D", True, 1), (None, None, True, 1)]
    assert q2 == [("CH", False)]
    # Counting people per country in the person table can no longer reveal a suppressed group.
    assert mixing == [(None, True)]


def test_a_person_on_several_rows_counts_once(tmp_path):
    # bridge_criticality has a row per scope: three LU people who are single bridges in both
    # scopes fill six rows, but LU is still a country of three people and stays withheld.
    path = tmp_path / "wh.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA marts; CREATE TABLE raw.hr_export (employee_id VARCHAR)")
    people = [(f"E{i}", "LU" if i < 3 else "DE") for i in range(8)]
    con.executemany("INSERT INTO raw.hr_export VALUES (?)", [(p,) for p, _ in people])
    con.execute("CREATE TABLE marts.bridge_criticality (wave VARCHAR, scope VARCHAR, employee_id VARCHAR, "
                "country VARCHAR, people_cut_off BIGINT)")
    rows = [("2021-Q1", scope, p, c, 1) for p, c in people for scope in ("organisation", "participants")]
    con.executemany("INSERT INTO marts.bridge_criticality VALUES (?, ?, ?, ?, ?)", rows)
    con.close()
    registry = {"bridge_criticality": person("bridge_criticality", "wave", "scope", "employee_id", quasi=("country",))}
    publish_serving(path, tmp_path / "serving", KEY, registry=registry)
    with duckdb.connect(str(tmp_path / "serving" / "scl.duckdb"), read_only=True) as con:
        got = con.execute("SELECT country, suppressed, count(*) FROM marts.bridge_criticality GROUP BY ALL ORDER BY ALL").fetchall()
    assert got == [("DE", False, 10), (None, True, 6)]
