"""A realistic-size wave (13,000 people, 100,000 survey rows) built as string frames."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scl_pipeline.lib.ingestion.countries import normalise_country

COUNTRIES = ("FR", "DE", "BR", "US", "JP", "IN", "GB", "ES", "IT", "MX")


def large_hr(people: int = 13_000) -> pd.DataFrame:
    rows = np.arange(people)
    return pd.DataFrame(
        {
            "employee_id": [f"E{i:05d}" for i in rows],
            "country": [COUNTRIES[i % len(COUNTRIES)] for i in rows],
            "department": [f"D{i % 40}" for i in rows],
            "level": [f"L{i % 5}" for i in rows],
            "hire_date": [f"20{10 + i % 11:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in rows],
            "source_row": rows + 1,
            "source_file": "waves/2021-Q3/hr_export.csv",
        }
    )


def large_survey(rows: int = 100_000, people: int = 13_000) -> pd.DataFrame:
    """Distinct (respondent, nominee) pairs, no self-nominations: respondent i % people names
    nominee respondent + 1 + i // people (mod people), an offset that is never 0 for rows < people²."""
    i = np.arange(rows)
    respondent = i % people
    nominee = (respondent + 1 + i // people) % people
    minutes = i % (60 * 24 * 28)
    stamps = pd.Timestamp("2021-07-01") + pd.to_timedelta(minutes, unit="m")
    return pd.DataFrame(
        {
            "respondent_id": [f"E{r:05d}" for r in respondent],
            "nominee_id": [f"E{n:05d}" for n in nominee],
            "relation": np.where(i % 3 == 0, "advice", "trust").astype(object),
            "strength": (1 + i % 5).astype(str).astype(object),
            "answered_at": stamps.strftime("%Y-%m-%dT%H:%M:%S").astype(object),
            "source_row": i + 1,
            "source_file": "waves/2021-Q3/ona_survey.csv",
        }
    )


assert all(normalise_country(c) == c for c in COUNTRIES)
