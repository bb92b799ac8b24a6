"""Readers in other processes during publishes, and publishers killed mid-way."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from scl_pipeline.lib.project_files import REPO_ROOT
from scl_pipeline.lib.serving.pseudonyms import PSEUDONYM_KEY_ENV, PseudonymKey
from scl_pipeline.lib.serving.publish import STAGES, publish_serving
from scl_pipeline_tests.lib.serving.helpers import TEST_KEY, build_warehouse, serving_state

ROOT = REPO_ROOT  # the checkout: subprocesses import scl_pipeline_tests from it


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), PSEUDONYM_KEY_ENV: TEST_KEY}


def _wait_for(path: Path, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"process ended early: {proc.communicate()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {path}")
        time.sleep(0.01)


def test_readers_see_one_whole_version_while_publish_repeats(tmp_path):
    wh, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving"
    build_warehouse(wh)
    first = publish_serving(wh, serving, PseudonymKey(TEST_KEY)).version
    stop = tmp_path / "stop"
    readers = {}
    for mode in ("hold", "reopen"):
        ready = tmp_path / f"ready-{mode}"
        readers[mode] = subprocess.Popen(
            [sys.executable, "-m", "scl_pipeline_tests.lib.serving.reader_proc",
             str(serving), mode, str(ready), str(stop)],
            cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _wait_for(ready, readers[mode])
    published = {first}
    counts = set()
    try:
        for i in range(10):
            build_warehouse(wh, extra_waves=i % 3)  # needs the write lock right after a publish
            report = publish_serving(wh, serving, PseudonymKey(TEST_KEY))
            published.add(report.version)
            counts.add(report.row_counts["person_wave_metrics"])
            time.sleep(0.05)
    finally:
        stop.touch()
        results = {m: p.communicate(timeout=60) for m, p in readers.items()}
    hold, reopen = (json.loads(results[m][0]) for m in ("hold", "reopen"))
    assert readers["hold"].returncode == readers["reopen"].returncode == 0, results
    assert len(counts) == 3
    assert hold["errors"] == [] and hold["versions"] == [first] and hold["checks"] > 10
    assert reopen["errors"] == [] and reopen["checks"] > 10
    assert len(reopen["versions"]) >= 3 and set(reopen["versions"]) <= published


@pytest.mark.parametrize("stage", STAGES)
def test_kill_during_publish_leaves_previous_copy_and_next_publish_works(tmp_path, stage):
    wh, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving"
    build_warehouse(wh)
    old = publish_serving(wh, serving, PseudonymKey(TEST_KEY))
    build_warehouse(wh, extra_waves=1)
    marker = tmp_path / "paused"
    proc = subprocess.Popen(
        [sys.executable, "-m", "scl_pipeline_tests.lib.serving.publisher_proc",
         str(wh), str(serving), stage, str(marker)],
        cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for(marker, proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)

    state = serving_state(serving)  # each of the two copies is whole and self-consistent
    swapped_db = STAGES.index(stage) >= STAGES.index("duckdb_swapped")
    swapped_pq = STAGES.index(stage) >= STAGES.index("parquet_swapped")
    assert (state["db_version"] != old.version) is swapped_db
    assert (state["pq_version"] != old.version) is swapped_pq
    if not swapped_db:
        assert state["db_rows"] == old.row_counts
    duckdb.connect(str(wh)).close()  # the killed publisher does not keep the warehouse locked

    new = publish_serving(wh, serving, PseudonymKey(TEST_KEY))
    state = serving_state(serving)
    assert state["db_version"] == state["pq_version"] == new.version
    assert state["db_rows"] == new.row_counts != old.row_counts
    leftovers = [p.name for p in serving.glob(".*tmp-*")] + [
        p.name for p in (serving / "parquet_versions").glob(".tmp-*")] + [
        p.name for p in serving.glob(".parquet.link-*")]
    assert leftovers == []
