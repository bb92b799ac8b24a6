"""Write landing files for tests: small hand-made waves in any contract format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from scl_pipeline.lib.ingestion.errors import LandingFileError
from scl_pipeline.lib.lake import DataLake


def write_frame(frame: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lstrip(".")
    if suffix == "csv":
        frame.to_csv(path, index=False)
    elif suffix == "parquet":
        frame.to_parquet(path, index=False)
    elif suffix == "xlsx":
        frame.to_excel(path, index=False)
    else:
        raise ValueError(suffix)
    return path


def refusal(read: Callable[[Path], object], path: Path, text: str, match: str | None = None) -> str:
    """Write ``text`` to ``path`` and read it with ``read``: the message of the
    :class:`LandingFileError` it must raise (matching ``match`` when given)."""
    path.write_text(text)
    with pytest.raises(LandingFileError, match=match) as info:
        read(path)
    return str(info.value)


def write_wave(lake: DataLake, wave: str, hr: pd.DataFrame, survey: pd.DataFrame, fmt: str = "csv") -> None:
    folder = lake.wave_folder(wave)
    for stale in folder.glob("*.*") if folder.is_dir() else []:
        stale.unlink()
    write_frame(hr, folder / f"hr_export.{fmt}")
    write_frame(survey, folder / f"ona_survey.{fmt}")


def small_org() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Eight people in three countries; strengths chosen so strong and weak ties both occur."""
    hr = pd.DataFrame(
        {
            "employee_id": [f"E{i}" for i in range(1, 9)],
            "country": ["CH", "CH", "CH", "DE", "DE", "BR", "BR", "BR"],
            "department": ["R&D", "R&D", "Sales", "Sales", "R&D", "Ops", "Ops", "Sales"],
            "level": ["IC", "Manager", "IC", "IC", "Director", "IC", "IC", "Manager"],
        }
    )
    arcs = [
        ("E1", "E2", 5), ("E2", "E1", 4), ("E1", "E3", 4), ("E3", "E2", 2), ("E2", "E4", 5),
        ("E4", "E5", 4), ("E5", "E4", 5), ("E5", "E6", 4), ("E6", "E7", 5), ("E7", "E6", 5),
        ("E7", "E8", 3), ("E8", "E6", 4), ("E3", "E1", 1),
    ]
    survey = pd.DataFrame(arcs, columns=["respondent_id", "nominee_id", "strength"])
    survey["relation"] = "trust"
    return hr, survey
