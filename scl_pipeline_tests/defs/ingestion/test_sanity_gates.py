"""Issue 13's quiet failures through the pipeline: ids spreadsheets changed load repaired and
counted, or the wave is rejected by a gate naming what to check; the previous good state of the
warehouse is unchanged after every rejection; the gates' counts are wave_summary's."""

from __future__ import annotations

import dagster as dg
import numpy as np
import pandas as pd
import pytest

from scl_pipeline.lib.ingestion.vitals import previous_vitals, wave_vitals
from scl_pipeline.lib.warehouse.reads import raw_wave_people, raw_wave_survey
from scl_pipeline_tests.helpers.dagster import materialize_wave, query
from scl_pipeline_tests.helpers.datasets import lazega
from scl_pipeline_tests.helpers.landing import write_wave

INGESTION = [dg.AssetKey(["raw", "hr_export"]), dg.AssetKey(["raw", "ona_survey"])]
PROTECTED = ["raw.hr_export", "raw.ona_survey", "raw.wave_quarantine"]
PEOPLE = 60


def numeric_org(seed: int = 3, people: int = PEOPLE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """HR ids zero-padded to six digits (as HR systems keep them); each person names three others."""
    rng = np.random.default_rng(seed)
    ids = [f"{i:06d}" for i in range(1, people + 1)]
    hr = pd.DataFrame({"employee_id": ids, "country": rng.choice(["CH", "DE", "GB"], people), "department": "D", "level": "L"})
    pairs = {(r, (r + k) % people) for r in range(people) for k in (1, 2, 7)}
    survey = pd.DataFrame(
        [(ids[r], ids[n], int(rng.integers(3, 6))) for r, n in sorted(pairs)], columns=["respondent_id", "nominee_id", "strength"]
    )
    return hr, survey


def _state(lake) -> dict[str, pd.DataFrame]:
    return {t: query(lake, f"select * from {t} order by all") for t in PROTECTED}


def _failure(result) -> str:
    return next(e for e in result.all_events if e.is_step_failure).step_failure_data.user_failure_data.description


@pytest.mark.parametrize(
    ("name", "survey_ids", "kind"),
    [
        ("survey ids that lost their zeros in Excel", lambda i: str(int(i)), "leading zeros lost or added"),
        ("survey ids as decimals", lambda i: f"{int(i)}.0", "a '.0' suffix"),
    ],
)
def test_spreadsheet_ids_load_repaired_and_counted(lake, name, survey_ids, kind):
    hr, survey = numeric_org()
    write_wave(lake, "2021-Q1", hr, survey.assign(respondent_id=survey["respondent_id"].map(survey_ids), nominee_id=survey["nominee_id"].map(survey_ids)))
    result = materialize_wave(lake, "2021-Q1", INGESTION)
    loaded = query(lake, "select respondent_id, nominee_id from raw.ona_survey order by source_row")
    assert list(zip(loaded["respondent_id"], loaded["nominee_id"])) == list(zip(survey["respondent_id"], survey["nominee_id"]))
    quality = query(lake, "select * from raw.wave_data_quality where outcome = 'repaired' order by check_name")
    assert quality["check_name"].tolist() == ["ona_survey.nominee_id_repaired", "ona_survey.respondent_id_repaired"]
    assert quality["rows_failed"].tolist() == [len(survey), len(survey)]
    assert all(kind in detail for detail in quality["detail"])
    assert query(lake, "select count(*) as n from raw.wave_quarantine")["n"][0] == 0
    warned = {e.check_name: e for e in result.get_asset_check_evaluations()}["ona_survey_quarantine"]
    assert warned.metadata["repaired_by"].value == {
        "ona_survey.respondent_id_repaired": len(survey), "ona_survey.nominee_id_repaired": len(survey),
    }


def test_ids_that_cannot_be_matched_are_rejected_with_the_pattern_and_change_nothing(lake):
    hr, survey = numeric_org()
    write_wave(lake, "2021-Q1", hr, survey)
    materialize_wave(lake, "2021-Q1", INGESTION)
    before = _state(lake)
    # HR now also holds un-padded twins of the first ids, so "12" could be 000012 or 12: no guess.
    twins = hr.head(30).assign(employee_id=lambda f: f["employee_id"].map(lambda i: str(int(i))))
    write_wave(lake, "2021-Q1", pd.concat([hr, twins], ignore_index=True), survey.assign(
        respondent_id=survey["respondent_id"].map(lambda i: f"00{i}"), nominee_id=survey["nominee_id"].map(lambda i: f"00{i}")
    ))
    result = materialize_wave(lake, "2021-Q1", INGESTION, raise_on_error=False, gates={"max_population_change": -1})
    assert not result.success
    message = _failure(result)
    assert "rejected, warehouse unchanged" in message and "wave.quarantined_share" in message
    assert "differ only by leading zeros" in message
    assert "00000012" not in message and "000012" not in message
    for table, frame in before.items():
        pd.testing.assert_frame_equal(query(lake, f"select * from {table} order by all"), frame, obj=table)


def _two_waves(lake, first, second, **gates):
    write_wave(lake, "2021-Q1", *first)
    assert materialize_wave(lake, "2021-Q1", INGESTION).success
    before = _state(lake)
    write_wave(lake, "2021-Q2", *second)
    result = materialize_wave(lake, "2021-Q2", INGESTION, raise_on_error=False, gates=gates)
    return before, result


@pytest.mark.parametrize(
    ("name", "second", "gate", "words"),
    [
        ("HR export of one country", lambda hr, s: (hr[hr["country"] == "CH"], s), "wave.population_change",
         "Check that the HR export covers the whole organisation"),
        ("survey export cut after the first respondents", lambda hr, s: (hr, s[s["respondent_id"] < "000020"]),
         "wave.response_rate_vs_previous", "Check that the survey export is complete"),
        ("most ties suddenly weak", lambda hr, s: (hr, s.assign(strength=np.where(s.index % 10 == 0, 5, 2))),
         "wave.arcs_vs_previous", "strength scale did not change"),
    ],
)
def test_a_wave_collapsing_against_the_previous_one_is_rejected(lake, name, second, gate, words):
    hr, survey = numeric_org()
    before, result = _two_waves(lake, (hr, survey), second(hr, survey))
    assert not result.success, name
    message = _failure(result)
    assert gate in message and words in message and "2021-Q1" in message
    evaluation = {e.check_name: e for e in result.get_asset_check_evaluations()}["wave_sanity_gates"]
    assert gate in evaluation.metadata["failed_gates"].value
    for table, frame in before.items():
        pd.testing.assert_frame_equal(query(lake, f"select * from {table} order by all"), frame, obj=table)
    quality = query(lake, "select * from raw.wave_data_quality where scope = '2021-Q2' and check_name = $g", {"g": gate})
    assert quality["outcome"].tolist() == ["failed"] and quality["load_status"].tolist() == ["rejected"]
    # The same wave loads once the user says the change is real.
    off = {"wave.population_change": {"max_population_change": 1.0, "max_quarantined_share": 1.0, "min_arcs_ratio": 0.0},
           "wave.response_rate_vs_previous":
           {"min_response_rate_ratio": 0.0, "min_arcs_ratio": 0.0}, "wave.arcs_vs_previous": {"min_arcs_ratio": 0.0}}[gate]
    assert materialize_wave(lake, "2021-Q2", INGESTION, gates=off).success
    statuses = query(lake, "select distinct load_status from raw.wave_data_quality where scope = '2021-Q2'")
    assert statuses["load_status"].tolist() == ["loaded"]


def test_gate_counts_are_the_wave_summary_counts(lake):
    """What the gates compare a next wave with is the row of staging.wave_vitals marts.wave_summary
    reports, on a real network and on a hand-made wave with uninvited people, weak, duplicate and
    self ties; the gates' run of the staging SQL on a candidate's rows counts the same."""
    data = lazega("advice")
    write_wave(lake, "2021-Q1", data.hr, data.survey)
    hr, survey = numeric_org(seed=5)
    hr["invited_to_survey"] = ["no" if i % 9 == 0 else "yes" for i in range(len(hr))]
    survey = pd.concat([survey, survey.head(5).assign(strength=1)], ignore_index=True)  # duplicates
    survey.loc[len(survey)] = [hr["employee_id"][3], hr["employee_id"][3], 5]  # a self-nomination
    write_wave(lake, "2021-Q2", hr, survey)
    for wave in ("2021-Q1", "2021-Q2"):
        assert materialize_wave(lake, wave, gates={"max_population_change": -1, "min_arcs_ratio": 0}).success
    summary = query(lake, "select * from marts.wave_summary order by wave").set_index("wave")
    import duckdb

    with duckdb.connect(str(lake.warehouse_path), read_only=True) as con:
        for wave in ("2021-Q1", "2021-Q2"):
            staged, _ = previous_vitals(con, wave, "trust", 4)
            candidate = wave_vitals(wave, raw_wave_people(con, wave), raw_wave_survey(con, wave), "trust", 4)
            row = summary.loc[wave]
            for vitals in (staged, candidate):
                assert (vitals.population, vitals.invited, vitals.respondents, vitals.arcs) == (
                    row["population"], row["invited"], row["respondents"], row["arcs"]
                )
                assert vitals.response_rate == pytest.approx(row["response_rate"])
    assert summary.loc["2021-Q1", "arcs"] == 892  # Lazega advice, the published count
