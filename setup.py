"""The one packaging step pyproject.toml cannot say: the wheel carries the SQL models and the
Dagster instance settings inside the package, where ``lib/project_files.py`` finds them.

The developers' guide keeps ``dbt_like_sql/`` and ``dagster_home/`` at the top of the repository;
setuptools' ``package_dir`` maps each in as a package of the wheel (``scl_pipeline.dbt_like_sql``,
``scl_pipeline.dagster_home``), and ``[tool.setuptools.package-data]`` in pyproject.toml lists
their files (only those: ``dagster_home/`` also holds a checkout's run history). A mapped package
must be listed by name, so the packages are found here rather than by ``packages.find`` there.
"""

from setuptools import find_packages, setup

SHIPPED = {"scl_pipeline.dbt_like_sql": "dbt_like_sql", "scl_pipeline.dagster_home": "dagster_home"}

setup(packages=[*find_packages(include=["scl_pipeline", "scl_pipeline.*"]), *SHIPPED], package_dir=SHIPPED)
