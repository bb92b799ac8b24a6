"""Privacy for the serving copy, part two: small-group suppression with complementary
suppression, and the SELECT that turns a mart's rows into serving rows (ids pseudonymised by
:mod:`.pseudonyms`'s DuckDB function, small groups withheld).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import duckdb

from scl_pipeline.lib.serving.catalog import (
    SUPPRESSED_COLUMN,
    WAVE_COLUMN,
    CatalogError,
    MartTable,
)
from scl_pipeline.lib.serving.pseudonyms import PSEUDONYM_FUNCTION
from scl_pipeline.lib.serving.publication import sql_str
from scl_pipeline.lib.small_groups import MIN_GROUP_SIZE


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


# The in-memory table of withheld groups: (scope, attribute, wave, value). ``scope`` is ``*`` for
# the population's groups (withheld in every table) or a person table's name (its own rare values).
WITHHELD_TABLE = "withheld_groups"
POPULATION_SCOPE = "*"
# The alias the source table gets in :func:`serving_query` (the withheld lookups refer to it).
_SRC = "src"


def withheld_groups(sizes: Mapping[str, int], min_size: int = MIN_GROUP_SIZE) -> frozenset[str]:
    """The groups of one attribute in one wave to withhold, given the people in each group.

    Groups under ``min_size`` people are small. Withholding only them can be undone by
    difference: the population minus the published groups' sizes is the withheld total, and the
    people whose value is withheld are theirs; with one small country that is its size and its
    people. So as soon as one group is withheld, the next smallest are withheld with it until at
    least two groups and at least ``min_size`` people are (complementary suppression): what the
    difference yields is then a mix of groups no smaller than a published one. Ties in size are
    broken by the value, so every table and run withholds the same groups.
    """
    order = sorted(sizes.items(), key=lambda item: (item[1], item[0]))
    withheld = [value for value, people in order if people < min_size]
    if not withheld:
        return frozenset()
    total = sum(sizes[v] for v in withheld)
    for value, people in order[len(withheld):]:
        if len(withheld) >= 2 and total >= min_size:
            break
        withheld.append(value)
        total += people
    return frozenset(withheld)


def _group_sizes(
    con: duckdb.DuckDBPyConnection, table: MartTable, columns: Mapping[str, str], source: str, attribute: str
) -> dict[str | None, dict[str, int]]:
    """wave -> value -> people of ``attribute`` in ``table`` (people, not rows: a person may have
    a row per scope). Waveless tables give one ``None`` wave; NULL values are no group."""
    wave = f"{quote(WAVE_COLUMN)}::VARCHAR" if WAVE_COLUMN in columns else "NULL::VARCHAR"
    rows = con.execute(
        f"SELECT {wave}, {quote(attribute)}::VARCHAR, count(DISTINCT {quote(table.id_columns[0])}) "
        f"FROM {source} WHERE {quote(attribute)} IS NOT NULL GROUP BY ALL"
    ).fetchall()
    sizes: dict[str | None, dict[str, int]] = {}
    for w, value, people in rows:
        sizes.setdefault(w, {})[value] = int(people)
    return sizes


def register_withheld_groups(
    con: duckdb.DuckDBPyConnection,
    tables: Iterable[MartTable],
    columns: Mapping[str, Mapping[str, str]],
    source_of: Callable[[MartTable], str],
) -> None:
    """Create :data:`WITHHELD_TABLE` on ``con``: every (attribute, wave, group) to withhold.

    Person tables count their people per quasi-identifier value and wave; the ``population``
    table's groups apply to every table (scope ``*``), another person table's rare values to
    itself. Raises :class:`CatalogError` when a group table's ``group_keys`` name an attribute
    no published population table counts (its rows could not be withheld consistently).
    """
    tables = list(tables)
    rows: list[tuple[str, str, str | None, str]] = []
    counted: set[str] = set()
    for table in tables:
        if table.privacy != "person":
            continue
        scope = POPULATION_SCOPE if table.population else table.name
        for attribute in (q for q in table.quasi_identifiers if q in columns[table.name]):
            if table.population:
                counted.add(attribute)
            sizes = _group_sizes(con, table, columns[table.name], source_of(table), attribute)
            for wave, groups in sizes.items():
                rows += [(scope, attribute, wave, v) for v in sorted(withheld_groups(groups, table.min_group_size))]
    for table in tables:
        missing = sorted({a for _, a in table.group_keys} - counted)
        if missing:
            raise CatalogError(
                f"{table.qualified_name}: its rows are groups of {missing}, but no published population "
                "table (a person table registered with population=True) counts them; without it the "
                "groups withheld elsewhere could not be withheld here"
            )
    con.execute(
        f"CREATE OR REPLACE TABLE {WITHHELD_TABLE} (scope VARCHAR, attribute VARCHAR, wave VARCHAR, value VARCHAR)"
    )
    if rows:
        con.executemany(f"INSERT INTO {WITHHELD_TABLE} VALUES (?, ?, ?, ?)", rows)


def _is_withheld(scopes: tuple[str, ...], attribute: str, column: str, has_wave: bool) -> str:
    """SQL: the source row's ``column`` names a withheld group of ``attribute`` in its wave (a
    table without ``wave``: in any wave)."""
    wave = f" AND (w.wave IS NULL OR w.wave = {_SRC}.{quote(WAVE_COLUMN)})" if has_wave else ""
    return (
        f"({_SRC}.{quote(column)} IS NOT NULL AND EXISTS (SELECT 1 FROM {WITHHELD_TABLE} AS w "
        f"WHERE w.scope IN ({', '.join(sql_str(s) for s in scopes)}) AND w.attribute = {sql_str(attribute)}"
        f"{wave} AND w.value = {_SRC}.{quote(column)}::VARCHAR))"
    )


def serving_query(
    table: MartTable,
    columns: Mapping[str, str],
    source: str,
    function: str = PSEUDONYM_FUNCTION,
) -> str:
    """The SELECT that turns the warehouse mart rows in ``source`` into serving rows.

    ``columns`` maps column name -> DuckDB type, in table order. Person tables get their id
    columns pseudonymised (VARCHAR and VARCHAR[] alike) and each quasi-identifier value of a
    withheld group NULL; group tables get every non-key column withheld when the group is smaller
    than the threshold, flagged small by the mart, or a withheld group of a ``group_keys``
    attribute; both gain the ``suppressed`` flag (false when nothing of the row is withheld; a
    NULL size is withheld too, as it proves nothing). Quasi-identifiers and group keys need
    :func:`register_withheld_groups` on the same connection first.
    """
    has_wave = WAVE_COLUMN in columns
    flags: dict[str, str] = {}
    if table.privacy == "group":
        size = f"{_SRC}.{quote(table.size_column or '')}"
        small = [f"coalesce({size} < {int(table.min_group_size)}, true)"]
        if table.small_flag:
            small.append(f"coalesce({_SRC}.{quote(table.small_flag)}, true)")
        small += [
            _is_withheld((POPULATION_SCOPE,), attribute, column, has_wave)
            for column, attribute in table.group_keys
        ]
        flags["__small"] = " OR ".join(small)
    elif table.privacy == "person":
        for name in (q for q in table.quasi_identifiers if q in columns):
            flags[f"__withheld_{name}"] = _is_withheld((POPULATION_SCOPE, table.name), name, name, has_wave)
    withheld = set(table.withheld_columns(columns))
    parts: list[str] = []
    for name, dtype in columns.items():
        col = quote(name)
        if name in table.id_columns:
            if dtype.upper() == "VARCHAR":
                expr = f"{function}({col})"
            elif dtype.upper() == "VARCHAR[]":
                expr = f"list_transform({col}, lambda x: {function}(x))"
            else:
                raise TypeError(
                    f"{table.qualified_name}.{name}: id column has type {dtype}; "
                    "expected VARCHAR or VARCHAR[]"
                )
        elif name in withheld:
            expr = f"CASE WHEN __small THEN NULL ELSE {col} END"
        elif f"__withheld_{name}" in flags:
            expr = f"CASE WHEN {quote('__withheld_' + name)} THEN NULL ELSE {col} END"
        else:
            expr = col
        parts.append(f"{expr} AS {col}")
    if flags:
        parts.append(f"({' OR '.join(quote(f) for f in flags)}) AS {quote(SUPPRESSED_COLUMN)}")
    flagged = ", ".join(f"{expr} AS {quote(name)}" for name, expr in flags.items())
    inner = f"SELECT {_SRC}.*{', ' + flagged if flagged else ''} FROM {source} AS {_SRC}"
    return f"SELECT {', '.join(parts)} FROM ({inner})"
