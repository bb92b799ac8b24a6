"""The demo organisation: people, countries, departments, levels and the manager hierarchy
(the countries: :mod:`.countries`; names and e-mails: :mod:`.names`).

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
from scl_pipeline.lib.demo.countries import country_sizes, pick_countries
from scl_pipeline.lib.demo.names import draw_names

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
    full_name, email = draw_names(rng, employee_id)
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
