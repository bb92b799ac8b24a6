import duckdb
import pandas as pd
import pytest

from scl_pipeline.lib.warehouse.frames import TableShapeError, write_table, write_wave_frames


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


def test_write_table_replaces_whole_table():
    con = duckdb.connect()
    write_table(con, "marts.t", pd.DataFrame({"k": [1, 2]}))
    write_table(con, "marts.t", pd.DataFrame({"k": [3]}))
    assert con.execute("select * from marts.t").fetchall() == [(3,)]
