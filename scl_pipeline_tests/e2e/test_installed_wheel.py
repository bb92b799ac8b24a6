"""``pip install .`` gives a working pipeline: the wheel, installed where the checkout is out of
sight, runs ``scl demo`` in an empty folder (README, "Install it as a package").

The wheel is built by pip (``pip wheel --no-deps``, with pip's build isolation, as ``pip install .``
builds it) from a copy of the build's inputs, so nothing an earlier build left in the checkout
(``build/``) can slip in. It is installed (``--no-deps``) into a new virtualenv whose only other
packages are the test environment's own (requirements.lock, installed by dev.py): its
site-packages folder is listed in a ``.pth`` file, and Python reads no ``.pth`` file of a folder
listed that way, so the checkout's editable install stays out of sight while no dependency is
installed twice. It runs there with no PYTHONPATH, no SCL_DATA_LAKE and no DAGSTER_HOME, from an
empty temporary folder: the package must find its SQL models and its Dagster instance settings
inside itself, and put the data lake and the Dagster home in that folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import duckdb
import pytest

from scl_pipeline.lib.lake import DataLake
from scl_pipeline.lib.project_files import DAGSTER_HOME_FOLDER, INSTANCE_FILE, REPO_ROOT, SQL_FOLDER

pytestmark = pytest.mark.slow

# What the build reads (setup.py maps the two top-level folders into the package).
BUILD_INPUTS = ("pyproject.toml", "setup.py", "scl_pipeline", SQL_FOLDER, f"{DAGSTER_HOME_FOLDER}/{INSTANCE_FILE}")
# Variables that would point the installed package back at a checkout or at another lake.
UNSET = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "SCL_DATA_LAKE", "DAGSTER_HOME", "SCL_PSEUDONYM_KEY")
DEMO_TIMEOUT_S = 1800


def _build_wheel(out: Path) -> Path:
    source = out / "source"
    for name in BUILD_INPUTS:
        src, dst = REPO_ROOT / name, source / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(src, dst)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-q", "-w", str(out / "dist"),
         str(source)],
        capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, f"pip wheel failed:\n{(done.stdout + done.stderr)[-3000:]}"
    (wheel,) = (out / "dist").glob("scl_pipeline-*.whl")
    return wheel


def _venv_with_locked_packages(folder: Path) -> Path:
    """A new virtualenv (no pip of its own) that sees this environment's installed packages but
    not its editable install of the checkout; returns its ``bin`` folder."""
    done = subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    python = folder / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "scl-test-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return folder / "bin"


def _installed_env(bin_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env["PATH"] = os.pathsep.join([str(bin_dir), env.get("PATH", "")])
    env["DAGSTER_DISABLE_TELEMETRY"] = "yes"
    env["GX_ANALYTICS_ENABLED"] = "false"
    return env


# Run by the installed package: where it is, where its SQL models are, which models it finds.
WHERE = """import json
from scl_pipeline.lib import project_files as f
print(json.dumps({"package": str(f.PACKAGE_DIR), "sql": str(f.sql_root()), "installed": f.is_installed(),
                  "models": sorted(p.relative_to(f.sql_root()).as_posix() for p in f.sql_root().rglob("*.sql"))}))
"""


def _run_installed(bin_dir: Path, wheel: Path, folder: Path) -> tuple[dict, subprocess.CompletedProcess]:
    """Install ``wheel`` into the virtualenv, then, in ``folder``: ``WHERE`` and ``scl demo
    --people 1000``."""
    python = str(bin_dir / "python")
    # This environment's pip installs into the virtualenv (``--python``): the ``scl`` script is the venv's.
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--disable-pip-version-check", "-q",
         str(wheel)],
        capture_output=True, text=True, timeout=600,
    )
    assert install.returncode == 0, f"pip install {wheel.name} failed:\n{install.stderr[-3000:]}"
    env = _installed_env(bin_dir)
    where = subprocess.run([python, "-c", WHERE], capture_output=True, text=True, cwd=folder, env=env, timeout=120)
    assert where.returncode == 0, where.stderr[-3000:]
    demo = subprocess.run(
        [str(bin_dir / "scl"), "demo", "--people", "1000"],
        capture_output=True, text=True, cwd=folder, env=env, timeout=DEMO_TIMEOUT_S,
    )
    return json.loads(where.stdout), demo


def test_the_wheel_runs_the_demo_in_an_empty_folder(tmp_path):
    bin_dir = _venv_with_locked_packages(tmp_path / "venv")
    wheel = _build_wheel(tmp_path / "build")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    # The models and the instance settings inside the package; the tests stay out of the wheel.
    assert f"scl_pipeline/{DAGSTER_HOME_FOLDER}/{INSTANCE_FILE}" in names
    assert f"scl_pipeline/{SQL_FOLDER}/staging/ties.sql" in names
    assert not [n for n in names if n.startswith("scl_pipeline_tests")]
    folder = tmp_path / "empty"
    folder.mkdir()
    where, demo = _run_installed(bin_dir, wheel, folder)
    # The package imported is the installed one, not the checkout, with every model of the checkout.
    package = Path(where["package"])
    assert package.is_relative_to(bin_dir.parent) and not package.is_relative_to(REPO_ROOT), where
    assert Path(where["sql"]) == package / SQL_FOLDER and where["installed"] is True, where
    assert where["models"] == sorted(
        p.relative_to(REPO_ROOT / SQL_FOLDER).as_posix() for p in (REPO_ROOT / SQL_FOLDER).rglob("*.sql")
    )
    assert demo.returncode == 0, f"scl demo failed:\n{demo.stdout[-3000:]}\n{demo.stderr[-3000:]}"

    # The defaults of an installed package: the data lake and the Dagster home in the current folder.
    lake = DataLake(folder / "data_lake")
    assert sorted(p.name for p in folder.iterdir()) == ["dagster_home", "data_lake"]
    assert (folder / DAGSTER_HOME_FOLDER / INSTANCE_FILE).read_text() == (
        REPO_ROOT / DAGSTER_HOME_FOLDER / INSTANCE_FILE
    ).read_text()
    assert str(lake.warehouse_path) in demo.stdout and "marts.wave_summary" in demo.stdout
    with duckdb.connect(str(lake.warehouse_path), read_only=True) as con:
        waves = con.execute("SELECT count(*), min(population) FROM marts.wave_summary").fetchone()
        ties = con.execute("SELECT count(*) FROM staging.ties").fetchone()[0]
    assert waves[0] == 9 and waves[1] > 0 and ties > 0, (waves, ties)
    with duckdb.connect(str(lake.serving / "scl.duckdb"), read_only=True) as con:
        published = con.execute("SELECT table_name FROM serving.published_tables").fetchall()
        summary_rows = con.execute("SELECT count(*) FROM marts.wave_summary").fetchone()[0]
    assert len(published) >= 10 and summary_rows == 9, (published, summary_rows)
    assert any((lake.reports / "program").glob("*.html")), sorted(p.name for p in lake.reports.rglob("*"))
