"""Convert the real datasets in ``scl_pipeline_tests/datasets/`` into landing-format DataFrames.

The files are read as they are (never edited); the result has the columns of
``contract.HR_EXPORT`` and ``contract.ONA_SURVEY`` with string ids. None of the datasets has a
tie strength, so ``strength`` stays empty (every tie counts as strong). The relation under test
is renamed ``trust`` (parameter ``primary``); the others keep their names.

Stand-ins, documented because the datasets have no countries:
- Lazega: office -> country, 1 Boston -> US, 2 Hartford -> CA, 3 Providence -> MX; status ->
  level (partner / associate); practice -> department (litigation / corporate).
- Krackhardt: one country per department, DEPT 0 (the CEO) -> US, 1 -> US, 2 -> CA, 3 -> MX,
  4 -> BR; DEPT -> department (``D0``..``D4``), LEVEL -> level (``1`` CEO, ``2`` VP, ``3``).
- Kapferer: one country (ZM, the Kabwe tailor shop), department ``tailor_shop``, level
  ``worker``.
Ids: Lazega = seniority (1..71), Krackhardt = ID (1..21), Kapferer = 0-based id + 1.

The files live in ``scl_pipeline_tests/datasets/`` with their provenance and licence notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from scl_pipeline.lib.contract import DEFAULT_RELATION, HR_EXPORT, ONA_SURVEY
from scl_pipeline_tests.helpers.staging import stage_ties

DATASETS_DIR = Path(__file__).resolve().parents[1] / "datasets"
LAZEGA_OFFICE_COUNTRY = {1: "US", 2: "CA", 3: "MX"}
KRACKHARDT_DEPT_COUNTRY = {0: "US", 1: "US", 2: "CA", 3: "MX", 4: "BR"}
KAPFERER_SIZE = 39


@dataclass(frozen=True)
class Dataset:
    """Landing-format tables of one dataset (one wave)."""

    name: str
    hr: pd.DataFrame
    survey: pd.DataFrame


def datasets_dir() -> Path:
    """The ``datasets`` folder of the test package (copied in with provenance, see its README)."""
    return DATASETS_DIR


def _hr(ids, country, department, level, **optional) -> pd.DataFrame:
    frame = pd.DataFrame(
        {"employee_id": [str(i) for i in ids], "country": list(country),
         "department": [str(d) for d in department], "level": [str(x) for x in level]}
    )
    for col in HR_EXPORT.optional:
        frame[col] = optional.get(col, pd.Series([pd.NA] * len(frame), dtype="object"))
    return frame[list(HR_EXPORT.columns)]


def _survey(parts: list[tuple[str, np.ndarray, np.ndarray]], primary: str) -> pd.DataFrame:
    frames = []
    for relation, src, dst in parts:
        name = DEFAULT_RELATION if relation == primary else relation
        frames.append(pd.DataFrame({
            "respondent_id": [str(i) for i in src], "nominee_id": [str(j) for j in dst],
            "relation": name,
        }))
    frame = pd.concat(frames, ignore_index=True)
    frame["strength"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame["answered_at"] = pd.NaT
    return frame[list(ONA_SURVEY.columns)]


def _edgelist(path: Path) -> tuple[np.ndarray, np.ndarray]:
    arr = np.loadtxt(path, dtype=np.int64, ndmin=2)
    return arr[:, 0], arr[:, 1]


def lazega(primary: str = "advice") -> Dataset:
    """Lazega law firm: relations advice, friendship, work (co-work, both directions)."""
    folder = datasets_dir() / "lazega"
    attr = np.loadtxt(folder / "ELattr.dat", dtype=np.int64, ndmin=2)
    ids = attr[:, 0]
    hr = _hr(
        ids,
        [LAZEGA_OFFICE_COUNTRY[o] for o in attr[:, 3]],
        ["litigation" if p == 1 else "corporate" for p in attr[:, 6]],
        ["partner" if s == 1 else "associate" for s in attr[:, 1]],
        gender=pd.Series(["man" if g == 1 else "woman" for g in attr[:, 2]], dtype="object"),
        site=pd.Series([{1: "Boston", 2: "Hartford", 3: "Providence"}[o] for o in attr[:, 3]], dtype="object"),
    )
    parts = []
    for relation, file in (("advice", "lazega_advice.edgelist"), ("friendship", "lazega_friend.edgelist"),
                           ("work", "lazega_work.edgelist")):
        src, dst = _edgelist(folder / file)
        parts.append((relation, src + 1, dst + 1))
    return Dataset("lazega", hr, _survey(parts, primary))


def krackhardt(primary: str = "advice") -> Dataset:
    """Krackhardt high-tech managers: relations advice, friendship, reports_to."""
    folder = datasets_dir() / "krackhardt"
    attr = pd.read_csv(folder / "Attributes.csv", sep=";", decimal=",")
    hr = _hr(
        attr["ID"], [KRACKHARDT_DEPT_COUNTRY[d] for d in attr["DEPT"]],
        [f"D{d}" for d in attr["DEPT"]], attr["LEVEL"],
    )
    parts = []
    for relation, file in (("advice", "Advice.csv"), ("friendship", "Friendship.csv"),
                           ("reports_to", "Reports_To.csv")):
        table = pd.read_csv(folder / file, sep=";")
        table = table[(table["edge"] == 1) & (table["ego"] != table["alter"])]
        parts.append((relation, table["ego"].to_numpy(), table["alter"].to_numpy()))
    return Dataset("krackhardt", hr, _survey(parts, primary))


KAPFERER_RELATIONS = {"sociational": "friendship", "instrumental": "advice"}


def kapferer(wave: int, primary: str = "sociational") -> Dataset:
    """Kapferer tailor shop, wave 1 or 2: relations sociational and instrumental."""
    if wave not in (1, 2):
        raise ValueError(f"Kapferer has waves 1 and 2, not {wave!r}")
    folder = datasets_dir() / "kapferer"
    ids = np.arange(1, KAPFERER_SIZE + 1)
    hr = _hr(ids, ["ZM"] * len(ids), ["tailor_shop"] * len(ids), ["worker"] * len(ids))
    parts = []
    for relation in ("sociational", "instrumental"):
        src, dst = _edgelist(folder / f"kapf-{relation}-interactions-{wave}.edgelist")
        # The landing contract knows a fixed set of relations: work help is "advice", sociability "friendship".
        name = relation if relation == primary else KAPFERER_RELATIONS[relation]
        parts.append((name, src + 1, dst + 1))
    return Dataset(f"kapferer-{wave}", hr, _survey(parts, primary))


def network_inputs(dataset: Dataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(nodes, ties) as the network library expects them: the survey staged by the project's
    staging SQL (self ties dropped, duplicates keep the highest strength, ``is_strong``)."""
    return dataset.hr.copy(), stage_ties(dataset.hr, dataset.survey)
