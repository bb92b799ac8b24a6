"""The CLI refuses what would harm real data, with one line instead of a stack trace."""


from scl_pipeline.cli import main
from scl_pipeline_tests.helpers.landing import small_org, write_wave


def test_demo_refuses_a_lake_with_real_exports(lake, capsys):
    hr, survey = small_org()
    write_wave(lake, "2021-Q1", hr, survey)
    assert main(["--lake", str(lake.root), "demo", "--regenerate"]) == 2
    assert "not the demo organisation's" in capsys.readouterr().err
    assert (lake.wave_folder("2021-Q1") / "hr_export.csv").exists(), "nothing was wiped"


def test_run_reports_a_misnamed_wave_folder_in_one_line(lake, capsys):
    hr, survey = small_org()
    write_wave(lake, "2021-Q1", hr, survey)
    (lake.landing / "waves" / "2021Q2").mkdir()
    assert main(["--lake", str(lake.root), "run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("scl: ") and "['2021Q2'] are not named YYYY-Qn" in err and "Traceback" not in err


def test_run_without_waves_says_so(lake, capsys):
    assert main(["--lake", str(lake.root), "run"]) == 2
    assert "No landed waves" in capsys.readouterr().err
