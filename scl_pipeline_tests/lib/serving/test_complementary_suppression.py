"""Issue 15.4: small-group suppression must not be undone by difference.

With one small country withheld, the published population minus the published country sizes is
its size, and the person rows whose country is withheld are its people. Complementary
suppression withholds the next smallest groups with it (at least two groups, at least five
people), the same groups in the person tables and in the country tables.
"""

from __future__ import annotations

import random
from collections import Counter

import duckdb
import pytest

from scl_pipeline.lib.small_groups import MIN_GROUP_SIZE
from scl_pipeline.lib.serving.pseudonyms import PseudonymKey
from scl_pipeline.lib.serving.publish import publish_serving

KEY = PseudonymKey("complementary-suppression-key-0123456789")


def _warehouse(path, waves: dict[str, dict[str, int]]) -> None:
    """Person, country and wave tables of the given country sizes per wave."""
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA marts")
    rows, n = [], 0
    for wave, sizes in waves.items():
        for country, size in sizes.items():
            rows += [(f"EMP-{n + i:05d}", wave, country, (n + i) % 7) for i in range(size)]
            n += size
    con.execute("CREATE TABLE raw.hr_export (employee_id VARCHAR)")
    con.executemany("INSERT INTO raw.hr_export VALUES (?)", [(r[0],) for r in rows])
    con.execute("CREATE TABLE marts.person_wave_metrics (employee_id VARCHAR, wave VARCHAR, country VARCHAR, "
                "in_degree INTEGER)")
    con.executemany("INSERT INTO marts.person_wave_metrics VALUES (?, ?, ?, ?)", rows)
    con.execute("CREATE TABLE marts.wave_summary AS SELECT wave, count(*) AS population "
                "FROM marts.person_wave_metrics GROUP BY ALL")
    con.execute("CREATE TABLE marts.country_wave_bonds AS SELECT country, wave, count(*) AS people, "
                "sum(in_degree) AS internal_edges FROM marts.person_wave_metrics GROUP BY ALL")
    con.execute(
        "CREATE TABLE marts.country_mixing AS SELECT a.wave, a.country, b.country AS other_country, "
        "a.people + b.people AS arcs, 0.5 AS row_share, least(a.people, b.people) AS smaller_country_people "
        "FROM marts.country_wave_bonds a JOIN marts.country_wave_bonds b USING (wave)"
    )
    con.close()


def difference_attack(serving_db) -> dict[str, tuple[str, int, frozenset[str]]]:
    """What the serving copy alone gives away about a withheld country, per wave.

    Sizes come from every published source: country_wave_bonds.people, pseudonyms counted per
    country in person_wave_metrics, and country_mixing's smaller_country_people of a pair whose
    other side is known to be larger. When all the wave's countries but one then have a known
    size, that one's size is the population (wave_summary) minus the rest, and its people are the
    person rows whose country is withheld. Returns wave -> (country, size, pseudonyms).
    """
    with duckdb.connect(str(serving_db), read_only=True) as con:
        population = dict(con.execute("SELECT wave, population FROM marts.wave_summary").fetchall())
        bonds = con.execute("SELECT wave, country, people FROM marts.country_wave_bonds").fetchall()
        counted = con.execute("SELECT wave, country, count(DISTINCT employee_id) FROM marts.person_wave_metrics "
                              "WHERE country IS NOT NULL GROUP BY ALL").fetchall()
        mixing = con.execute("SELECT wave, country, other_country, smaller_country_people FROM marts.country_mixing "
                             "WHERE smaller_country_people IS NOT NULL").fetchall()
        hidden = con.execute("SELECT wave, employee_id FROM marts.person_wave_metrics WHERE country IS NULL").fetchall()
    disclosed = {}
    for wave, total in population.items():
        countries = {c for w, c, _ in bonds if w == wave}
        known = {c: p for w, c, p in bonds if w == wave and p is not None}
        known.update({c: p for w, c, p in counted if w == wave})
        learnt = True
        while learnt:
            learnt = False
            for w, a, b, smaller in mixing:
                for this, other in ((a, b), (b, a)):
                    if w == wave and this not in known and known.get(other, 0) > smaller:
                        known[this], learnt = smaller, True
        unknown = countries - set(known)
        if len(unknown) == 1:
            people = frozenset(e for w, e in hidden if w == wave)
            disclosed[wave] = (unknown.pop(), total - sum(known.values()), people)
    return disclosed


def test_one_small_country_cannot_be_sized_or_its_people_found_by_difference(tmp_path):
    waves = {"2021-Q1": {"DE": 12, "FR": 6, "LU": 3}, "2021-Q2": {"DE": 12, "FR": 6, "LU": 6}}
    _warehouse(tmp_path / "wh.duckdb", waves)
    publish_serving(tmp_path / "wh.duckdb", tmp_path / "s", KEY)

    assert difference_attack(tmp_path / "s" / "scl.duckdb") == {}

    with duckdb.connect(str(tmp_path / "s" / "scl.duckdb"), read_only=True) as con:
        bonds = con.execute("SELECT wave, country, people FROM marts.country_wave_bonds ORDER BY ALL").fetchall()
        pairs = con.execute("SELECT wave, country, other_country, suppressed FROM marts.country_mixing "
                            "WHERE suppressed = false ORDER BY ALL").fetchall()
    # 2021-Q1: LU (3) is small and FR (6), the next smallest, is withheld with it; 2021-Q2 has no
    # small country and withholds nothing.
    assert bonds == [("2021-Q1", "DE", 12), ("2021-Q1", "FR", None), ("2021-Q1", "LU", None),
                     ("2021-Q2", "DE", 12), ("2021-Q2", "FR", 6), ("2021-Q2", "LU", 6)]
    assert [p[:3] for p in pairs if p[0] == "2021-Q1"] == [("2021-Q1", "DE", "DE")]
    assert len([p for p in pairs if p[0] == "2021-Q2"]) == 9


def _random_org(path, seed: int) -> None:
    rng = random.Random(seed)
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA marts")
    rows = []
    for wave in ("2021-Q1", "2021-Q2", "2021-Q3"):
        for i in range(rng.randint(40, 90)):
            rows.append((
                f"EMP-{i:05d}", wave,
                rng.choices(["DE", "FR", "CH", "LU", "MT", "IS"], weights=[40, 15, 10, 2, 1, 1])[0],
                rng.choices(["R&D", "Sales", "Ops", "Legal", "Audit"], weights=[30, 20, 10, 2, 1])[0],
                rng.choice(["1", "2", "3", "4"]),
                rng.choices([None, "C1", "C2"], weights=[20, 4, 1])[0],
            ))
    con.execute("CREATE TABLE raw.hr_export AS SELECT DISTINCT employee_id FROM (VALUES ('x')) t(employee_id) WHERE false")
    con.executemany("INSERT INTO raw.hr_export VALUES (?)", sorted({(r[0],) for r in rows}))
    con.execute("CREATE TABLE marts.person_wave_metrics (employee_id VARCHAR, wave VARCHAR, country VARCHAR, "
                "department VARCHAR, level VARCHAR, cohort VARCHAR)")
    con.executemany("INSERT INTO marts.person_wave_metrics VALUES (?, ?, ?, ?, ?, ?)", rows)
    con.execute("CREATE TABLE marts.country_wave_bonds AS SELECT country, wave, count(*) AS people "
                "FROM marts.person_wave_metrics GROUP BY ALL")
    con.close()


@pytest.mark.parametrize("seed", range(5))
def test_withheld_people_of_every_attribute_are_at_least_two_groups_of_five(tmp_path, seed):
    """For every wave and attribute, the people whose value the copy withholds come from no group
    or from at least two groups and number at least five; each published value is shared by at
    least five people; the country tables withhold exactly the person table's countries."""
    _random_org(tmp_path / "wh.duckdb", seed)
    publish_serving(tmp_path / "wh.duckdb", tmp_path / "s", KEY)
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        truth = {(e, w): row for e, w, *row in con.execute(
            "SELECT employee_id, wave, country, department, level, cohort FROM marts.person_wave_metrics").fetchall()}
    pseudonym_of = {KEY.pseudonym(e): e for e, _ in truth}
    with duckdb.connect(str(tmp_path / "s" / "scl.duckdb"), read_only=True) as con:
        served = con.execute("SELECT employee_id, wave, country, department, level, cohort "
                             "FROM marts.person_wave_metrics").fetchall()
        bonds_withheld = set(con.execute("SELECT wave, country FROM marts.country_wave_bonds WHERE suppressed").fetchall())
    withheld_anything = False
    for position, attribute in enumerate(("country", "department", "level", "cohort")):
        for wave in ("2021-Q1", "2021-Q2", "2021-Q3"):
            hidden, shown = Counter(), Counter()
            for pseudonym, w, *values in served:
                if w != wave:
                    continue
                original = truth[(pseudonym_of[pseudonym], w)][position]
                if original is None:
                    continue
                (shown if values[position] == original else hidden)[original] += 1
            assert not hidden or (len(hidden) >= 2 and sum(hidden.values()) >= MIN_GROUP_SIZE), (attribute, wave, hidden)
            assert all(n >= MIN_GROUP_SIZE for n in shown.values()), (attribute, wave, shown)
            if attribute == "country":
                assert {(wave, c) for c in hidden} == {b for b in bonds_withheld if b[0] == wave}
            withheld_anything |= bool(hidden)
    assert withheld_anything  # the random organisations do have small groups
