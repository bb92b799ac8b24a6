"""``scl run --set`` reaches the issue 22 settings: the blank policies and the roster gate."""

import pytest

from scl_pipeline.cli import main
from scl_pipeline_tests.helpers.landing import small_org, write_wave


def test_run_set_takes_the_blank_policies_and_the_roster_gate_and_refuses_an_unknown_policy(lake, capsys, monkeypatch):
    from scl_pipeline import cli_runs
    import scl_pipeline.definitions as definitions

    write_wave(lake, "2021-Q1", *small_org())
    assert main(["--lake", str(lake.root), "run", "--set", "ingestion.blank_strength=sometimes"]) == 2
    assert "'quarantine', 'not_strong' or 'strong'" in capsys.readouterr().err
    seen = {}
    monkeypatch.setattr(cli_runs, "open_instance", lambda: (_ for _ in ()).throw(SystemExit(0)))
    original = definitions.build_defs
    monkeypatch.setattr(definitions, "build_defs", lambda *a: seen.setdefault("defs", original(*a)))
    with pytest.raises(SystemExit):
        main(["--lake", str(lake.root), "run", "--set", "ingestion.blank_strength=not_strong",
              "--set", "ingestion.blank_relation=primary", "--set", "gates.min_roster_presence_ratio=0.25"])
    config = seen["defs"].resources["ingestion"].config()
    assert (config.blank_strength, config.blank_relation) == ("not_strong", "primary")
    assert seen["defs"].resources["gates"].config().min_roster_presence_ratio == 0.25
