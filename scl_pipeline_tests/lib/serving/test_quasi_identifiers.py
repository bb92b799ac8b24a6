"""A person's attributes must not undo small-group suppression: rare values are withheld."""

import duckdb

from scl_pipeline.lib.serving.catalog import person
from scl_pipeline.lib.serving.pseudonyms import PseudonymKey
from scl_pipeline.lib.serving.publish import publish_serving

KEY = PseudonymKey("a-test-key-of-enough-length-123")


def _warehouse(path):
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA marts")
    # 2021-Q1: countries CH 7, DE 5, BR 2; departments R&D 8, Sales 5, Legal 1. 2021-Q2: all CH, R&D.
    q1 = [
        (f"E{i}", "2021-Q1", "CH" if i < 7 else "DE" if i < 12 else "BR",
         "R&D" if i < 8 else "Sales" if i < 13 else "Legal", 1.0)
        for i in range(14)
    ]
    rows = q1 + [(f"E{i}", "2021-Q2", "CH", "R&D", 2.0) for i in range(14)]
    con.execute("CREATE TABLE raw.hr_export (employee_id VARCHAR)")
    con.executemany("INSERT INTO raw.hr_export VALUES (?)", [(r[0],) for r in q1])
    con.execute(
        "CREATE TABLE marts.person_wave_metrics (employee_id VARCHAR, wave VARCHAR, country VARCHAR, "
        "department VARCHAR, betweenness DOUBLE)"
    )
    con.executemany("INSERT INTO marts.person_wave_metrics VALUES (?, ?, ?, ?, ?)", rows)
    con.execute(
        "CREATE TABLE marts.country_mixing AS SELECT * FROM (VALUES ('2021-Q1', 'CH', 'BR', 3, 0.5, 2), "
        "('2021-Q1', 'CH', 'DE', 4, 0.5, 5), ('2021-Q2', 'CH', 'CH', 9, 1.0, 14)) "
        "t(wave, country, other_country, arcs, row_share, smaller_country_people)"
    )
    con.close()


def test_rare_country_and_department_are_withheld_per_wave_with_their_complements(tmp_path):
    _warehouse(tmp_path / "wh.duckdb")
    publish_serving(tmp_path / "wh.duckdb", tmp_path / "serving", KEY)
    with duckdb.connect(str(tmp_path / "serving" / "scl.duckdb"), read_only=True) as con:
        q1 = con.execute(
            "SELECT country, department, suppressed, count(*) FROM marts.person_wave_metrics "
            "WHERE wave = '2021-Q1' GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        q2 = con.execute("SELECT DISTINCT country, suppressed FROM marts.person_wave_metrics WHERE wave = '2021-Q2'").fetchall()
        mixing = con.execute("SELECT wave, other_country, arcs, suppressed FROM marts.country_mixing ORDER BY ALL").fetchall()
    # 2021-Q1: BR (2) is small and DE (5), the next smallest, is withheld with it; CH (7) is kept.
    # Legal (1) is small, Sales (5) withheld with it; R&D (8) is kept.
    assert q1 == [("CH", "R&D", False, 7), (None, "R&D", True, 1), (None, None, True, 6)]
    assert q2 == [("CH", False)]
    # A pair touching a withheld country is withheld, even when both sides have 5 people or more.
    assert mixing == [("2021-Q1", "BR", None, True), ("2021-Q1", "DE", None, True), ("2021-Q2", "CH", 9, False)]


def test_a_person_on_several_rows_counts_once(tmp_path):
    # bridge_criticality has a row per scope: three LU people who are single bridges in both
    # scopes fill six rows, but LU is still a country of three people and stays withheld (with
    # DE, the next smallest, as its complement); counted in rows no country would be withheld.
    path = tmp_path / "wh.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA marts; CREATE TABLE raw.hr_export (employee_id VARCHAR)")
    people = [(f"E{i}", "LU" if i < 3 else "DE" if i < 9 else "CH") for i in range(16)]
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
    assert got == [("CH", False, 14), (None, True, 18)]
