"""Country normalisation to ISO 3166-1 alpha-2 (SPEC §1).

Accepts alpha-2 and alpha-3 codes and English names (common and official), in any case and
with surrounding spaces. An unknown value stays unknown (``None``): validation reports it,
nothing maps it silently to "Other".
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
import pycountry


@lru_cache(maxsize=4096)
def normalise_country(value: str | None) -> str | None:
    """ISO alpha-2 code for ``value``, or ``None`` when it names no country."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        # lookup() matches codes and names case-insensitively.
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return None


def normalise_country_column(values: pd.Series) -> pd.Series:
    """Vectorised :func:`normalise_country`: looks up each distinct value once."""
    distinct = values.dropna().unique()
    mapping = {value: normalise_country(value) for value in distinct}
    return values.map(mapping)
