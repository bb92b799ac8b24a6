import datetime as dt

import pandas as pd
import pytest

from scl_pipeline.lib.impact.baseline import baseline_wave, last_wave_ending_before, resolve_baseline

WAVES = ["2020-Q4", "2021-Q1", "2021-Q3", "2022-Q2"]


def roster(*starts):
    return pd.DataFrame({"employee_id": [f"E{i}" for i in range(len(starts))], "cohort": "C",
                         "start_date": list(starts)})


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2021-01-15", "2020-Q4"),  # Q4 2020 ended 2020-12-31, before the start
        ("2021-01-01", "2020-Q4"),  # ends the day before: still before
        ("2021-04-01", "2021-Q1"),
        ("2021-03-31", "2020-Q4"),  # 2021-Q1 has not ended yet
        ("2021-10-02", "2021-Q3"),  # 2021-Q2 is not a loaded wave; Q3 ended 2021-09-30
        ("2030-01-01", "2022-Q2"),
    ],
)
def test_last_wave_whose_quarter_ends_before_the_first_start(start, expected):
    assert baseline_wave(WAVES, roster(start)) == expected


def test_the_first_cohort_decides_and_waves_may_come_unsorted():
    later_first = roster("2022-01-10", "2021-04-20", None)
    assert baseline_wave(reversed(WAVES), later_first) == "2021-Q1"


def test_no_baseline_and_its_reason():
    none = resolve_baseline(WAVES, None)
    assert none.wave is None and "no program roster" in none.reason
    assert resolve_baseline(WAVES, roster()).wave is None
    undated = resolve_baseline(WAVES, pd.DataFrame({"employee_id": ["E1"], "cohort": ["C"]}))
    assert undated.wave is None and "start_date" in undated.reason
    early = resolve_baseline(WAVES, roster("2020-11-01"))
    assert early.wave is None and "2020-11-01" in early.reason and "2020-Q4" in early.reason


def test_override_wins_but_must_be_a_loaded_wave():
    assert baseline_wave(WAVES, roster("2021-01-15"), override="2021-Q1") == "2021-Q1"
    assert baseline_wave(WAVES, None, override="2020-Q4") == "2020-Q4"
    with pytest.raises(ValueError, match="2021-Q2.*not a loaded wave"):
        baseline_wave(WAVES, None, override="2021-Q2")
    with pytest.raises(ValueError, match="not a wave name"):
        baseline_wave(WAVES, None, override="Q2-2021")


def test_last_wave_ending_before_a_day():
    assert last_wave_ending_before(WAVES, dt.date(2021, 8, 15)) == "2021-Q1"
    assert last_wave_ending_before(WAVES, dt.date(2020, 12, 31)) is None
    assert last_wave_ending_before([], dt.date(2024, 1, 1)) is None
