"""dbt-like SQL models: ``dbt_like_sql/<schema>/<table>.sql`` files, each a single SELECT.

The SQL itself is the source of truth: sqlglot parses each model for the tables it reads (its
dependencies) and the ``$parameters`` it binds. A model that uses ``$wave`` is wave-grained: a run
replaces that wave's rows in one transaction; any other model is rebuilt whole. Values are always
bound as DuckDB parameters, never pasted into SQL text.

An optional first comment block documents the model: ``-- description: ...`` lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import sqlglot
from sqlglot import exp

from scl_pipeline.lib.project_files import sql_root
from scl_pipeline.lib.warehouse.connection import transaction
from scl_pipeline.lib.warehouse.tables import Query, TableShapeError, replace_partition, replace_table

WAVE_PARAMETER = "wave"
# The project's models: the staging and marts assets, and the ingestion gates (which run the
# staging models on a candidate wave's rows), all read them from here.
SQL_ROOT = sql_root()


class SqlModelError(ValueError):
    """A model file that cannot be parsed, ordered or run, with the file named."""


@dataclass(frozen=True)
class SqlModel:
    name: str  # "schema.table", also the Dagster asset key path
    path: Path
    sql: str
    depends_on: frozenset[str]  # "schema.table" of every table read
    parameters: frozenset[str]
    description: str

    @property
    def schema(self) -> str:
        return self.name.split(".")[0]

    @property
    def table(self) -> str:
        return self.name.split(".")[1]

    @property
    def wave_grained(self) -> bool:
        return WAVE_PARAMETER in self.parameters


def parse_model(path: Path, root: Path) -> SqlModel:
    relative = path.relative_to(root)
    if len(relative.parts) != 2:
        raise SqlModelError(f"{path}: models live in <schema>/<table>.sql, directly under {root}")
    name = f"{relative.parts[0]}.{path.stem}"
    sql = path.read_text().strip().rstrip(";")
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except sqlglot.errors.ParseError as exc:
        raise SqlModelError(f"{path}: not valid DuckDB SQL: {exc}") from None
    if len(statements) != 1 or not isinstance(statements[0], exp.Query):
        raise SqlModelError(f"{path}: a model is exactly one SELECT statement")
    tree = statements[0]
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    depends_on = set()
    for table in tree.find_all(exp.Table):
        if table.name in ctes and not table.db:
            continue
        if not table.db:
            raise SqlModelError(f"{path}: table {table.name!r} must be schema-qualified (e.g. staging.{table.name})")
        depends_on.add(f"{table.db}.{table.name}")
    parameters = {p.name for p in tree.find_all(exp.Placeholder) if p.name}
    description = " ".join(
        line.split(":", 1)[1].strip()
        for line in sql.splitlines()
        if line.strip().lower().startswith("-- description:")
    )
    return SqlModel(
        name=name,
        path=path,
        sql=sql,
        depends_on=frozenset(depends_on - {name}),
        parameters=frozenset(parameters),
        description=description or f"SQL model {name}",
    )


def load_models(root: Path) -> dict[str, SqlModel]:
    """Every model under ``root``, by name."""
    models = [parse_model(path, root) for path in sorted(Path(root).glob("*/*.sql"))]
    return {model.name: model for model in models}


@cache
def project_models() -> dict[str, SqlModel]:
    """Every model under :data:`SQL_ROOT`, by name (parsed once per process)."""
    return load_models(SQL_ROOT)


def run_model(
    con: duckdb.DuckDBPyConnection, model: SqlModel, parameters: Mapping[str, object]
) -> int:
    """Materialise ``model``; returns the rows it wrote (for a wave model: that wave's rows)."""
    missing = model.parameters - set(parameters)
    if missing:
        raise SqlModelError(f"{model.path}: no value for parameter(s) {sorted(missing)}")
    query = Query(model.sql, {key: parameters[key] for key in model.parameters})
    if not model.wave_grained:
        return replace_table(con, model.name, query)
    produced = [d[0] for d in con.execute(f"SELECT * FROM ({query.sql}) LIMIT 0", dict(query.parameters)).description]
    if WAVE_PARAMETER not in produced:
        raise SqlModelError(f"{model.path}: a wave model must select a `wave` column")
    try:
        with transaction(con):
            return replace_partition(con, model.name, query, WAVE_PARAMETER, query.parameters[WAVE_PARAMETER])
    except TableShapeError as exc:
        raise SqlModelError(f"{model.path}: the model's {exc}") from None
