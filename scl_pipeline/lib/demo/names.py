"""The demo organisation's synthetic names and e-mail addresses (the reserved example.com domain,
RFC 2606), every full name different."""

from __future__ import annotations

import numpy as np

# Synthetic names; e-mail addresses use the reserved example.com domain (RFC 2606).
_FIRST_NAMES = (
    "Ana Ben Chen Dara Eli Fatima Georg Hana Ivan Jana Kofi Lena Mateo Nia Omar Priya Quinn Rosa "
    "Sven Tariq Uma Viktor Wen Ximena Yusuf Zara Amir Bea Carlos Dilnoza Emil Freya Goran Ines "
    "Jonas Keiko Luis Mei Nikos Olga"
).split()
_LAST_NAMES = (
    "Abara Berg Costa Dlamini Eriksen Fischer Garcia Haddad Ito Jansen Kowalski Larsen Moreau "
    "Nakamura Okafor Petrov Quispe Rossi Silva Tanaka Urban Varga Weber Xu Yilmaz Zhang Almeida "
    "Bauer Chowdhury Dubois Evans Fontaine Gupta Horvat Ivanova Jovanovic Kim Lopez Meyer Novak"
).split()


def draw_names(rng: np.random.Generator, employee_id: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(full name, e-mail) per person: a first and a last name drawn for each, in that order."""
    n = len(employee_id)
    first = np.asarray(_FIRST_NAMES)[rng.integers(0, len(_FIRST_NAMES), size=n)]
    last = np.asarray(_LAST_NAMES)[rng.integers(0, len(_LAST_NAMES), size=n)]
    full_name = _unique_names(first, last)
    email = np.char.add(
        np.char.add(np.char.lower(np.char.add(np.char.add(first, "."), last)), "."),
        np.char.add(np.char.lower(employee_id), "@example.com"),
    )
    return full_name, email


def _unique_names(first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """``First Last``, with middle names from the first-name list for the second and later
    people sharing a first and last name (bijective base-40 count: every name differs), so a
    survey naming people by full name matches each to one person. Real exports do have
    namesakes: matching sets those aside as ambiguous (lib/ingestion/people_matching.py)."""
    pair = np.char.add(np.char.add(first, " "), last)
    _, inverse = np.unique(pair, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    starts = np.searchsorted(inverse[order], inverse[order], side="left")
    occurrence = np.empty(len(pair), dtype=np.int64)
    occurrence[order] = np.arange(len(pair)) - starts
    names = first.astype(object).copy()
    base = len(_FIRST_NAMES)
    for i in np.flatnonzero(occurrence):
        count, middle = int(occurrence[i]), []
        while count:
            count, digit = divmod(count - 1, base)
            middle.insert(0, _FIRST_NAMES[digit])
        names[i] = f"{first[i]} {' '.join(middle)}"
    return np.char.add(np.char.add(names.astype(str), " "), last)
