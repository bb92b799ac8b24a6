"""The one error type for landing files a person must fix."""

from __future__ import annotations

from pathlib import Path


class LandingFileError(ValueError):
    """A landing file that cannot be used, with the file and the problem in one message.

    ``problem`` follows :mod:`.disclosure` (no personal cell values). ``published`` is the
    problem as ``marts.data_quality`` publishes it to BI; it defaults to ``problem`` and is set
    when the problem names something of the server (a link target outside the lake).
    """

    def __init__(self, path: Path | str, problem: str, published: str | None = None):
        self.path = str(path)
        self.problem = problem
        self.published = published or problem
        super().__init__(f"{self.path}: {problem}")
