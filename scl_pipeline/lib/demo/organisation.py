"""The demo organisation: people, countries, departments, levels and the manager hierarchy.

Everything is drawn from one ``numpy.random.Generator`` so a seed fixes the organisation.
People are held as parallel numpy arrays (one row per person who is ever employed, joiners
included); HR snapshots are cut from them per wave.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from scl_pipeline.lib.contract import HR_EXPORT

DEPARTMENTS: tuple[str, ...] = (
    "Research & Development",
    "Manufacturing",
    "Commercial",
    "Medical Affairs",
    "Regulatory Affairs",
    "Finance",
    "Human Resources",
    "Information Technology",
)
_DEPARTMENT_WEIGHTS = np.array([0.18, 0.22, 0.26, 0.10, 0.06, 0.07, 0.05, 0.06])

LEVELS: tuple[str, ...] = ("IC", "Manager", "Director", "VP", "Executive")
IC, MANAGER, DIRECTOR, VP, EXECUTIVE = range(5)
_LEVEL_WEIGHTS = np.array([0.82, 0.12, 0.045, 0.012, 0.003])

GENDERS: tuple[str, ...] = ("F", "M", "X")
_GENDER_WEIGHTS = np.array([0.495, 0.495, 0.01])

STATUSES: tuple[str, ...] = ("active", "on_leave")

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

# The last countries of the size ranking are made tiny (1-4 people), as in real multinationals.
TINY_COUNTRY_SHARE = 0.08


@dataclass(frozen=True)
class Organisation:
    """Everyone ever employed during the demo period, as parallel arrays indexed by person."""

    employee_id: np.ndarray  # str
    country: np.ndarray  # int index into ``countries``
    department: np.ndarray  # int index into DEPARTMENTS
    level: np.ndarray  # int index into LEVELS
    manager: np.ndarray  # int person index, -1 for the top executive
    site: np.ndarray  # str
    gender: np.ndarray  # str
    hire_date: np.ndarray  # datetime64[D]
    status: np.ndarray  # str
    invited: np.ndarray  # bool
    full_name: np.ndarray  # str
    email: np.ndarray  # str
    popularity: np.ndarray  # float, propensity to be nominated
    join_wave: np.ndarray  # int wave index the person first appears in
    leave_wave: np.ndarray  # int wave index from which the person is gone (len(waves) = never)
    countries: tuple[str, ...]  # ISO alpha-2, ordered by size (largest first)

    @property
    def size(self) -> int:
        return len(self.employee_id)

    def active(self, wave_index: int) -> np.ndarray:
        """Boolean mask of people in the HR export of wave ``wave_index``."""
        return (self.join_wave <= wave_index) & (self.leave_wave > wave_index)


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


def _assign_managers(
    rng: np.random.Generator, country: np.ndarray, level: np.ndarray, department: np.ndarray
) -> np.ndarray:
    """Manager per person: one level up, same country (and department) when possible.

    The first executive is the CEO (no manager); other executives report to the CEO.
    """
    n = len(level)
    manager = np.full(n, -1, dtype=np.int64)
    execs = np.flatnonzero(level == EXECUTIVE)
    manager[execs[1:]] = execs[0]
    for lvl in (VP, DIRECTOR, MANAGER, IC):
        staff = np.flatnonzero(level == lvl)
        bosses = np.flatnonzero(level == lvl + 1)
        # Sort bosses by (country, department) so a block lookup finds local ones.
        key_boss = country[bosses] * len(DEPARTMENTS) + department[bosses]
        order = np.argsort(key_boss, kind="stable")
        bosses, key_boss = bosses[order], key_boss[order]
        key_staff = country[staff] * len(DEPARTMENTS) + department[staff]
        lo = np.searchsorted(key_boss, key_staff, side="left")
        hi = np.searchsorted(key_boss, key_staff, side="right")
        # Fall back to the same country, then to anyone one level up.
        c_boss = country[bosses]
        c_lo = np.searchsorted(c_boss, country[staff], side="left")
        c_hi = np.searchsorted(c_boss, country[staff], side="right")
        none_local = hi == lo
        lo = np.where(none_local, c_lo, lo)
        hi = np.where(none_local, c_hi, hi)
        none_country = hi == lo
        lo = np.where(none_country, 0, lo)
        hi = np.where(none_country, len(bosses), hi)
        pick = lo + np.floor(rng.random(len(staff)) * (hi - lo)).astype(np.int64)
        manager[staff] = bosses[pick]
    return manager


def build_organisation(
    rng: np.random.Generator,
    people: int,
    n_countries: int,
    n_waves: int,
    first_wave_start: dt.date,
    turnover_per_wave: float = 0.01,
) -> Organisation:
    """The initial ``people`` employees plus the joiners of later waves.

    Leavers are not decided here (see :func:`plan_leavers`): whether someone may leave depends on
    the planted story. Joiners arrive at ``turnover_per_wave`` of the population per later wave.
    """
    countries = pick_countries(rng, n_countries)
    sizes = country_sizes(rng, people, n_countries)
    country = np.repeat(np.arange(n_countries), sizes)
    joiners_per_wave = round(turnover_per_wave * people)
    join_wave = np.concatenate(
        [np.zeros(people, dtype=np.int64), np.repeat(np.arange(1, n_waves), joiners_per_wave)]
    )
    # Joiners land in countries in proportion to their size.
    country = np.concatenate([country, rng.choice(n_countries, size=len(join_wave) - people, p=sizes / people)])
    n = len(country)
    department = rng.choice(len(DEPARTMENTS), size=n, p=_DEPARTMENT_WEIGHTS)
    level = rng.choice(len(LEVELS), size=n, p=_LEVEL_WEIGHTS / _LEVEL_WEIGHTS.sum())
    level[join_wave > 0] = np.minimum(level[join_wave > 0], MANAGER)  # joiners start low
    for lvl in (EXECUTIVE, VP, DIRECTOR, MANAGER):
        if not (level == lvl).any():  # every level exists, even in tiny organisations
            level[np.flatnonzero(level == IC)[0]] = lvl
    manager = _assign_managers(rng, country, level, department)

    n_sites = np.minimum(1 + sizes // 400, 4)
    site_no = np.floor(rng.random(n) * n_sites[country]).astype(np.int64) + 1
    code = np.asarray(countries)[country]
    site = np.char.add(np.char.add(code, "-S"), site_no.astype(str))

    first_day = np.datetime64(first_wave_start, "D")
    tenure = rng.integers(30, 25 * 365, size=n)
    hire_date = first_day - tenure
    joiner = join_wave > 0
    hire_date[joiner] = first_day + 91 * (join_wave[joiner] - 1) + rng.integers(0, 90, size=joiner.sum())

    status = np.where(rng.random(n) < 0.03, STATUSES[1], STATUSES[0])
    invited = (status == STATUSES[0]) & (rng.random(n) < 0.98)

    width = max(6, len(str(n)))
    employee_id = np.char.add("E", np.char.zfill(np.arange(1, n + 1).astype(str), width))
    first = np.asarray(_FIRST_NAMES)[rng.integers(0, len(_FIRST_NAMES), size=n)]
    last = np.asarray(_LAST_NAMES)[rng.integers(0, len(_LAST_NAMES), size=n)]
    full_name = _unique_names(first, last)
    email = np.char.add(
        np.char.add(np.char.lower(np.char.add(np.char.add(first, "."), last)), "."),
        np.char.add(np.char.lower(employee_id), "@example.com"),
    )
    popularity = rng.lognormal(0.0, 0.9, size=n) * np.array([1.0, 1.6, 2.0, 2.2, 2.5])[level]
    return Organisation(
        employee_id=employee_id,
        country=country,
        department=department,
        level=level,
        manager=manager,
        site=site,
        gender=rng.choice(np.asarray(GENDERS), size=n, p=_GENDER_WEIGHTS),
        hire_date=hire_date,
        status=status,
        invited=invited,
        full_name=full_name,
        email=email,
        popularity=popularity,
        join_wave=join_wave,
        leave_wave=np.full(n, n_waves, dtype=np.int64),
        countries=countries,
    )


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


def plan_leavers(
    rng: np.random.Generator,
    org: Organisation,
    protected: np.ndarray,
    n_waves: int,
    turnover_per_wave: float = 0.01,
) -> None:
    """Set ``org.leave_wave`` in place: a few unprotected people leave in each later wave.

    Protected people (bridges, their partners, key collaborators, participants) stay, so the
    planted story and the experiment roster exist in every wave they are needed.
    """
    per_wave = round(turnover_per_wave * int((org.join_wave == 0).sum()))
    eligible = np.flatnonzero(~protected & (org.join_wave == 0) & (org.level < EXECUTIVE))
    count = min(len(eligible), per_wave * (n_waves - 1))
    leavers = rng.choice(eligible, size=count, replace=False)
    org.leave_wave[leavers] = 1 + np.arange(count) % max(1, n_waves - 1)


def hr_table(org: Organisation, wave_index: int) -> pa.Table:
    """The HR export of one wave: contract columns plus the PII real exports carry."""
    idx = np.flatnonzero(org.active(wave_index))
    mgr = org.manager[idx]
    # A manager who has left is no longer in the export; real exports then show a vacancy.
    has_manager = (mgr >= 0) & org.active(wave_index)[np.maximum(mgr, 0)]
    manager_id = np.where(has_manager, org.employee_id[np.maximum(mgr, 0)], "")
    table = pa.table(
        {
            "employee_id": org.employee_id[idx],
            "full_name": org.full_name[idx],
            "email": org.email[idx],
            "country": np.asarray(org.countries)[org.country[idx]],
            "department": np.asarray(DEPARTMENTS)[org.department[idx]],
            "level": np.asarray(LEVELS)[org.level[idx]],
            "manager_id": manager_id,
            "site": org.site[idx],
            "gender": org.gender[idx],
            "hire_date": org.hire_date[idx].astype("datetime64[D]"),
            "employment_status": org.status[idx],
            "invited_to_survey": org.invited[idx],
        }
    )
    missing = set(HR_EXPORT.columns) - set(table.column_names)
    assert not missing, missing  # the contract is the source of the column names
    return table
