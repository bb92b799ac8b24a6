"""Issue 14: the id guard tells a column carrying employee ids from one whose values merely look
like ids, by the column's declared role and by the share and shape of the matches."""

import duckdb
import pytest

from scl_pipeline.lib.serving.catalog import REGISTRY, CatalogError, aggregate, person
from scl_pipeline.lib.serving.pseudonyms import PseudonymKey
from scl_pipeline.lib.serving.publish import publish_serving

KEY = PseudonymKey("id-guard-test-key-0123456789abcdef")
PEOPLE = 30


def _warehouse(path, ids: list[str], extra_sql: str = "") -> None:
    """raw.hr_export and marts.person_wave_metrics of ``ids`` in one wave, levels "1".."3",
    departments by number ("1".."2") and two countries of 15; then ``extra_sql``."""
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA marts")
    con.execute("CREATE TABLE raw.hr_export (employee_id VARCHAR)")
    con.executemany("INSERT INTO raw.hr_export VALUES (?)", [(i,) for i in ids])
    con.execute(
        "CREATE TABLE marts.person_wave_metrics (employee_id VARCHAR, wave VARCHAR, country VARCHAR, "
        "department VARCHAR, level VARCHAR, in_degree INTEGER)"
    )
    con.executemany(
        "INSERT INTO marts.person_wave_metrics VALUES (?, '2021-Q1', ?, ?, ?, ?)",
        [(e, "CH" if n % 2 else "DE", str(1 + n % 2), str(1 + n % 3), n % 4) for n, e in enumerate(ids)],
    )
    con.execute("CREATE TABLE marts.wave_summary AS SELECT '2021-Q1' AS wave, count(*) AS population "
                "FROM marts.person_wave_metrics")
    if extra_sql:
        con.execute(extra_sql)
    con.close()


def _numeric_ids() -> list[str]:
    return [str(i) for i in range(1, PEOPLE + 1)]


def _email_ids() -> list[str]:
    return [f"person.{i}@corp.example" for i in range(1, PEOPLE + 1)]


def _serving_values(serving) -> list[str]:
    with duckdb.connect(str(serving / "scl.duckdb"), read_only=True) as con:
        tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall()
        return [
            str(v) for s, t in tables for row in con.execute(f'SELECT * FROM "{s}"."{t}"').fetchall() for v in row
        ]


def test_numeric_levels_and_departments_beside_numeric_ids_publish(tmp_path):
    _warehouse(tmp_path / "wh.duckdb", _numeric_ids())
    publish_serving(tmp_path / "wh.duckdb", tmp_path / "s", KEY)
    with duckdb.connect(str(tmp_path / "s" / "scl.duckdb"), read_only=True) as con:
        levels = con.execute("SELECT level, count(*) FROM marts.person_wave_metrics GROUP BY ALL ORDER BY ALL").fetchall()
        ids = [r[0] for r in con.execute("SELECT employee_id FROM marts.person_wave_metrics").fetchall()]
    assert levels == [("1", 10), ("2", 10), ("3", 10)]
    assert all(i.startswith("p_") for i in ids) and not set(ids) & set(_numeric_ids())


def test_a_few_numbers_in_an_undeclared_free_text_column_are_a_coincidence(tmp_path):
    # One note of ten is "2": a number, and a rare one; not an id column.
    notes = "SELECT '2021-Q1' AS wave, 'k' || n AS metric, CASE WHEN n = 0 THEN '2' ELSE 'ok ' || n END AS note " \
            "FROM range(10) t(n)"
    _warehouse(tmp_path / "wh.duckdb", _numeric_ids(), f"CREATE TABLE marts.notes AS {notes}")
    registry = {**REGISTRY, "notes": aggregate("notes", "wave", "metric")}
    report = publish_serving(tmp_path / "wh.duckdb", tmp_path / "s", KEY, registry=registry)
    assert report.row_counts["notes"] == 10


@pytest.mark.parametrize("ids", [_numeric_ids(), _email_ids()], ids=["numeric ids", "e-mail ids"])
def test_a_planted_undeclared_id_column_is_refused_without_quoting_ids(tmp_path, ids):
    # A manager_id under another name: most values are ids of several people.
    planted = (
        "CREATE TABLE marts.reporting AS SELECT wave, employee_id, "
        "lag(employee_id) OVER (ORDER BY employee_id) AS supervisor FROM marts.person_wave_metrics"
    )
    _warehouse(tmp_path / "wh.duckdb", ids, planted)
    registry = {**REGISTRY, "reporting": person("reporting", "wave", "employee_id")}
    with pytest.raises(CatalogError, match=r"marts.reporting.supervisor: 29 value\(s\) are employee ids but the "
                                           r"column is not a declared id column") as refused:
        publish_serving(tmp_path / "wh.duckdb", tmp_path / "s", KEY, registry=registry)
    assert not (tmp_path / "s" / "scl.duckdb").exists()
    # The message counts; it never quotes an id (a bare number in it is a count).
    assert "corp.example" not in str(refused.value)


def test_one_unmistakable_id_in_a_free_text_column_is_refused(tmp_path):
    # A single e-mail id among many notes cannot be a coincidence.
    notes = ("SELECT '2021-Q1' AS wave, 'k' || n AS metric, CASE WHEN n = 0 THEN 'person.7@corp.example' "
             "ELSE 'ok ' || n END AS note FROM range(50) t(n)")
    _warehouse(tmp_path / "wh.duckdb", _email_ids(), f"CREATE TABLE marts.notes AS {notes}")
    registry = {**REGISTRY, "notes": aggregate("notes", "wave", "metric")}
    with pytest.raises(CatalogError, match=r"marts.notes.note: 1 value\(s\) are employee ids .*can be nothing but ids"):
        publish_serving(tmp_path / "wh.duckdb", tmp_path / "s", KEY, registry=registry)


def test_an_attribute_holding_unmistakable_ids_is_refused_despite_its_role(tmp_path):
    # department is a declared attribute, but e-mail ids in it are ids whatever the role says.
    _warehouse(tmp_path / "wh.duckdb", _email_ids(),
               "UPDATE marts.person_wave_metrics SET department = employee_id WHERE in_degree = 0")
    with pytest.raises(CatalogError, match=r"marts.person_wave_metrics.department: 8 value\(s\) are employee ids"):
        publish_serving(tmp_path / "wh.duckdb", tmp_path / "s", KEY)


def test_email_ids_are_pseudonymised_and_never_published(tmp_path):
    _warehouse(tmp_path / "wh.duckdb", _email_ids())
    publish_serving(tmp_path / "wh.duckdb", tmp_path / "s", KEY)
    values = _serving_values(tmp_path / "s")
    assert len(values) > PEOPLE
    assert not [v for v in values if "@" in v]
