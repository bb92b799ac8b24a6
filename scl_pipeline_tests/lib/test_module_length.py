"""No module of ``scl_pipeline/`` is over 300 lines: past that a module has held more than one job
each time (issue 25 §5); split it by job rather than raise the limit."""

from __future__ import annotations

from pathlib import Path

import scl_pipeline

PACKAGE = Path(scl_pipeline.__file__).parent
MAX_LINES = 300


def long_modules(package: Path, limit: int = MAX_LINES) -> list[str]:
    """``"<path> (<n> lines)"`` for each ``.py`` file below ``package`` longer than ``limit``,
    longest first, the path from the package's parent."""
    found = []
    for path in package.rglob("*.py"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            found.append((lines, path.relative_to(package.parent).as_posix()))
    return [f"{name} ({lines} lines)" for lines, name in sorted(found, key=lambda f: (-f[0], f[1]))]


def test_no_module_is_over_300_lines():
    assert long_modules(PACKAGE) == []


def test_the_checker_names_a_long_module_and_its_length(tmp_path):
    """The check above would fail on the fault it looks for, and only on it."""
    package = tmp_path / "scl_pipeline"
    (package / "lib" / "deep").mkdir(parents=True)
    (package / "cli.py").write_text("x = 1\n" * MAX_LINES)
    (package / "lib" / "deep" / "long.py").write_text("x = 1\n" * (MAX_LINES + 1))
    (package / "lib" / "longer.py").write_text("x = 1\n" * (MAX_LINES + 40))
    assert long_modules(package) == ["scl_pipeline/lib/longer.py (340 lines)", "scl_pipeline/lib/deep/long.py (301 lines)"]
