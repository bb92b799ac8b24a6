"""A small demo lake run through the whole pipeline (``scl run``'s jobs), for the report tests."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pandas as pd
from PIL import Image

from scl_pipeline.definitions import build_defs
from scl_pipeline.lib.demo import DemoTruth, generate_demo_org
from scl_pipeline.lib.lake import DataLake
from scl_pipeline.runner import StageResult, run_pipeline

# Three waves (the fewest the demo story has) of the smallest demo organisation.
PEOPLE, FIRST, LAST = 1_000, "2020-Q4", "2021-Q2"
_DATA_URI = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")


@dataclass
class ReportLake:
    lake: DataLake
    truth: DemoTruth
    instance: dg.DagsterInstance
    defs: dg.Definitions

    def run(self, waves: list[str]) -> list[StageResult]:
        results = run_pipeline(self.defs, waves, self.instance, echo=lambda _: None)
        assert all(r.success for r in results), [(r.wave, r.stage, r.error) for r in results if not r.success]
        return results


def report_lake(root: Path) -> ReportLake:
    lake = DataLake(root / "lake")
    truth = generate_demo_org(lake.landing, people=PEOPLE, first_wave=FIRST, last_wave=LAST)
    ran = ReportLake(lake, truth, dg.DagsterInstance.ephemeral(), build_defs(lake.root, allow_demo_key=True))
    ran.run(truth.waves)
    return ran


def pictures(folder: Path) -> dict[str, bytes]:
    """Every PNG of the reports under ``folder``: ``<page>/<file>`` -> bytes."""
    return {f"{p.parent.name}/{p.name}": p.read_bytes() for p in sorted(folder.glob("*/*.png"))}


def png_size(data: bytes) -> tuple[int, int]:
    """The size of a PNG that decodes whole (PIL verifies its chunks); an error otherwise."""
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        image.verify()
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.size


def without_pictures(text: str) -> str:
    """``text`` without its embedded PNGs: what a reader can read (base64 could match an id by chance)."""
    return _DATA_URI.sub("", text)


def landed_identities(lake: DataLake) -> set[str]:
    """Every employee id, name and e-mail address in the landing files (HR exports, roster)."""
    values: set[str] = set()
    for path in [*lake.landing.glob("waves/*/hr_export.csv"), *lake.program_folder.glob("participants.csv")]:
        frame = pd.read_csv(path, dtype=str)
        for column in ("employee_id", "full_name", "email", "manager_id"):
            if column in frame:
                values |= set(frame[column].dropna())
    return values
