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
    from scl_pipeline import cli

    assert cli.parse_settings(["gates.max_population_change=0.6", "ingestion.case_insensitive_ids=true"]) == {
        "gates": {"max_population_change": "0.6"}, "ingestion": {"case_insensitive_ids": "true"},
    }
    hr, survey = small_org()
    write_wave(lake, "2021-Q1", hr, survey)
    for bad, problem in (("gates=1", "expected RESOURCE.FIELD=VALUE"), ("gates.max_population_chnage=1", "has no setting"),
                         ("gates.max_population_change=lots", "valid number")):
        assert main(["--lake", str(lake.root), "run", "--set", bad]) == 2
        assert problem in capsys.readouterr().err
    seen = {}
    monkeypatch.setattr(cli, "_instance", lambda: (_ for _ in ()).throw(SystemExit(0)))
    import scl_pipeline.definitions as definitions

    original = definitions.build_defs
    monkeypatch.setattr(definitions, "build_defs", lambda *a: seen.setdefault("defs", original(*a)))
    with pytest.raises(SystemExit):
        main(["--lake", str(lake.root), "run", "--set", "gates.min_arcs_ratio=0"])
    assert seen["defs"].resources["gates"].config().min_arcs_ratio == 0.0
