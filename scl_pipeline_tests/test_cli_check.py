"""``scl check``: a dry run that reads and validates the landed waves as a run would, writes nothing."""

from __future__ import annotations

import pandas as pd

from scl_pipeline.cli import main
from scl_pipeline.lib.lake import DataLake
from scl_pipeline_tests.helpers.landing import write_frame
from scl_pipeline_tests.helpers.survey_tools import qualtrics_csv
from scl_pipeline_tests.lib.ingestion.survey_people import NAMED_HR, SURVEY


def _tree(root) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")}


def _lake(tmp_path) -> DataLake:
    lake = DataLake(tmp_path / "lake")
    write_frame(NAMED_HR, lake.wave_folder("2021-Q1") / "hr_export.csv")
    write_frame(SURVEY, lake.wave_folder("2021-Q1") / "ona_survey.csv")
    write_frame(NAMED_HR, lake.wave_folder("2021-Q2") / "hr_export.csv")
    qualtrics_csv(lake.wave_folder("2021-Q2") / "ona_survey.csv", NAMED_HR, SURVEY)
    return lake


def test_check_prints_each_file_and_writes_nothing(tmp_path, capsys):
    lake = _lake(tmp_path)
    before = _tree(lake.root)
    assert main(["--lake", str(lake.root), "check"]) == 0
    out = capsys.readouterr().out
    assert _tree(lake.root) == before and not lake.warehouse_path.exists()
    assert "2021-Q1: would load" in out and "read as the contract's long file, streamed" in out
    assert "2021-Q2: would load" in out and "recognised: layout wide; 3 header row(s); respondent column 'RecipientEmail'" in out
    assert f"nominations read: {len(SURVEY)}" in out and "8 by e-mail, 8 by name" in out
    assert f"answer labels mapped: {len(SURVEY)} (scale never_very_often)" in out
    assert "a run would quarantine nothing" in out and "All 2 wave(s) would load." in out
    for name in NAMED_HR["full_name"].tolist() + NAMED_HR["email"].tolist():
        assert name not in out


def test_check_exits_1_naming_what_a_run_would_reject(tmp_path, capsys):
    lake = _lake(tmp_path)
    path = lake.wave_folder("2021-Q2") / "ona_survey.csv"
    path.write_text(path.read_text().replace(",Seldom", ",Hardly ever"))
    hr = NAMED_HR.copy()
    hr.loc[7, "full_name"] = "Ana Berg"  # two people called Ana Berg
    write_frame(hr, lake.wave_folder("2021-Q2") / "hr_export.csv")
    write_frame(pd.DataFrame({"Email": ["person1@example.com"], "Colour": ["blue"]}), lake.wave_folder("2021-Q3") / "ona_survey.csv")
    write_frame(NAMED_HR, lake.wave_folder("2021-Q3") / "hr_export.csv")
    assert main(["--lake", str(lake.root), "check", "--waves", "2021-Q2:2021-Q3"]) == 1
    out = capsys.readouterr().out
    assert "2021-Q1" not in out
    assert "2021-Q2: would be REJECTED" in out and "ona_survey.strength_label_on_scale" in out and "'Hardly ever'" in out
    assert "ambiguous: 1" in out and "ona_survey.nominee_identified:" in out
    assert "2021-Q3: would be REJECTED" in out and "cannot tell its layout" in out
    assert "2 of 2 wave(s) would be rejected: 2021-Q2, 2021-Q3" in out
    assert "Ana Berg" not in out and not lake.warehouse_path.exists()


def test_demo_passes_the_survey_layout_and_naming_to_the_generator(tmp_path, monkeypatch):
    import scl_pipeline.cli as cli
    from scl_pipeline.lib import demo

    asked = {}
    monkeypatch.setattr(demo, "generate_demo_org", lambda landing, **kwargs: asked.update(kwargs))
    monkeypatch.setattr(cli, "run_waves", lambda lake, waves, **options: 0)
    monkeypatch.setattr(cli, "_demo_key_needed", lambda: True)
    assert main(["--lake", str(tmp_path / "lake"), "demo", "--people", "1000", "--survey-layout", "wide", "--people-by", "name"]) == 0
    assert (asked["survey_layout"], asked["people_by"], asked["people"]) == ("wide", "name", 1000)


def test_check_gates_against_the_loaded_previous_wave_without_touching_the_warehouse(tmp_path, capsys):
    from scl_pipeline_tests.helpers.dagster import materialize_wave

    lake = _lake(tmp_path)
    materialize_wave(lake, "2021-Q1")
    # 2021-Q2: half the people are gone from the HR export (their rows are quarantined), a
    # collapse the population gate rejects against the loaded 2021-Q1.
    write_frame(NAMED_HR.iloc[:4], lake.wave_folder("2021-Q2") / "hr_export.csv")
    stamp = _tree(lake.root)  # the warehouse of 2021-Q1 included
    assert main(["--lake", str(lake.root), "check", "--waves", "2021-Q2", "--set", "gates.max_quarantined_share=1"]) == 1
    out = capsys.readouterr().out
    assert "2021-Q2: would be REJECTED" in out and "gate failed:" in out and "population" in out
    assert _tree(lake.root) == stamp


def test_check_follows_the_runs_blank_strength_policy(tmp_path, capsys):
    # A strength column blank on some rows: a run quarantines those rows by default (issue 22),
    # and loads them as weak ties with ingestion.blank_strength=not_strong; check says the same.
    lake = DataLake(tmp_path / "lake")
    survey = SURVEY.astype({"strength": object})
    survey.loc[[0, 4], "strength"] = None
    write_frame(NAMED_HR, lake.wave_folder("2021-Q1") / "hr_export.csv")
    write_frame(survey, lake.wave_folder("2021-Q1") / "ona_survey.csv")
    relaxed = ["--set", "gates.max_quarantined_share=1"]
    assert main(["--lake", str(lake.root), "check", *relaxed]) == 0
    out = capsys.readouterr().out
    assert "ona_survey.strength_not_blank: 2" in out
    assert main(["--lake", str(lake.root), "check", *relaxed, "--set", "ingestion.blank_strength=not_strong"]) == 0
    out = capsys.readouterr().out
    assert "strength_not_blank" not in out and "a run would quarantine nothing" in out
