"""Where the package finds its own files and puts its data: a checkout, or an installed wheel that
carries the SQL models and dagster.yaml inside the package (the wheel itself:
e2e/test_installed_wheel.py)."""

from pathlib import Path

from scl_pipeline.lib import project_files
from scl_pipeline.lib.lake import DATA_LAKE_ENV, default_root, default_root_help


def test_a_checkout_uses_the_repository_folders(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(DATA_LAKE_ENV, raising=False)
    root = project_files.REPO_ROOT
    assert (root / "pyproject.toml").is_file()
    assert not project_files.is_installed()
    assert project_files.sql_root() == root / "dbt_like_sql"
    assert project_files.instance_settings() == root / "dagster_home" / "dagster.yaml"
    assert project_files.instance_settings().is_file()
    assert default_root() == (root / "data_lake").resolve()
    assert default_root_help() == f"$SCL_DATA_LAKE, else {root / 'data_lake'} (this checkout's)"


def test_an_installed_package_uses_its_own_copies_and_the_current_folder(monkeypatch, tmp_path):
    package = tmp_path / "site-packages" / "scl_pipeline"
    (package / "dbt_like_sql" / "staging").mkdir(parents=True)
    (package / "dagster_home").mkdir()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setattr(project_files, "PACKAGE_DIR", package)
    monkeypatch.chdir(work)
    monkeypatch.delenv(DATA_LAKE_ENV, raising=False)
    assert project_files.is_installed()
    assert project_files.sql_root() == package / "dbt_like_sql"
    assert project_files.instance_settings() == package / "dagster_home" / "dagster.yaml"
    assert project_files.data_root() == Path.cwd()
    assert default_root() == (work / "data_lake").resolve()
    assert default_root_help() == "$SCL_DATA_LAKE, else ./data_lake"
    monkeypatch.setenv(DATA_LAKE_ENV, str(tmp_path / "elsewhere"))
    assert default_root() == (tmp_path / "elsewhere").resolve()
