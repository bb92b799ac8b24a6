import grp
import os
import stat

import pytest

from scl_pipeline.lib.lake_access import (
    SERVING_GROUP_ENV, AccessSettingError, exposed_paths, exposed_warning, make_private_folder, private_umask,
    serving_group, share, share_tree,
)


def other_group() -> int:
    """A group this process may give files to, other than its own when it has one."""
    if os.geteuid() == 0:
        return next((g.gr_gid for g in grp.getgrall() if g.gr_gid != os.getegid()), os.getegid())
    return next((g for g in os.getgroups() if g != os.getegid()), os.getegid())


def mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_files_and_folders_made_under_the_private_umask_are_the_users_only(tmp_path):
    before = os.umask(0o022)
    try:
        with private_umask():
            (tmp_path / "d").mkdir()
            (tmp_path / "d" / "f").write_text("x")
        # The umask is the process's: the block gives it back.
        assert os.umask(0o022) == 0o022
    finally:
        os.umask(before)
    assert (mode(tmp_path / "d"), mode(tmp_path / "d" / "f")) == (0o700, 0o600)


def test_shared_paths_go_to_the_group_and_never_to_everyone(tmp_path):
    gid = other_group()
    (tmp_path / "copy" / "v1").mkdir(parents=True)
    (tmp_path / "copy" / "v1" / "t.parquet").write_bytes(b"x")
    os.chmod(tmp_path / "copy" / "v1" / "t.parquet", 0o666)
    share_tree(tmp_path / "copy", gid)
    for path in (tmp_path / "copy", tmp_path / "copy" / "v1"):
        assert (mode(path), path.stat().st_gid) == (0o750, gid)
    assert (mode(tmp_path / "copy" / "v1" / "t.parquet"), (tmp_path / "copy" / "v1" / "t.parquet").stat().st_gid) == (0o640, gid)
    share_tree(tmp_path / "copy", None)  # no group configured: the user's only
    assert (mode(tmp_path / "copy"), mode(tmp_path / "copy" / "v1" / "t.parquet")) == (0o700, 0o600)


def test_the_serving_group_setting(monkeypatch):
    assert serving_group({}) is None and serving_group({SERVING_GROUP_ENV: "  "}) is None
    name = grp.getgrgid(os.getegid()).gr_name
    assert serving_group({SERVING_GROUP_ENV: name}) == os.getegid()
    assert serving_group({SERVING_GROUP_ENV: str(os.getegid())}) == os.getegid()
    with pytest.raises(AccessSettingError, match=f"{SERVING_GROUP_ENV}='no-such-group-xyz': no such group"):
        serving_group({SERVING_GROUP_ENV: "no-such-group-xyz"})


def test_a_private_folder_is_made_0700_whatever_the_umask_and_an_existing_one_is_left(tmp_path):
    previous = os.umask(0o022)
    try:
        make_private_folder(tmp_path / "a" / "b")
        (tmp_path / "old").mkdir(mode=0o755)
        make_private_folder(tmp_path / "old")
    finally:
        os.umask(previous)
    assert (mode(tmp_path / "a"), mode(tmp_path / "a" / "b"), mode(tmp_path / "old")) == (0o700, 0o700, 0o755)


def _old_lake(lake):
    """A lake as the pipeline left it before issue 22: everything 0755 / 0644 (with the graph
    files it kept under warehouse/graphs/ before issue 25)."""
    graphs = lake.warehouse_path.parent / "graphs"
    for path in (lake.landing / "waves" / "2021-Q1", graphs / "2021-Q1", lake.serving, lake.reports / "2021-Q1"):
        path.mkdir(parents=True, exist_ok=True)
    files = [lake.landing / "waves" / "2021-Q1" / "hr_export.csv", lake.warehouse_path,
             graphs / "2021-Q1" / "arcs.parquet", lake.serving / "scl.duckdb", lake.reports / "2021-Q1" / "report.html",
             lake.warehouse_path.parent / ".gitkeep"]
    for file in files:
        file.write_bytes(b"x")
    for path in [lake.root, *lake.root.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)


def test_an_old_lake_is_named_path_by_path(lake):
    _old_lake(lake)
    exposed = {str(e.path.relative_to(lake.root)): e.who for e in exposed_paths(lake)}
    assert exposed["warehouse/scl.duckdb"] == "everyone"
    assert exposed["warehouse/graphs/2021-Q1/arcs.parquet"] == "everyone"
    assert exposed["landing/waves/2021-Q1/hr_export.csv"] == "everyone"
    assert exposed["serving/scl.duckdb"] == exposed["reports/2021-Q1/report.html"] == "everyone"
    assert "warehouse/.gitkeep" not in exposed  # the repository's placeholder holds nothing
    message = exposed_warning(exposed_paths(lake), lake)
    assert str(lake.warehouse_path) in message and "chmod -R go-rwx" in message

    # Serving and reports may be read by their group; the warehouse by nobody else at all.
    for path in [lake.root, *lake.root.rglob("*")]:
        os.chmod(path, 0o750 if path.is_dir() else 0o640)
    exposed = {str(e.path.relative_to(lake.root)): e.who for e in exposed_paths(lake)}
    assert set(exposed) == {"warehouse", "warehouse/scl.duckdb", "warehouse/graphs", "warehouse/graphs/2021-Q1",
                            "warehouse/graphs/2021-Q1/arcs.parquet"}
    assert set(exposed.values()) == {"its group"}

    # A 0700 warehouse folder hides what is in it; a 0700 lake root hides everything.
    os.chmod(lake.warehouse_path.parent, 0o700)
    assert exposed_paths(lake) == [] and exposed_warning([], lake) is None
    os.chmod(lake.warehouse_path.parent, 0o755)
    os.chmod(lake.root, 0o700)
    assert exposed_paths(lake) == []
