"""Throw-away virtualenvs with pinned packages (another DuckDB release, a BI tool's driver stack),
created by the test set-up with ``python -m venv`` and pip, and Node.js package folders made with
npm, cached between runs.

The cache is ``$SCL_TEST_CACHE`` or ``~/.cache/scl_pipeline``, one folder per name (and Python
minor version for a virtualenv); a folder is reused while its stamp lists exactly the same
requirements, and is built again otherwise. A lock file serialises two test processes
(pytest-xdist) asking for the same one. A failed install is a test failure with the installer's
own message, never a skip.
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


def _cached(tag: str, wanted: str, build) -> Path:
    """``cache_root()/tag``, built by ``build(folder)`` unless its stamp already says ``wanted``."""
    folder = cache_root() / tag
    stamp = folder / _STAMP
    with _lock(cache_root() / f".{tag}.lock"):
        if stamp.is_file() and stamp.read_text() == wanted:
            return folder
        shutil.rmtree(folder, ignore_errors=True)
        try:
            build(folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        stamp.write_text(wanted)
    return folder


def _run(argv: list[str], what: str, cwd: Path | None = None) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S, cwd=cwd)
    if done.returncode != 0:
        raise AssertionError(f"{what} failed:\n{(done.stdout + done.stderr)[-3000:]}")


def throwaway_venv(name: str, requirements: tuple[str, ...]) -> Path:
    """The ``bin`` folder of a cached virtualenv holding exactly ``requirements`` (pinned ``==``)."""
    unpinned = [r for r in requirements if "==" not in r]
    if unpinned:
        raise ValueError(f"pin every requirement with ==: {unpinned}")

    def build(folder: Path) -> None:
        # From the interpreter running the tests: the venv gets its base Python, its own site-packages.
        _run([sys.executable, "-m", "venv", str(folder)], f"python -m venv {folder}")
        _run(
            [str(folder / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q", *requirements],
            f"pip install {' '.join(requirements)} into a throw-away virtualenv ({folder})",
        )

    tag = f"{name}-py{sys.version_info.major}.{sys.version_info.minor}"
    return _cached(tag, "\n".join(sorted(requirements)), build) / "bin"


def throwaway_node_modules(name: str, packages: tuple[str, ...]) -> Path:
    """A cached folder whose ``node_modules`` holds exactly ``packages`` (``name@version``), for ``node``."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        raise AssertionError(f"{', '.join(missing)} not found: install Node.js and npm (.ci/run does when absent)")
    unpinned = [p for p in packages if "@" not in p.lstrip("@")]
    if unpinned:
        raise ValueError(f"pin every package with @version: {unpinned}")

    def build(folder: Path) -> None:
        folder.mkdir(parents=True)
        (folder / "package.json").write_text('{"name": "scl-bi-client", "private": true, "type": "module"}\n')
        _run(["npm", "install", "--no-audit", "--no-fund", "--save-exact", *packages],
             f"npm install {' '.join(packages)} ({folder})", cwd=folder)

    return _cached(name, "\n".join(sorted(packages)), build)
