"""Every wave's HR export and survey pass the checks ingestion will run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scl_pipeline.lib.contract import KNOWN_RELATIONS
from scl_pipeline.lib.ingestion.countries import normalise_country_column
from scl_pipeline_tests.lib.demo.conftest import read_hr, read_survey


def test_surveys_are_valid(small_org: Path, truth: dict) -> None:
    for wave in truth["waves"]:
        hr = read_hr(small_org, wave)
        survey = read_survey(small_org, wave)
        population = set(hr["employee_id"])
        assert hr["employee_id"].is_unique, wave
        assert set(survey["respondent_id"]) <= population, wave
        assert set(survey["nominee_id"]) <= population, wave
        assert (survey["respondent_id"] != survey["nominee_id"]).all(), wave
        assert not survey.duplicated(["respondent_id", "nominee_id", "relation"]).any(), wave
        assert pd.api.types.is_integer_dtype(survey["strength"]), wave
        assert survey["strength"].between(1, 5).all(), wave
        assert set(survey["relation"]) == {"trust", "energy"} and set(survey["relation"]) <= KNOWN_RELATIONS
        invited = hr.loc[hr["invited_to_survey"] == "True", "employee_id"]
        assert set(survey["respondent_id"]) <= set(invited), wave


def test_survey_shape(small_org: Path, truth: dict) -> None:
    hr = read_hr(small_org, truth["waves"][0])
    survey = read_survey(small_org, truth["waves"][0])
    trust = survey[survey["relation"] == "trust"]
    response_rate = trust["respondent_id"].nunique() / len(hr)
    assert 0.7 <= response_rate <= 0.9
    per_respondent = trust.groupby("respondent_id").size()
    assert 8 <= per_respondent.median() <= 16
    # The form lists at most 20 names; only participants' planted ties come on top.
    listed = per_respondent.drop(truth["participants"], errors="ignore").max()
    assert listed <= 20
    assert (survey["relation"] == "energy").mean() < 0.3
    country = dict(zip(hr["employee_id"], hr["country"]))
    same = (trust["respondent_id"].map(country) == trust["nominee_id"].map(country)).mean()
    assert same > 0.8  # nominations cluster by country
    # Popular people are named by many more than anyone names (in-degree has a long tail).
    assert trust["nominee_id"].value_counts().max() > 1.5 * listed


def test_relationships_persist_with_churn(small_org: Path, truth: dict) -> None:
    def strong_pairs(wave: str) -> set[tuple[str, str]]:
        s = read_survey(small_org, wave)
        s = s[(s["relation"] == "trust") & (s["strength"] >= 4)]
        return set(zip(s["respondent_id"], s["nominee_id"]))

    first, second = strong_pairs(truth["waves"][0]), strong_pairs(truth["waves"][1])
    overlap = len(first & second) / len(first)
    assert 0.4 < overlap < 0.95


def test_hr_turnover_is_small_and_countries_are_iso(small_org: Path, truth: dict) -> None:
    previous = None
    for wave in truth["waves"]:
        hr = read_hr(small_org, wave)
        assert normalise_country_column(hr["country"]).eq(hr["country"]).all()
        managers = set(hr["manager_id"]) - {""}
        assert managers <= set(hr["employee_id"]), wave
        ids = set(hr["employee_id"])
        if previous is not None:
            leavers, joiners = previous - ids, ids - previous
            assert 0 < len(leavers) <= 0.03 * len(previous), wave
            assert 0 < len(joiners) <= 0.03 * len(previous), wave
        previous = ids
    assert set(pd.read_csv(small_org / "program" / "participants.csv", dtype=str)["employee_id"]) <= previous


def test_program_roster(small_org: Path, truth: dict) -> None:
    roster = pd.read_csv(small_org / "program" / "participants.csv", dtype=str)
    assert set(roster["employee_id"]) == set(truth["participants"])
    assert set(roster["cohort"]) == {"2021-C1"}
    assert set(roster["start_date"]) == {"2021-01-15"} and set(roster["end_date"]) == {"2021-03-12"}
    assert (roster["completed"] == "True").mean() > 0.8
