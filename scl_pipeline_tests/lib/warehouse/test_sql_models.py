from pathlib import Path

import duckdb
import pytest

from scl_pipeline.lib.warehouse.sql_models import SqlModelError, parse_model, run_model


def _write(root: Path, name: str, sql: str) -> Path:
    schema, table = name.split(".")
    path = root / schema / f"{table}.sql"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(sql)
    return path


def test_dependencies_come_from_the_parsed_sql_not_from_text(tmp_path):
    path = _write(
        tmp_path,
        "marts.m",
        "-- description: reads staging.decoy only in this comment\n"
        "with x as (select * from staging.a where wave = $wave)\n"
        "select x.wave, 'raw.not_a_table' as label from x join staging.b using (wave)\n"
        "where x.id in (select id from raw.c)",
    )
    model = parse_model(path, tmp_path)
    assert model.depends_on == {"staging.a", "staging.b", "raw.c"}
    assert model.parameters == {"wave"}
    assert model.wave_grained
    assert model.description == "reads staging.decoy only in this comment"


def test_unqualified_tables_and_invalid_sql_are_errors(tmp_path):
    # A cycle between models is refused by the asset graph: defs/test_sql_models.py.
    path = _write(tmp_path / "other", "s.c", "select * from plain_table")
    with pytest.raises(SqlModelError, match="schema-qualified"):
        parse_model(path, tmp_path / "other")
    bad = _write(tmp_path / "bad", "s.d", "select from where")
    with pytest.raises(SqlModelError, match="not valid"):
        parse_model(bad, tmp_path / "bad")


def test_wave_model_replaces_only_its_wave_with_bound_parameters(tmp_path):
    con = duckdb.connect()
    con.execute("create schema raw; create table raw.t(wave varchar, v int)")
    con.execute("insert into raw.t values ('2021-Q1', 1), ('2021-Q1', 2), ('2021-Q2', 5)")
    model = parse_model(_write(tmp_path, "marts.sums", "select wave, sum(v) * $k as total from raw.t where wave = $wave group by wave"), tmp_path)
    assert run_model(con, model, {"wave": "2021-Q1", "k": 10}) == 1
    assert run_model(con, model, {"wave": "2021-Q2", "k": 10}) == 1
    con.execute("insert into raw.t values ('2021-Q1', 3)")
    run_model(con, model, {"wave": "2021-Q1", "k": 10})
    assert con.execute("select * from marts.sums order by wave").fetchall() == [("2021-Q1", 60), ("2021-Q2", 50)]
    # A wave value that looks like SQL stays a value.
    assert run_model(con, model, {"wave": "x' or '1'='1", "k": 1}) == 0
    with pytest.raises(SqlModelError, match="no value for parameter"):
        run_model(con, model, {"wave": "2021-Q1"})


def test_failed_wave_model_leaves_previous_rows(tmp_path):
    con = duckdb.connect()
    con.execute("create schema raw; create table raw.t(wave varchar, v varchar)")
    con.execute("insert into raw.t values ('2021-Q1', '1')")
    model = parse_model(_write(tmp_path, "marts.n", "select wave, cast(v as int) as n from raw.t where wave = $wave"), tmp_path)
    run_model(con, model, {"wave": "2021-Q1"})
    con.execute("insert into raw.t values ('2021-Q1', 'not a number')")
    with pytest.raises(duckdb.ConversionException):
        run_model(con, model, {"wave": "2021-Q1"})
    assert con.execute("select * from marts.n").fetchall() == [("2021-Q1", 1)]


def test_changed_model_columns_are_reported(tmp_path):
    con = duckdb.connect()
    con.execute("create schema raw; create table raw.t(wave varchar, v int)")
    path = _write(tmp_path, "marts.m", "select wave, v from raw.t where wave = $wave")
    run_model(con, parse_model(path, tmp_path), {"wave": "w"})
    path.write_text("select wave, v, v + 1 as w from raw.t where wave = $wave")
    with pytest.raises(SqlModelError, match="columns changed"):
        run_model(con, parse_model(path, tmp_path), {"wave": "w"})
