"""deploy/dagster.yaml (docs/scaling.md): the deployment's Dagster instance loads and validates.

Without a PostgreSQL server or a Docker daemon: the whole file is validated against Dagster's own
instance schema (``dagster_instance_config``, which checks ``storage: postgres`` field by field and
the run launcher's module/class/config shape). The launcher's config is also validated against
``DockerRunLauncher``'s schema and the storage's against ``PostgresRunStorage``'s, with the
``deploy`` extra's packages (dagster-docker, dagster-postgres), which requirements.lock pins so
that ``dev.py`` installs them: that test fails, never skips, where they are missing.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

import pytest
import yaml
from dagster._config import validate_config
from dagster._core.errors import DagsterInvalidConfigError
from dagster._core.instance.config import dagster_instance_config

from scl_pipeline.lib.lake import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"
SECRETS = ("DAGSTER_PG_HOST", "DAGSTER_PG_DB", "DAGSTER_PG_USERNAME", "DAGSTER_PG_PASSWORD")


def _load(tmp_path: Path, text: str | None = None) -> dict:
    (tmp_path / "dagster.yaml").write_text(text if text is not None else (DEPLOY / "dagster.yaml").read_text())
    config, custom_class = dagster_instance_config(str(tmp_path))
    assert custom_class is None
    return config


def test_deploy_instance_validates_against_dagsters_schema(tmp_path):
    config = _load(tmp_path)
    pg = config["storage"]["postgres"]["postgres_db"]
    # Secrets are read from the environment, never written in the file.
    assert {pg[k]["env"] for k in ("hostname", "db_name", "username", "password")} == set(SECRETS)
    assert pg["scheme"] == "postgresql+psycopg2"  # the pinned driver; SQLAlchemy 2.1 would pick psycopg 3
    launcher = config["run_launcher"]
    assert (launcher["module"], launcher["class"]) == ("dagster_docker", "DockerRunLauncher")
    assert set(SECRETS) | {"SCL_DATA_LAKE", "SCL_PSEUDONYM_KEY"} <= set(launcher["config"]["env_vars"])
    assert config["concurrency"]["pools"]["default_limit"] == 1  # the duckdb pool, as dagster_home/


def test_a_broken_deploy_file_is_refused(tmp_path):
    broken = (DEPLOY / "dagster.yaml").read_text().replace("db_name:", "database_name:")
    with pytest.raises(DagsterInvalidConfigError):
        _load(tmp_path, broken)


def test_deploy_workspace_points_at_the_code_location():
    workspace = yaml.safe_load((DEPLOY / "workspace.yaml").read_text())
    (entry,) = workspace["load_from"]
    assert entry["grpc_server"]["location_name"] == "scl_pipeline"


def _deploy_classes():
    """DockerRunLauncher and PostgresRunStorage; a clear failure (never a skip) if they are missing."""
    missing = [name for name in ("dagster_docker", "dagster_postgres") if importlib.util.find_spec(name) is None]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not installed: the deploy extra's packages (dagster-docker, "
            "dagster-postgres) are pinned in requirements.lock; set up with `python3 dev.py test` "
            "or `pip install -r requirements.lock`",
            pytrace=False,
        )
    from dagster_docker import DockerRunLauncher
    from dagster_postgres import PostgresRunStorage

    return DockerRunLauncher, PostgresRunStorage


def test_deploy_launcher_and_storage_classes_accept_the_config(tmp_path, monkeypatch):
    DockerRunLauncher, PostgresRunStorage = _deploy_classes()
    config = _load(tmp_path)
    launcher_class = getattr(importlib.import_module(config["run_launcher"]["module"]), config["run_launcher"]["class"])
    assert launcher_class is DockerRunLauncher
    checked = validate_config(DockerRunLauncher.config_type(), config["run_launcher"]["config"])
    assert checked.success, checked.errors
    for name in SECRETS:
        monkeypatch.setenv(name, "x")
    storage = validate_config(PostgresRunStorage.config_type(), config["storage"]["postgres"])
    assert storage.success, storage.errors


def test_a_misspelt_launcher_key_is_refused_by_the_docker_schema(tmp_path):
    # Dagster's instance schema leaves the launcher's config to the launcher: only its schema sees this.
    DockerRunLauncher, _ = _deploy_classes()
    config = _load(tmp_path, (DEPLOY / "dagster.yaml").read_text().replace("container_kwargs:", "container_kwarg:"))
    checked = validate_config(DockerRunLauncher.config_type(), config["run_launcher"]["config"])
    assert not checked.success
    assert "container_kwarg" in str(checked.errors)
