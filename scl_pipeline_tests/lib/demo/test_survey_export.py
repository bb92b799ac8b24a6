"""The demo's surveys in each tool layout (lib/demo/survey_export.py); that each loads to the
long form's warehouse is scl_pipeline_tests/e2e/test_survey_layout_equivalence.py."""

from __future__ import annotations

import pandas as pd
import pytest

from scl_pipeline.lib.demo import generate_demo_org
from scl_pipeline.lib.demo.__main__ import main

TINY = dict(people=1000, first_wave="2020-Q4", last_wave="2021-Q2")


def test_full_names_are_unique_so_a_survey_by_name_matches_everyone(tmp_path):
    generate_demo_org(tmp_path, **TINY)
    hr = pd.read_csv(tmp_path / "waves" / "2021-Q2" / "hr_export.csv", dtype=str)
    assert hr["full_name"].is_unique and (hr["full_name"].str.count(" ") >= 1).all()


def test_each_layout_writes_the_same_nominations(tmp_path):
    generate_demo_org(tmp_path / "long", **TINY)
    generate_demo_org(tmp_path / "wide", survey_layout="wide", people_by="email", **TINY)
    generate_demo_org(tmp_path / "multi", survey_layout="multiselect", people_by="name", **TINY)
    long = pd.read_csv(tmp_path / "long" / "waves" / "2020-Q4" / "ona_survey.csv", dtype=str)
    wide = pd.read_csv(tmp_path / "wide" / "waves" / "2020-Q4" / "ona_survey.csv", dtype=str)
    multi = pd.read_csv(tmp_path / "multi" / "waves" / "2020-Q4" / "ona_survey.csv", dtype=str)
    assert list(wide.columns[:3]) == ["respondent", "answered_at", "trust_1"] and "trust_strength_1" in wide.columns
    assert len(wide) == len(multi) == long["respondent_id"].nunique()
    slots = [c for c in wide.columns if c.startswith(("trust_", "energy_")) and "strength" not in c]
    assert int(wide[slots].notna().sum().sum()) == len(long)
    cells = multi.drop(columns=["respondent", "answered_at"]).fillna("")
    assert int(cells.apply(lambda col: col.str.count(";")).sum().sum()) == len(long)
    assert wide["respondent"].str.endswith("@example.com").all() and not multi["respondent"].str.contains("@").any()
    config = (tmp_path / "multi" / "survey_layout.toml").read_text()
    assert config.count("[[questions]]") == 10 and 'nominees = "trust: strength 5"' in config
    assert not (tmp_path / "wide" / "survey_layout.toml").exists()


def test_bad_layout_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError, match="survey_layout='tall'"):
        generate_demo_org(tmp_path, survey_layout="tall", **TINY)
    with pytest.raises(ValueError, match="people_by='phone'"):
        generate_demo_org(tmp_path, people_by="phone", **TINY)
    with pytest.raises(SystemExit):
        main(["--landing", str(tmp_path), "--survey-layout", "tall"])
