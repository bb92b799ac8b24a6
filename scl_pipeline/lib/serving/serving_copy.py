"""The serving copy's tables: registered marts copied out of the warehouse, checked, then built
pseudonymised and suppressed into the new DuckDB file and its Parquet folder."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

import duckdb

from scl_pipeline.lib.serving.catalog import (
    MARTS_SCHEMA,
    SUPPRESSED_COLUMN,
    WAVE_COLUMN,
    CatalogError,
    MartTable,
    mart_tables,
)
from scl_pipeline.lib.serving.pseudonyms import PseudonymKey
from scl_pipeline.lib.serving.suppression import quote, serving_query
from scl_pipeline.lib.serving.publication import META_SCHEMA, PublishError, TableReport, sql_str

log = logging.getLogger(__name__)

# Where the population's employee ids live (landing contract HR_EXPORT.table); used to prove no
# real id slipped into a column the registry did not declare.
_HR_IDS = ("raw", "hr_export", "employee_id")

# An id matching this (a bare number, or three characters at most) may equal a value of another
# column by coincidence: with ids 1..N, levels "1".."3", codes and counts are ids too. An id with
# a letter, a separator or an '@' beyond that (EMP-00042, an e-mail) cannot turn up by chance.
_COINCIDENCE_SHAPED_ID = "[0-9]+|.{1,3}"
# An undeclared column whose values are mostly ids of several people carries ids (a manager_id
# under another name), whatever their shape.
ID_COLUMN_SHARE = 0.5


def source_table(table: MartTable) -> str:
    """The in-memory copy of ``table``'s warehouse rows."""
    return quote("src_" + table.name)


def copy_from_warehouse(
    con: duckdb.DuckDBPyConnection, warehouse: Path, registry: Mapping[str, MartTable]
) -> tuple[list[MartTable], list[str], list[str], dict[str, dict[str, str]]]:
    """Copy the registered marts (and the population's ids) into memory, then let go of the file."""
    con.execute(f"ATTACH {sql_str(warehouse)} AS wh (READ_ONLY)")
    try:
        present = mart_tables(con, "wh")
        tables = [registry[name] for name in present if name in registry]
        absent = sorted(set(registry) - set(present))
        unclassified = [name for name in present if name not in registry]
        for name in unclassified:
            log.warning(
                "mart %s.%s is not in the serving registry and is NOT published; "
                "classify it in scl_pipeline/lib/serving/catalog.py",
                MARTS_SCHEMA,
                name,
            )
        columns: dict[str, dict[str, str]] = {}
        for table in tables:
            rows = con.execute(
                "select column_name, data_type from duckdb_columns() where database_name = 'wh' "
                "and schema_name = $s and table_name = $t order by column_index",
                {"s": MARTS_SCHEMA, "t": table.name},
            ).fetchall()
            columns[table.name] = dict(rows)
            table.check_columns(columns[table.name])
        for table in tables:
            con.execute(
                f"CREATE TABLE memory.main.{source_table(table)} AS "
                f"SELECT * FROM wh.{MARTS_SCHEMA}.{quote(table.name)}"
            )
        schema, name, column = _HR_IDS
        has_hr = con.execute(
            "select count(*) from duckdb_columns() where database_name = 'wh' and schema_name = $s "
            "and table_name = $t and column_name = $c",
            {"s": schema, "t": name, "c": column},
        ).fetchall()[0][0]
        source = f"SELECT DISTINCT {column} AS id FROM wh.{schema}.{name} WHERE {column} IS NOT NULL"
        con.execute(
            "CREATE TABLE memory.main.known_ids AS "
            + (source if has_hr else "SELECT NULL::VARCHAR AS id WHERE false")
        )
    finally:
        con.execute("DETACH wh")
    return tables, absent, unclassified, columns


def check_waves(con: duckdb.DuckDBPyConnection, table: MartTable) -> None:
    if not table.wave_partitioned:
        return
    bad = con.execute(
        f"SELECT {WAVE_COLUMN}, count(*) FROM {source_table(table)} "
        f"WHERE {WAVE_COLUMN} IS NULL OR NOT regexp_full_match({WAVE_COLUMN}::VARCHAR, "
        "'[0-9]{4}-Q[1-4]') GROUP BY ALL ORDER BY 2 DESC LIMIT 5"
    ).fetchall()
    if bad:
        raise PublishError(
            f"{table.qualified_name}.{WAVE_COLUMN}: values that are not wave names like 2021-Q3 "
            f"(value, rows): {bad}"
        )


def check_no_undeclared_ids(
    con: duckdb.DuckDBPyConnection,
    tables: list[MartTable],
    columns: Mapping[str, Mapping[str, str]],
) -> None:
    """Refuse to publish real employee ids from a column the registry does not pseudonymise.

    Every text column other than the declared id columns is compared with the known ids (the HR
    population and every declared id column). A column is refused when it holds an id that
    cannot be a coincidence (see ``_COINCIDENCE_SHAPED_ID``), or, unless its declared role is an
    attribute (``MartTable.attributes``: country, department, level, cohort, which name groups,
    never a person), when most of its values are ids of at least two people. An attribute of
    numbers beside numeric ids (level "2", employee "2") is therefore published, a renamed
    manager column or an e-mail used as the id is not. Messages give counts, never values.
    """
    for table in tables:
        for id_column in table.id_columns:
            values = (
                f"unnest({quote(id_column)})"
                if columns[table.name][id_column].upper().endswith("[]")
                else quote(id_column)
            )
            con.execute(f"INSERT INTO known_ids SELECT DISTINCT {values} FROM {source_table(table)}")
    con.execute("CREATE OR REPLACE TABLE known_ids AS SELECT DISTINCT id FROM known_ids WHERE id IS NOT NULL")
    for table in tables:
        for name, dtype in columns[table.name].items():
            if name in table.id_columns or dtype.upper() not in ("VARCHAR", "VARCHAR[]"):
                continue
            values = f"unnest({quote(name)})" if dtype.upper() == "VARCHAR[]" else quote(name)
            n, hits, people, unmistakable = con.execute(
                "SELECT count(v), count(*) FILTER (is_id), count(DISTINCT v) FILTER (is_id), "
                f"count(DISTINCT v) FILTER (is_id AND NOT regexp_full_match(v, '{_COINCIDENCE_SHAPED_ID}')) "
                f"FROM (SELECT v, v IN (SELECT id FROM known_ids) AS is_id "
                f"FROM (SELECT {values} AS v FROM {source_table(table)}) WHERE v IS NOT NULL)"
            ).fetchall()[0]
            if unmistakable:
                why = f"{unmistakable} of them can be nothing but ids (letters, separators or '@')"
            elif name not in table.attributes and hits >= ID_COLUMN_SHARE * n and people >= 2:
                why = f"they are {hits} of its {n} value(s), naming {people} different people"
            else:
                continue
            raise CatalogError(
                f"{table.qualified_name}.{name}: {hits} value(s) are employee ids but the column is "
                f"not a declared id column of a person table ({why}); register it so it is pseudonymised"
            )


def build_table(
    con: duckdb.DuckDBPyConnection, table: MartTable, columns: Mapping[str, str]
) -> TableReport:
    order = ", ".join(quote(c) for c in table.key_columns)
    target = f"srv.{MARTS_SCHEMA}.{quote(table.name)}"
    query = serving_query(table, columns, source_table(table))
    con.execute(f"CREATE TABLE {target} AS {query} ORDER BY {order}")
    con.execute(f"DROP TABLE {source_table(table)}")
    rows = con.execute(f"SELECT count(*) FROM {target}").fetchall()[0][0]
    flagged = con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE database_name = 'srv' AND schema_name = $s "
        "AND table_name = $t AND column_name = $c",
        {"s": MARTS_SCHEMA, "t": table.name, "c": SUPPRESSED_COLUMN},
    ).fetchall()[0][0]
    suppressed = (
        con.execute(f"SELECT count(*) FROM {target} WHERE {SUPPRESSED_COLUMN}").fetchall()[0][0] if flagged else 0
    )
    return TableReport(
        name=table.name,
        privacy=table.privacy,
        rows=int(rows),
        suppressed_rows=int(suppressed),
        pseudonymised_columns=table.id_columns,
        wave_partitioned=table.wave_partitioned,
        waves=0,
    )


def write_meta(
    con: duckdb.DuckDBPyConnection,
    version: str,
    published_at: str,
    key: PseudonymKey,
    reports: list[TableReport],
) -> None:
    """Version stamp and row counts inside the copy, so a reader can check what it sees."""
    con.execute(f"CREATE SCHEMA srv.{META_SCHEMA}")
    con.execute(
        f"CREATE TABLE srv.{META_SCHEMA}.publication AS SELECT $v AS version, "
        "$at::TIMESTAMPTZ AS published_at, $src AS key_source",
        {"v": version, "at": published_at, "src": key.source},
    )
    con.execute(
        f"CREATE TABLE srv.{META_SCHEMA}.published_tables (table_name VARCHAR, privacy VARCHAR, "
        "row_count BIGINT, suppressed_rows BIGINT, pseudonymised_columns VARCHAR[], "
        "wave_partitioned BOOLEAN)"
    )
    for r in reports:
        con.execute(
            f"INSERT INTO srv.{META_SCHEMA}.published_tables VALUES ($n, $p, $r, $s, $c, $w)",
            {
                "n": r.name,
                "p": r.privacy,
                "r": r.rows,
                "s": r.suppressed_rows,
                "c": list(r.pseudonymised_columns),
                "w": r.wave_partitioned,
            },
        )


def write_parquet(con: duckdb.DuckDBPyConnection, table: MartTable, root: Path) -> int:
    """``<table>/wave=<w>/part-0.parquet`` for wave-grain tables, ``<table>/part-0.parquet`` for
    the rest (and for an empty wave-grain table, which has no partition to write)."""
    source = f"srv.{MARTS_SCHEMA}.{quote(table.name)}"
    folder = root / table.name
    waves = 0
    if table.wave_partitioned:
        waves = con.execute(f"SELECT count(DISTINCT {WAVE_COLUMN}) FROM {source}").fetchall()[0][0]
    if waves:
        con.execute(
            f"COPY {source} TO {sql_str(folder)} (FORMAT parquet, "
            f"PARTITION_BY ({WAVE_COLUMN}), FILENAME_PATTERN 'part-{{i}}')"
        )
    else:
        folder.mkdir()
        con.execute(f"COPY {source} TO {sql_str(folder / 'part-0.parquet')} (FORMAT parquet)")
    return int(waves)
