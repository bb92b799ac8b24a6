"""Small-group suppression and the serving SELECT: which rows and values are withheld."""

import duckdb
import pytest

from scl_pipeline.lib.serving.catalog import aggregate, group, person
from scl_pipeline.lib.serving.pseudonyms import PseudonymKey, register_pseudonym_function
from scl_pipeline.lib.serving.suppression import register_withheld_groups, serving_query, withheld_groups
from scl_pipeline_tests.lib.serving.helpers import TEST_KEY


def _apply(table, con_rows_sql):
    con = duckdb.connect()
    register_pseudonym_function(con, PseudonymKey(TEST_KEY))
    con.execute(f"CREATE TABLE src AS {con_rows_sql}")
    columns = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() "
                               "WHERE table_name = 'src' ORDER BY column_index").fetchall())
    register_withheld_groups(con, [table], {table.name: columns}, lambda _t: "src")
    return con.execute(f"{serving_query(table, columns, 'src')} ORDER BY 1").fetchall()


def test_group_rows_under_five_are_withheld_and_flagged_including_size():
    rows = _apply(
        group("g", "country", size="people"),
        "SELECT * FROM (VALUES ('A', 4, 1.5), ('B', 5, 2.5), ('C', NULL, 3.5), ('D', 0, 0.0)) "
        "t(country, people, ei)",
    )
    assert rows == [
        ("A", None, None, True),
        ("B", 5, 2.5, False),
        ("C", None, None, True),
        ("D", None, None, True),
    ]


def test_group_rows_flagged_small_by_the_mart_are_withheld_too():
    # impact_did: participants is the size, small_group also covers the controls.
    rows = _apply(
        group("d", "metric", size="participants", small="small_group"),
        "SELECT * FROM (VALUES ('a', 63, 3, true, 1.5), ('b', 63, 330, false, 2.5), ('c', 4, 330, false, 3.5), "
        "('d', 63, 330, NULL, 4.5)) t(metric, participants, controls, small_group, did)",
    )
    assert rows == [
        ("a", None, None, None, None, True),
        ("b", 63, 330, False, 2.5, False),
        ("c", None, None, None, None, True),
        ("d", None, None, None, None, True),
    ]


def test_aggregate_passes_through_and_person_ids_are_replaced():
    assert _apply(aggregate("a", "k"), "SELECT 'x' AS k, 1 AS v") == [("x", 1)]
    key = PseudonymKey(TEST_KEY)
    rows = _apply(
        person("p", "employee_id", ids=("employee_id", "peers")),
        "SELECT 'EMP-1' AS employee_id, ['EMP-2'] AS peers, 7 AS v",
    )
    assert rows == [(key.pseudonym("EMP-1"), [key.pseudonym("EMP-2")], 7)]


def test_id_column_of_wrong_type_is_refused():
    with pytest.raises(TypeError, match="p.employee_id"):
        _apply(person("p", "employee_id"), "SELECT 42 AS employee_id")


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        ({"DE": 12, "FR": 6, "CH": 5}, set()),
        ({"DE": 12, "FR": 6, "LU": 3}, {"LU", "FR"}),  # one small: the next smallest joins it
        ({"DE": 12, "FR": 6, "LU": 3, "MT": 2}, {"LU", "MT"}),  # two small, 5 people: enough
        ({"DE": 12, "FR": 6, "LU": 1, "MT": 2}, {"LU", "MT", "FR"}),  # two small, 3 people: not enough
        ({"DE": 12, "LU": 3}, {"LU", "DE"}),  # nothing can be published
        ({"LU": 3}, {"LU"}),
        ({"DE": 12, "FR": 6, "AT": 6, "LU": 3}, {"LU", "AT"}),  # equal sizes: by name, every time
        ({}, set()),
    ],
)
def test_withheld_groups_are_the_small_ones_and_their_complements(sizes, expected):
    assert withheld_groups(sizes) == expected
