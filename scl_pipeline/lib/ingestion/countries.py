"""Country normalisation to ISO 3166-1 alpha-2 (SPEC §1).

Accepted, in this order: ISO alpha-2 and alpha-3 codes and English names (common and official,
any case, with or without accents: ``Cote d'Ivoire`` is ``CI``); then the landing root's own
spellings (``[countries]`` in ``column_aliases.toml``); then the spellings HR systems use that
ISO does not, shipped in ``country_aliases.toml`` (``UK``, ``Holland``, ``Korea``, ...). Alias
keys compare ignoring case, accents, dots and repeated spaces. An unknown value stays unknown
(``None``): validation reports it, nothing maps it silently to "Other".
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pycountry

from scl_pipeline.lib.ingestion.values import by_distinct

SHIPPED_ALIASES_FILE = Path(__file__).with_name("country_aliases.toml")


class CountryAliasError(ValueError):
    """An alias table entry that maps to no country, or re-maps an ISO code or name."""


def country_key(text: str) -> str:
    """``' U.K. '`` -> ``uk``; ``'Türkiye'`` -> ``turkiye``: how alias keys are compared."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().replace(".", "").split())


@lru_cache(maxsize=1)
def _iso_index() -> dict[str, str]:
    """Folded ISO codes and names -> alpha-2 (pycountry's lookup wants the accents)."""
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("alpha_2", "alpha_3", "name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                index.setdefault(country_key(value), country.alpha_2)
    return index


@lru_cache(maxsize=4096)
def iso_country(value: str) -> str | None:
    """Alpha-2 code of an ISO 3166-1 code or English name, or ``None``."""
    text = str(value).strip()
    if not text:
        return None
    try:
        # lookup() matches codes and names case-insensitively.
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return _iso_index().get(country_key(text))


def alias_table(entries: Mapping[str, object]) -> dict[str, str]:
    """Validate ``spelling -> country`` entries; returns folded spelling -> alpha-2."""
    table: dict[str, str] = {}
    for spelling, country in entries.items():
        target = iso_country(str(country)) if isinstance(country, str) else None
        if target is None:
            raise CountryAliasError(f"{spelling!r} = {country!r}: {country!r} is not an ISO 3166-1 country code or name")
        existing = iso_country(spelling)
        if existing is not None and existing != target:
            raise CountryAliasError(f"{spelling!r} is already the ISO code or name of {existing}; it cannot mean {target}")
        table[country_key(spelling)] = target
    return table


@lru_cache(maxsize=1)
def shipped_aliases() -> dict[str, str]:
    """The package's table of common non-ISO spellings (``country_aliases.toml``)."""
    return alias_table(tomllib.loads(SHIPPED_ALIASES_FILE.read_text())["countries"])


def normalise_country(value: str | None, aliases: Mapping[str, str] | None = None) -> str | None:
    """ISO alpha-2 code for ``value``, or ``None`` when it names no country. ``aliases`` (folded
    spelling -> alpha-2, from :func:`alias_table`) are the landing root's own spellings."""
    if value is None:
        return None
    iso = iso_country(str(value))
    if iso is not None:
        return iso
    key = country_key(str(value))
    if aliases and key in aliases:
        return aliases[key]
    return shipped_aliases().get(key)


def normalise_country_column(values: pd.Series, aliases: Mapping[str, str] | None = None) -> pd.Series:
    """Vectorised :func:`normalise_country`: looks up each distinct value once."""
    return by_distinct(values, lambda value: normalise_country(value, aliases))
