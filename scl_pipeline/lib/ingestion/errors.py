"""The one error type for landing files a person must fix."""

from __future__ import annotations

from pathlib import Path


class LandingFileError(ValueError):
    """A landing file that cannot be used, with the file and the problem in one message."""

    def __init__(self, path: Path | str, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")
