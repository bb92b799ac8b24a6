"""The BI tools of today open the serving copy (docs/bi_serving.md, "Clients").

A real publish (the pipeline on a 1,000-person demo organisation, two waves) is read by:

- older DuckDB releases' Python packages (1.1.3, the 1.4 LTS 1.4.4, the newest 1.x 1.5.6), each in
  its own throw-away virtualenv built by the test set-up (pinned, cached between runs: see
  ``helpers/throwaway_venv.py``), running the queries docs/bi_serving.md shows plus a full read of
  every published table; the results must equal the project's DuckDB's, value for value;
- the DuckDB CLI of PyPI's ``duckdb-cli`` (1.4.4, 1.5.6: the first and the newest on PyPI);
- SQLAlchemy with duckdb-engine, as SQL-based BI tools connect: in the project's environment
  (pinned in requirements.lock) and with SQLAlchemy 1.4 and DuckDB 1.5.6 (Superset's range),
  where table and column reflection work;
- Node.js with ``@duckdb/node-api`` 1.5.6-r.1 (DuckDB 1.5.6), installed by npm the same way;
- pyarrow alone on the Parquet folder (no DuckDB).

Before the serving copy was written with an explicit storage version, every 1.x client here
refused the file ("Trying to read a database file with version number 69/999 ...").
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pyarrow.dataset as ds
import pytest

from scl_pipeline.definitions import build_defs
from scl_pipeline.lib.demo import generate_demo_org
from scl_pipeline.lib.lake import REPO_ROOT, DataLake
from scl_pipeline.lib.serving.publication import current_parquet_dir
from scl_pipeline.runner import run_pipeline
from scl_pipeline_tests.e2e import bi_client_proc
from scl_pipeline_tests.helpers.throwaway_venv import locked_version, throwaway_node_modules, throwaway_venv

pytestmark = pytest.mark.slow

PROC = Path(bi_client_proc.__file__)
NODE_PROC = PROC.with_name("bi_client_node.mjs")
NODE_CLIENT = "@duckdb/node-api@1.5.6-r.1"  # the newest 1.x; its version is the DuckDB it embeds
DOCS = REPO_ROOT / "docs" / "bi_serving.md"
# The block of docs/bi_serving.md whose queries every client runs; its paths are relative to the
# repository as in the docs, and point at the test's copy here.
QUERIES_MARKER = "<!-- queries run by scl_pipeline_tests/e2e/test_bi_clients.py -->"
DOCS_SERVING = "data_lake/serving"

# DuckDB 1.x's Python package needs pytz for TIMESTAMPTZ (serving.publication.published_at).
OLD_PYTHON_CLIENTS = {
    "1.1.3": ("duckdb==1.1.3",),
    "1.4.4": ("duckdb==1.4.4", "duckdb-cli==1.4.4.post2"),  # .post2: the first whose CLI is executable
    "1.5.6": ("duckdb==1.5.6", "duckdb-cli==1.5.6"),
}
CLI_CLIENTS = ("1.4.4", "1.5.6")
# Superset declares SQLAlchemy >=1.4,<2; SQLAlchemy 2.0.45 and later break duckdb-engine 0.17.0's
# column reflection (duckdb has no pg_catalog.pg_collation; duckdb/duckdb#22069).
SQLALCHEMY_BI_STACK = ("duckdb==1.5.6", "duckdb-engine==0.17.0", "SQLAlchemy==1.4.54")


def _client(version: str) -> Path:
    return throwaway_venv(f"duckdb-{version}", (*OLD_PYTHON_CLIENTS[version], locked_version("pytz")))


def docs_queries(serving: Path) -> list[str]:
    """The SQL block after the marker in docs/bi_serving.md, one query per statement."""
    text = DOCS.read_text()
    assert QUERIES_MARKER in text, f"{DOCS}: the tested queries' marker is gone"
    block = re.search(r"```sql\n(.*?)```", text.split(QUERIES_MARKER, 1)[1], re.S)
    assert block, f"{DOCS}: no ```sql block after the marker"
    # No query of the block holds "--" in a string: what follows it on a line is a comment.
    lines = [line.split("--", 1)[0].rstrip() for line in block.group(1).splitlines()]
    queries = [q.strip() for q in "\n".join(lines).split(";") if q.strip()]
    assert len(queries) >= 4 and any("read_parquet" in q for q in queries), queries
    return [q.replace(DOCS_SERVING, str(serving)) for q in queries]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    lake = DataLake(tmp_path_factory.mktemp("bi_clients") / "lake")
    truth = generate_demo_org(lake.landing, people=1000, seed=23, first_wave="2020-Q4", last_wave="2021-Q2")
    results = run_pipeline(
        build_defs(lake.root, allow_demo_key=True), truth.waves[:2], dg.DagsterInstance.ephemeral(), echo=lambda _: None
    )
    assert all(r.success for r in results), [r.error for r in results if not r.success]
    db = lake.serving / "scl.duckdb"
    reference = _run(Path(sys.executable), "duckdb", db, ["select table_name from serving.published_tables order by 1"])
    tables = [row[0] for row in reference["results"][0]["rows"]]
    assert len(tables) >= 10, tables
    queries = docs_queries(lake.serving) + [f"select * from marts.{t} order by all" for t in tables]
    expected = _run(Path(sys.executable), "duckdb", db, queries)
    assert expected["duckdb"].startswith("2."), expected["duckdb"]  # the project's DuckDB writes the copy
    return lake, queries, expected, tables


def _run(python: Path, mode: str, db: Path, queries: list[str]) -> dict:
    done = subprocess.run(
        [str(python), str(PROC), mode, str(db)], input=json.dumps(queries), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{python} {mode} could not read {db}:\n{done.stderr[-4000:]}"
    return json.loads(done.stdout)


def _mismatches(queries: list[str], got: list[dict], expected: list[dict]) -> list[str]:
    return [
        f"{q[:90]!r}: columns {g['columns']} vs {e['columns']}, {len(g['rows'])} vs {len(e['rows'])} rows"
        for q, g, e in zip(queries, got, expected)
        if g != e
    ]


@pytest.mark.parametrize("version", sorted(OLD_PYTHON_CLIENTS))
def test_older_duckdb_releases_read_the_serving_copy_as_the_project_does(published, version):
    lake, queries, expected, _ = published
    got = _run(_client(version) / "python", "duckdb", lake.serving / "scl.duckdb", queries)
    assert got["duckdb"] == version
    assert len(got["results"]) == len(queries)
    assert not _mismatches(queries, got["results"], expected["results"])


def _same_cell(cli, value) -> bool:
    """A CLI or Node.js JSON cell against the Python value: numbers to 1e-12, timestamps as instants."""
    if isinstance(value, bool) or value is None:
        return cli == value
    if isinstance(value, int) and isinstance(cli, str):  # Node.js renders a BIGINT as text
        return cli == str(value)
    if isinstance(value, (int, float)):
        return isinstance(cli, (int, float)) and math.isclose(cli, value, rel_tol=1e-12, abs_tol=1e-300)
    if value == "NaN":
        return cli in ("NaN", "nan") or (isinstance(cli, float) and math.isnan(cli))
    if isinstance(value, list):
        if isinstance(cli, str):  # CLI 1.4 renders a list as text: [a, b]
            return cli == "[" + ", ".join(map(str, value)) + "]"
        return isinstance(cli, list) and len(cli) == len(value) and all(map(_same_cell, cli, value))
    if isinstance(value, str) and isinstance(cli, str) and re.fullmatch(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d.*", value):
        def instant(text: str) -> dt.datetime:
            text = re.sub(r"([+-]\d\d)$", r"\1:00", text.replace(" ", "T"))
            parsed = dt.datetime.fromisoformat(text)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
        return instant(cli) == instant(value)
    return cli == value


@pytest.mark.parametrize("version", CLI_CLIENTS)
def test_the_duckdb_cli_reads_the_serving_copy(published, version):
    lake, queries, expected, _ = published
    cli = _client(version) / "duckdb"
    shown = subprocess.run([str(cli), "--version"], capture_output=True, text=True, timeout=60)
    assert shown.stdout.startswith(f"v{version}"), shown
    for query, reference in zip(queries, expected["results"]):
        # As a person types it: duckdb -readonly data_lake/serving/scl.duckdb, here as JSON lines.
        done = subprocess.run(
            [str(cli), "-readonly", "-json", str(lake.serving / "scl.duckdb"), "-c", query],
            capture_output=True, text=True, timeout=120,
        )
        assert done.returncode == 0 and not done.stderr, f"{query[:90]}: {done.stderr[-2000:]}"
        rows = json.loads(done.stdout) if done.stdout.strip() else []
        columns = list(rows[0]) if rows else reference["columns"]
        _same_results(query, {"columns": columns, "rows": [list(r.values()) for r in rows]}, reference)


def _same_results(query: str, got: dict, reference: dict) -> None:
    assert got["columns"] == reference["columns"], query
    assert len(got["rows"]) == len(reference["rows"]), query
    for row, ref in zip(got["rows"], reference["rows"]):
        bad = [(c, a, b) for c, a, b in zip(reference["columns"], row, ref) if not _same_cell(a, b)]
        assert not bad, f"{query[:90]}: {bad[:5]}"


def test_nodejs_reads_the_serving_copy(published):
    lake, queries, expected, _ = published
    folder = throwaway_node_modules("node-duckdb-api-1.5.6-r.1", (NODE_CLIENT,))
    script = shutil.copy(NODE_PROC, folder / NODE_PROC.name)
    done = subprocess.run(
        ["node", str(script), str(lake.serving / "scl.duckdb")], input=json.dumps(queries),
        capture_output=True, text=True, timeout=300, cwd=folder,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    got = json.loads(done.stdout)
    assert got["duckdb"] == "v1.5.6"
    for query, result, reference in zip(queries, got["results"], expected["results"], strict=True):
        _same_results(query, result, reference)


def test_sqlalchemy_with_duckdb_engine_reads_it_in_the_projects_environment(published):
    # SQLAlchemy and duckdb-engine as requirements.lock pins them, with the project's DuckDB.
    lake, queries, expected, tables = published
    got = bi_client_proc.with_sqlalchemy(str(lake.serving / "scl.duckdb"), queries)
    assert sorted(k.removeprefix("marts.") for k in got["reflected"] if k.startswith("marts.")) == tables
    assert {"serving.publication", "serving.published_tables"} <= set(got["reflected"])
    assert not _mismatches(queries, got["results"], expected["results"])


def test_a_superset_like_sqlalchemy_stack_reflects_and_reads_it(published):
    lake, queries, expected, tables = published
    python = throwaway_venv("sqlalchemy1.4-duckdb-1.5.6", (*SQLALCHEMY_BI_STACK, locked_version("pytz"))) / "python"
    got = _run(python, "sqlalchemy-reflect", lake.serving / "scl.duckdb", queries)
    assert (got["duckdb"], got["sqlalchemy"]) == ("1.5.6", "1.4.54")
    assert sorted(k.removeprefix("marts.") for k in got["reflected"] if k.startswith("marts.")) == tables
    # Every column of every table is reflected, under the names a query returns.
    for table, result in zip(tables, got["results"][-len(tables):]):
        assert [name for name, _ in got["reflected"][f"marts.{table}"]] == result["columns"], table
    assert not _mismatches(queries, got["results"], expected["results"])


def test_pyarrow_alone_reads_the_parquet_folder(published):
    lake, queries, expected, tables = published
    root = current_parquet_dir(lake.serving)
    by_query = dict(zip(queries, expected["results"]))
    for table in tables:
        data = ds.dataset(root / table, format="parquet", partitioning="hive").to_table()
        reference = by_query[f"select * from marts.{table} order by all"]
        # Hive partitioning puts ``wave`` last, as DuckDB's read_parquet does (docs/bi_serving.md).
        assert sorted(data.column_names) == sorted(reference["columns"]), table
        rows = [[bi_client_proc.plain(v) for v in row.values()] for row in data.select(reference["columns"]).to_pylist()]
        assert sorted(map(repr, rows)) == sorted(map(repr, reference["rows"])), table
