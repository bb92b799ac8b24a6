"""The CLI refuses what would harm real data, with one line instead of a stack trace."""


import pytest

from scl_pipeline.cli import main
from scl_pipeline_tests.helpers.landing import small_org, write_wave


def test_demo_refuses_a_lake_with_real_exports(lake, capsys):
    hr, survey = small_org()
    write_wave(lake, "2021-Q1", hr, survey)
    assert main(["--lake", str(lake.root), "demo", "--regenerate"]) == 2
    assert "not the demo organisation's" in capsys.readouterr().err
    assert (lake.wave_folder("2021-Q1") / "hr_export.csv").exists(), "nothing was wiped"


def test_run_skips_a_misnamed_wave_folder_with_a_one_line_note(lake, capsys, caplog):
    # Issue 15.5: a misnamed folder must not block runs of the other waves. (Asking for a wave
    # that has not landed keeps this test from running the pipeline; landed_waves' own test
    # shows the good wave is still listed.)
    hr, survey = small_org()
    write_wave(lake, "2021-Q1", hr, survey)
    (lake.landing / "waves" / "2021Q2").mkdir()
    with caplog.at_level("WARNING"):
        assert main(["--lake", str(lake.root), "run", "--waves", "2030-Q1"]) == 2
    # main() prints library warnings as "  note: ..." lines (pytest captures them here).
    assert "skipping folder(s) ['2021Q2']: not named YYYY-Qn" in caplog.text
    assert "Traceback" not in capsys.readouterr().err


def test_run_without_waves_says_so(lake, capsys):
    assert main(["--lake", str(lake.root), "run"]) == 2
    assert "No landed waves" in capsys.readouterr().err


def test_run_set_changes_a_setting_and_refuses_bad_ones(lake, capsys, monkeypatch):
    from scl_pipeline import cli_runs
    from scl_pipeline.cli_settings import parse_settings

    assert parse_settings(["gates.max_population_change=0.6", "ingestion.case_insensitive_ids=true"]) == {
        "gates": {"max_population_change": "0.6"}, "ingestion": {"case_insensitive_ids": "true"},
    }
    hr, survey = small_org()
    write_wave(lake, "2021-Q1", hr, survey)
    for bad, problem in (("gates=1", "expected RESOURCE.FIELD=VALUE"), ("gates.max_population_chnage=1", "has no setting"),
                         ("gates.max_population_change=lots", "valid number")):
        assert main(["--lake", str(lake.root), "run", "--set", bad]) == 2
        assert problem in capsys.readouterr().err
    seen = {}
    monkeypatch.setattr(cli_runs, "open_instance", lambda: (_ for _ in ()).throw(SystemExit(0)))
    import scl_pipeline.definitions as definitions

    original = definitions.build_defs
    monkeypatch.setattr(definitions, "build_defs", lambda *a: seen.setdefault("defs", original(*a)))
    with pytest.raises(SystemExit):
        main(["--lake", str(lake.root), "run", "--set", "gates.min_arcs_ratio=0"])
    assert seen["defs"].resources["gates"].config().min_arcs_ratio == 0.0


def test_run_prints_the_quarantined_rows_per_file(lake, capsys, monkeypatch, tmp_path):
    # Issue 15.5: rows set aside must not go unmentioned in the CLI output.
    import pandas as pd

    from scl_pipeline.lib.serving.pseudonyms import PSEUDONYM_KEY_ENV

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, "cli-test-key-0123456789abcdef")
    hr, survey = small_org()
    strangers = pd.DataFrame({"respondent_id": ["E1", "E2", "E2"], "nominee_id": ["X1", "X2", "X3"],
                              "strength": [5, 5, 4], "relation": ["trust"] * 3})
    write_wave(lake, "2021-Q1", hr, pd.concat([survey, strangers], ignore_index=True))
    write_wave(lake, "2021-Q2", hr, survey)
    assert main(["--lake", str(lake.root), "run"]) == 0
    out = capsys.readouterr().out
    section = out.split("Quarantined rows", 1)[1].split("\n\n", 1)[0].splitlines()
    assert section[1:] == ["  waves/2021-Q1/ona_survey.csv: 3 row(s)"], out


def test_demo_regenerate_keeps_the_tracked_placeholders(lake, capsys, monkeypatch):
    # Issue 15.5: `dev.py demo --regenerate` deleted the repository's data_lake/*/.gitkeep files.
    import json

    from scl_pipeline import cli
    from scl_pipeline.lib import demo
    from scl_pipeline.lib.lake import PLACEHOLDER

    folders = (lake.landing, lake.warehouse_path.parent, lake.serving)
    for folder in folders:
        folder.mkdir(parents=True)
        (folder / PLACEHOLDER).touch()
    old_wave = lake.wave_folder("2020-Q4")
    old_wave.mkdir(parents=True)
    (lake.landing / demo.TRUTH_FILE).write_text(json.dumps({}))
    (lake.warehouse_path).write_text("old warehouse")
    (lake.serving / "parquet").symlink_to(lake.root)  # removed, not followed

    def generate(landing, people, seed, **export):  # export: survey_layout, people_by
        hr, survey = small_org()
        write_wave(cli.DataLake(landing.parent), "2021-Q1", hr, survey)
        (landing / demo.TRUTH_FILE).write_text(json.dumps({"people": people}))

    monkeypatch.setattr(demo, "generate_demo_org", generate)
    ran = {}
    monkeypatch.setattr(cli, "run_waves", lambda lake, waves, allow_demo_key=False, force=False: ran.setdefault("waves", waves) and 0)
    assert main(["--lake", str(lake.root), "demo", "--regenerate", "--people", "1000"]) == 0
    assert ran["waves"] == ["2021-Q1"] and not old_wave.exists()
    assert not lake.warehouse_path.exists() and not (lake.serving / "parquet").is_symlink()
    assert lake.root.is_dir() and all((f / PLACEHOLDER).is_file() for f in folders)
