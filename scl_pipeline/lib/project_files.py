"""The project's own files (SQL models, Dagster instance settings) and the default home of a run's
data, for the package run from a checkout and installed as a wheel alike.

The developers' guide keeps ``dbt_like_sql/`` and ``dagster_home/dagster.yaml`` at the top of the
repository; a wheel carries copies of both inside the package (``setup.py`` maps them in). A
package that carries them is installed: its data lake and Dagster home default to the current
folder. One that does not runs from a checkout (``dev.py``, an editable install): the
repository's folders, as they always were.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
# The folder holding the package: the repository in a checkout (site-packages when installed).
REPO_ROOT = PACKAGE_DIR.parent
SQL_FOLDER = "dbt_like_sql"
DAGSTER_HOME_FOLDER = "dagster_home"
INSTANCE_FILE = "dagster.yaml"


def is_installed() -> bool:
    """True when the package carries its own SQL models (a wheel), False in a checkout."""
    return (PACKAGE_DIR / SQL_FOLDER).is_dir()


def _files_root() -> Path:
    return PACKAGE_DIR if is_installed() else REPO_ROOT


def sql_root() -> Path:
    """The SQL models' folder (``<schema>/<table>.sql`` below it)."""
    return _files_root() / SQL_FOLDER


def instance_settings() -> Path:
    """The project's ``dagster.yaml`` (the ``duckdb`` pool's limit, run concurrency), copied into a
    Dagster home that has none."""
    return _files_root() / DAGSTER_HOME_FOLDER / INSTANCE_FILE


def data_root() -> Path:
    """Where the default data lake (``data_lake/``) and Dagster home (``dagster_home/``) are: the
    repository in a checkout, the current folder for an installed package."""
    return Path.cwd() if is_installed() else REPO_ROOT
