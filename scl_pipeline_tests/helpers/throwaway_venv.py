"""Throw-away virtualenvs with pinned packages (another DuckDB release, a BI tool's driver stack),
created by the test set-up with ``python -m venv`` and pip and cached between runs.

The cache is ``$SCL_TEST_CACHE`` or ``~/.cache/scl_pipeline``, one folder per name and Python
minor version; a folder is reused while its stamp lists exactly the same requirements, and is
built again otherwise. A lock file serialises two test processes (pytest-xdist) asking for the
same one. A failed install is a test failure with pip's own message, never a skip.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from scl_pipeline.lib.lake import REPO_ROOT

INSTALL_TIMEOUT_S = 900
_STAMP = ".scl-requirements"


def cache_root() -> Path:
    return Path(os.environ.get("SCL_TEST_CACHE") or Path.home() / ".cache" / "scl_pipeline")


def locked_version(package: str) -> str:
    """``package==<version>`` as requirements.lock pins it (one pin for the project and the tests)."""
    wanted = package.lower().replace("_", "-")
    for line in (REPO_ROOT / "requirements.lock").read_text().splitlines():
        name, sep, version = line.strip().partition("==")
        if sep and name.lower().replace("_", "-") == wanted:
            return f"{package}=={version.split(';')[0].strip()}"
    raise LookupError(f"{package} is not pinned in requirements.lock")


@contextmanager
def _lock(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def throwaway_venv(name: str, requirements: tuple[str, ...]) -> Path:
    """The ``bin`` folder of a cached virtualenv holding exactly ``requirements`` (pinned ``==``)."""
    unpinned = [r for r in requirements if "==" not in r]
    if unpinned:
        raise ValueError(f"pin every requirement with ==: {unpinned}")
    tag = f"{name}-py{sys.version_info.major}.{sys.version_info.minor}"
    folder = cache_root() / tag
    stamp = folder / _STAMP
    wanted = "\n".join(sorted(requirements))
    with _lock(cache_root() / f".{tag}.lock"):
        if stamp.is_file() and stamp.read_text() == wanted and (folder / "bin" / "python").exists():
            return folder / "bin"
        shutil.rmtree(folder, ignore_errors=True)
        # The base interpreter behind this test run's virtualenv, so the venv has its own site-packages.
        made = subprocess.run(
            [sys.executable, "-m", "venv", str(folder)], capture_output=True, text=True, timeout=120
        )
        if made.returncode != 0:
            raise AssertionError(f"python -m venv {folder} failed:\n{made.stderr[-3000:]}")
        pip = [str(folder / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
        installed = subprocess.run(
            [*pip, *requirements], capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S
        )
        if installed.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            raise AssertionError(
                f"could not install {' '.join(requirements)} into a throw-away virtualenv ({folder}); "
                f"pip said:\n{installed.stderr[-3000:]}"
            )
        stamp.write_text(wanted)
    return folder / "bin"
