"""Issue 22 §4: a run leaves the warehouse readable by its user only, the serving copy and the
reports by the serving group only, and warns about a lake that others can read."""

import logging
import os
import stat

import dagster as dg

from scl_pipeline.definitions import build_defs
from scl_pipeline.lib.lake_access import SERVING_GROUP_ENV
from scl_pipeline.lib.serving.pseudonyms import PSEUDONYM_KEY_ENV
from scl_pipeline.runner import run_pipeline
from scl_pipeline_tests.helpers.landing import small_org, write_wave
from scl_pipeline_tests.lib.test_lake_access import other_group


def _tree(folder):
    return [p for p in [folder, *folder.rglob("*")] if not p.is_symlink()]


def test_a_run_writes_a_private_warehouse_and_a_copy_for_the_serving_group_only(lake, monkeypatch):
    gid = other_group()
    monkeypatch.setenv(PSEUDONYM_KEY_ENV, "permissions-test-key-0123456789abcdef")
    monkeypatch.setenv(SERVING_GROUP_ENV, str(gid))
    write_wave(lake, "2021-Q1", *small_org())
    write_wave(lake, "2021-Q2", *small_org())
    # An old lake: its root and warehouse folder (0755) hold a file everyone can read. The modes
    # are set, not left to the umask: an earlier run in this process set the pipeline's 077.
    lake.root.mkdir(parents=True, exist_ok=True)
    os.chmod(lake.root, 0o755)
    lake.warehouse_path.parent.mkdir(parents=True)
    os.chmod(lake.warehouse_path.parent, 0o755)
    old = lake.warehouse_path.parent / "export_2019.csv"
    old.write_text("employee_id\nE1\n")
    os.chmod(old, 0o644)

    instance = dg.DagsterInstance.ephemeral()
    results = run_pipeline(build_defs(lake.root), ["2021-Q1", "2021-Q2"], instance, echo=lambda _: None)
    assert all(r.success for r in results), [(r.wave, r.stage, r.error) for r in results if not r.success]

    # Everything the run wrote in the warehouse (the DuckDB file, graph snapshots included) is the user's only.
    written = [p for p in _tree(lake.warehouse_path.parent) if p not in (old, lake.warehouse_path.parent)]
    assert lake.warehouse_path in written
    # (files 0600; folders, if a library makes any, 0700: the graphs are no longer files of their own)
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in written if p.is_file()} == {"0o600"}
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in written if p.is_dir()} <= {"0o700"}

    # The serving copy and the reports: the group reads, nobody else (the publish lock is the pipeline's).
    shared = [p for p in _tree(lake.serving) + _tree(lake.reports) if p.name != ".publish.lock"]
    assert any(p.name == "report.html" for p in shared) and any(p.suffix == ".parquet" for p in shared)
    assert {(stat.S_IMODE(p.stat().st_mode), p.stat().st_gid) for p in shared if p.is_dir()} == {(0o750, gid)}
    assert {(stat.S_IMODE(p.stat().st_mode), p.stat().st_gid) for p in shared if p.is_file()} == {(0o640, gid)}
    assert stat.S_IMODE((lake.serving / ".publish.lock").stat().st_mode) == 0o600

    # The old file is left as it was, and every run said so, naming it.
    assert stat.S_IMODE(old.stat().st_mode) == 0o644
    warnings = [
        e.user_message for r in instance.get_run_records() for e in instance.all_logs(r.dagster_run.run_id)
        if e.level == logging.WARNING and "readable beyond the pipeline's user" in e.user_message
    ]
    assert len(warnings) == len(instance.get_run_records()) and all(str(old) in w for w in warnings)
