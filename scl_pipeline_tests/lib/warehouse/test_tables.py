import duckdb
import pandas as pd
import pytest

from scl_pipeline.lib.warehouse.tables import Query, TableShapeError, replace_table, table_exists, write_partitions


def write_wave_frames(con, wave, frames):
    return write_partitions(con, "wave", wave, frames)


def test_wave_frames_replace_only_their_wave_in_all_tables():
    con = duckdb.connect()
    a = pd.DataFrame({"id": ["x", "y"], "v": [1.0, 2.0]})
    write_wave_frames(con, "2021-Q1", {"marts.a": a, "marts.b": a.head(1)})
    write_wave_frames(con, "2021-Q2", {"marts.a": a, "marts.b": a})
    write_wave_frames(con, "2021-Q1", {"marts.a": a.head(1), "marts.b": a.head(1)})
    assert con.execute("select wave, count(*) from marts.a group by 1 order by 1").fetchall() == [("2021-Q1", 1), ("2021-Q2", 2)]
    assert con.execute("select column_name from information_schema.columns where table_name='a'").fetchall()[0] == ("wave",)


def test_shape_change_fails_and_rolls_back_every_table():
    con = duckdb.connect()
    a = pd.DataFrame({"id": ["x"], "v": [1.0]})
    write_wave_frames(con, "w", {"marts.a": a, "marts.b": a})
    with pytest.raises(TableShapeError, match="columns changed"):
        write_wave_frames(con, "w", {"marts.a": a.head(0), "marts.b": a.assign(extra=1)})
    assert con.execute("select count(*) from marts.a").fetchone()[0] == 1


def test_replace_table_replaces_whole_table_even_in_a_new_shape():
    con = duckdb.connect()
    assert replace_table(con, "marts.t", Query("select unnest([1, 2]) as k")) == 2
    assert replace_table(con, "marts.t", Query("select $k as k, 'x' as extra", {"k": 3})) == 1
    assert con.execute("select * from marts.t").fetchall() == [(3, "x")]


def test_a_frame_and_a_query_replace_the_same_partition_the_same_way():
    con = duckdb.connect()
    write_partitions(con, "wave", "w1", {"marts.a": pd.DataFrame({"v": [1, 2]})})
    write_partitions(con, "wave", "w2", {"marts.a": Query("select $w as wave, 7 as v", {"w": "w2"})})
    write_partitions(con, "wave", "w1", {"marts.a": Query("select 'w1' as wave, 5 as v")})
    assert con.execute("select * from marts.a order by all").fetchall() == [("w1", 5), ("w2", 7)]
    assert table_exists(con, "marts.a") and not table_exists(con, "marts.b")
