import datetime as dt

import pytest

from scl_pipeline.lib.waves import (
    WaveNameError,
    partition_key_to_wave,
    wave_of_date,
    wave_range,
    wave_to_partition_key,
)


@pytest.mark.parametrize("wave,key", [("2020-Q4", "2020-10-01"), ("2021-Q1", "2021-01-01"), ("2022-Q3", "2022-07-01")])
def test_wave_and_partition_key_map_one_to_one(wave, key):
    assert wave_to_partition_key(wave) == key
    assert partition_key_to_wave(key) == wave


@pytest.mark.parametrize("bad", ["2021-Q5", "2021Q1", "21-Q1", "2021-q1 ", "waves"])
def test_wrong_wave_names_are_rejected(bad):
    with pytest.raises(WaveNameError, match="YYYY-Qn"):
        wave_to_partition_key(bad)


def test_partition_key_must_start_a_quarter():
    with pytest.raises(WaveNameError):
        partition_key_to_wave("2021-02-01")


def test_wave_range_crosses_years():
    assert wave_range("2020-Q4", "2021-Q2") == ["2020-Q4", "2021-Q1", "2021-Q2"]
    assert len(wave_range("2020-Q4", "2022-Q4")) == 9
    assert wave_of_date(dt.date(2022, 12, 31)) == "2022-Q4"
