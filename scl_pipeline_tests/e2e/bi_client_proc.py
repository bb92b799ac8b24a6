"""A BI reader in its own interpreter:
``python bi_client_proc.py {duckdb|sqlalchemy|sqlalchemy-reflect} DB < queries.json``.

Run by the Python of a throw-away virtualenv holding another DuckDB release (and, for
``sqlalchemy``, duckdb-engine and SQLAlchemy), so it imports nothing from the project: the
standard library and the client only. Opens the serving copy read-only, runs each query and
prints ``{"duckdb": version, "results": [{"columns": [...], "rows": [[...], ...]}, ...]}`` with
values as JSON (dates as ISO text, NaN as "NaN"). The project's own DuckDB runs the same file,
so both sides serialise alike. ``sqlalchemy`` lists the tables of ``marts`` and ``serving`` as a SQL BI
tool's table browser does (``"reflected": {"schema.table": []}``); ``sqlalchemy-reflect`` also
reflects each table's columns (``[[name, type], ...]``).
"""

from __future__ import annotations

import datetime
import decimal
import json
import math
import sys


def plain(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def with_duckdb(db: str, queries: list[str]) -> dict:
    import duckdb

    con = duckdb.connect(db, read_only=True)
    try:
        results = []
        for sql in queries:
            cursor = con.execute(sql)
            columns = [d[0] for d in cursor.description]
            results.append({"columns": columns, "rows": [[plain(v) for v in row] for row in cursor.fetchall()]})
    finally:
        con.close()
    return {"duckdb": duckdb.__version__, "results": results}


def with_sqlalchemy(db: str, queries: list[str], reflect_columns: bool = False) -> dict:
    import duckdb
    import sqlalchemy as sa

    engine = sa.create_engine(f"duckdb:///{db}", connect_args={"read_only": True})
    try:
        inspector = sa.inspect(engine)
        reflected = {}
        for schema in ("marts", "serving"):
            for table in inspector.get_table_names(schema=schema):
                reflected[f"{schema}.{table}"] = (
                    [[c["name"], str(c["type"])] for c in inspector.get_columns(table, schema=schema)]
                    if reflect_columns
                    else []
                )
        results = []
        with engine.connect() as con:
            for sql in queries:
                result = con.execute(sa.text(sql))
                results.append(
                    {"columns": list(result.keys()), "rows": [[plain(v) for v in row] for row in result.fetchall()]}
                )
    finally:
        engine.dispose()
    return {"duckdb": duckdb.__version__, "sqlalchemy": sa.__version__, "results": results, "reflected": reflected}


def main() -> None:
    mode, db = sys.argv[1], sys.argv[2]
    queries = json.loads(sys.stdin.read())
    if mode == "duckdb":
        print(json.dumps(with_duckdb(db, queries)))
    else:
        print(json.dumps(with_sqlalchemy(db, queries, reflect_columns=mode == "sqlalchemy-reflect")))


if __name__ == "__main__":
    main()
