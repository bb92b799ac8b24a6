"""Which waves a page reads, the pseudonymised ids, and the warehouse reads behind them."""

import duckdb
import pandas as pd

from scl_pipeline.lib.reports.sources import baseline_and_latest, pseudonymised, with_baseline
from scl_pipeline.lib.serving.pseudonyms import PseudonymKey
from scl_pipeline.lib.warehouse.reads import wave_rows, whole_table

NETWORK = pd.DataFrame({"wave": ["2021-Q3", "2021-Q1", "2021-Q2"], "baseline_wave": ["2021-Q2"] * 3})


def test_a_wave_page_reads_its_wave_and_the_baseline_the_program_page_the_baseline_and_latest():
    assert with_baseline("2021-Q3")(NETWORK) == ["2021-Q2", "2021-Q3"]
    assert with_baseline("2021-Q2")(NETWORK) == ["2021-Q2"]
    assert baseline_and_latest(NETWORK) == ["2021-Q2", "2021-Q3"]
    no_baseline = NETWORK.assign(baseline_wave=None)
    assert with_baseline("2021-Q1")(no_baseline) == ["2021-Q1"]
    assert baseline_and_latest(no_baseline) == ["2021-Q1", "2021-Q3"]  # the first wave stands in
    assert baseline_and_latest(NETWORK.iloc[:0]) == []


def test_ids_become_the_serving_pseudonyms_and_empty_stays_empty():
    key = PseudonymKey("test-key-0123456789abcdef")
    frame = pd.DataFrame({"source": ["E1", "E2", None], "target": ["E2", "E1", "E1"], "n": [1, 2, 3]})
    out = pseudonymised(frame, ["source", "target"], key)
    assert out["source"].tolist() == [key.pseudonym("E1"), key.pseudonym("E2"), None]
    assert out["target"].tolist() == [key.pseudonym("E2"), key.pseudonym("E1"), key.pseudonym("E1")]
    assert out["n"].tolist() == [1, 2, 3] and frame["source"].tolist() == ["E1", "E2", None]  # a copy


def test_wave_rows_reads_the_waves_asked_and_only_participants_when_asked(tmp_path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        assert wave_rows(con, "marts.people", ["2021-Q1"]) is None and whole_table(con, "marts.people") is None
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.people AS SELECT * FROM (VALUES ('2021-Q1', 'E1', true, 'CH'), "
                    "('2021-Q1', 'E2', false, 'DE'), ('2021-Q2', 'E1', true, 'CH'), ('2021-Q3', 'E3', true, 'BR')) "
                    "AS t(wave, employee_id, participant, country)")
        rows = wave_rows(con, "marts.people", ["2021-Q1", "2021-Q3"], ("wave", "employee_id"), participants_only=True)
        assert rows.values.tolist() == [["2021-Q1", "E1"], ["2021-Q3", "E3"]]
        assert len(wave_rows(con, "marts.people", ["2021-Q1"])) == 2
        assert len(whole_table(con, "marts.people")) == 4
