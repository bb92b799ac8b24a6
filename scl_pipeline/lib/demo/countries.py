"""The demo organisation's countries: which ones (a global pharmaceutical company's, largest
first) and how many people each employs (a few big ones, a tail of tiny ones)."""

from __future__ import annotations

import numpy as np

# The last countries of the size ranking are made tiny (1-4 people), as in real multinationals.
TINY_COUNTRY_SHARE = 0.08


def country_sizes(rng: np.random.Generator, people: int, n_countries: int) -> np.ndarray:
    """Zipf-like head-count per country (largest first), summing to ``people``.

    A power law ``(rank + 1) ** -1.3`` gives a few countries with thousands of people at the
    default size; the last ``TINY_COUNTRY_SHARE`` of countries get 1-4 people each.
    """
    if n_countries < 2 or people < 5 * n_countries:
        raise ValueError(f"{people} people cannot fill {n_countries} countries of >= 5 on average")
    n_tiny = max(2, round(TINY_COUNTRY_SHARE * n_countries))
    tiny = rng.integers(1, 5, size=n_tiny)
    n_big = n_countries - n_tiny
    weights = (np.arange(1, n_big + 1) + 1.0) ** -1.3
    share = (people - tiny.sum()) * weights / weights.sum()
    big = np.floor(share).astype(np.int64)
    # Largest remainder keeps the total exact.
    big[np.argsort(-(share - big), kind="stable")[: people - tiny.sum() - big.sum()]] += 1
    big = np.maximum(big, 5)
    big[0] -= big.sum() + tiny.sum() - people
    return np.concatenate([big, np.sort(tiny)[::-1]])


# Where a global pharmaceutical company employs people, roughly largest first: the size ranking
# follows this order, so the biggest countries are plausible ones and the tiny tail is small
# markets. (Namibia, "NA", is left out: default CSV readers take it for a missing value.)
_COUNTRIES_BY_PRESENCE = (
    "US CH DE CN JP GB FR IN BR IT ES CA MX KR AU PL NL BE SE AT TR RU AR CO IL DK IE SG PT CZ "
    "HU RO GR FI NO ZA EG SA AE MY TH ID PH VN NZ CL PE PK NG KE MA DZ TN UA HR SI SK BG RS LT "
    "LV EE UY EC CR GT PA DO VE BO PY JO LB KW QA BH OM LU IS CY MT BA MK AL KZ UZ AZ GE AM BY "
    "MD LK BD NP MM KH TW HK"
).split()


def pick_countries(rng: np.random.Generator, n_countries: int) -> tuple[str, ...]:
    """The ``n_countries`` first countries of the presence ranking (ISO alpha-2), largest first.

    ``rng`` swaps neighbours of similar rank now and then, so seeds differ without putting a
    micro-state at the top.
    """
    codes = list(_COUNTRIES_BY_PRESENCE)
    if n_countries > len(codes):
        raise ValueError(f"the demo knows {len(codes)} countries, {n_countries} requested")
    for i in range(0, n_countries - 1, 2):
        if rng.random() < 0.3:
            codes[i], codes[i + 1] = codes[i + 1], codes[i]
    return tuple(codes[:n_countries])
