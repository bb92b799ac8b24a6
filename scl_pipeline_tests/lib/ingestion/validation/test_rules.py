"""Value rules: ISO 8601 timestamps (checked against datetime.fromisoformat), countries."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from scl_pipeline.lib.contract import ONA_SURVEY
from scl_pipeline.lib.ingestion.validation import rules

STAMPS = [
    "2022-04-04T09:00:00+02:00",
    "2022-04-06T00:00:00",
    "2022-04-06",
    "2022-04-04 09:00:00-05:00",
    "2022-04-04T09:00:00Z",
    "2021-07-01 10:00",
    "2022-04-04T09:00:00.250+05:30",
    "2021-12-31",
]


def _reference(text: str) -> pd.Timestamp:
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return pd.Timestamp(parsed).tz_convert("UTC")


@pytest.mark.parametrize("order", [1, -1])
def test_timestamps_with_and_without_offset_parse_like_fromisoformat_in_any_order(order):
    values = pd.Series(STAMPS[::order] + [None], dtype=object)
    parsed = rules.parse_timestamps(values)
    assert parsed.iloc[-1] is pd.NaT
    assert parsed.iloc[:-1].tolist() == [_reference(v) for v in STAMPS[::order]]


def test_unparseable_dates_are_exactly_the_non_iso_values():
    bad = ["03/04/2021", "2021-02-30", "yesterday", "2021-13-01", "1.7.2021"]
    assert sorted(rules.unparseable_dates(STAMPS + bad)) == sorted(bad)


def test_unknown_countries():
    assert rules.unknown_countries(["FR", "fra", "France", "Atlantis", "Other"]) == ["Atlantis", "Other"]


def test_canonicalise_strips_lowers_labels_and_blanks_to_none():
    df = pd.DataFrame(
        {
            "respondent_id": [" E1 ", "e2", "   "],
            "nominee_id": ["E2", None, "E3"],
            "relation": [" Trust ", "ADVICE", ""],
            "strength": ["4.0", " 3 ", "2.5"],
            "extra": [" keep ", "as", "is "],
        },
        dtype=object,
    )
    out = rules.canonicalise(df, ONA_SURVEY)
    assert out["respondent_id"].tolist() == ["E1", "e2", None]
    assert out["nominee_id"].tolist() == ["E2", None, "E3"]
    assert out["relation"].tolist() == ["trust", "advice", None]
    assert out["strength"].tolist() == ["4", "3", "2.5"]
    assert out["extra"].tolist() == [" keep ", "as", "is "]
    assert df["relation"].tolist() == [" Trust ", "ADVICE", ""]  # input untouched
