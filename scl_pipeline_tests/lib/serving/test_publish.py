import hashlib
import hmac
import json
import logging
import re
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from scl_pipeline.lib.serving.catalog import REGISTRY, CatalogError, aggregate, person
from scl_pipeline.lib.serving.pseudonyms import PseudonymKey
from scl_pipeline.lib.serving.publish import PublishError, publish_serving
from scl_pipeline_tests.lib.serving.helpers import (
    COUNTRY_SIZES,
    OTHER_KEY,
    TEST_KEY,
    build_warehouse,
    employee_ids,
    serving_state,
)

ID_PATTERN = re.compile(r"EMP-\d{5}")


def _hmac(eid: str, key: str = TEST_KEY) -> str:
    return "p_" + hmac.new(key.encode(), eid.encode(), hashlib.sha256).hexdigest()[:16]


@pytest.fixture
def published(tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    build_warehouse(wh)
    report = publish_serving(wh, tmp_path / "serving", PseudonymKey(TEST_KEY))
    return wh, tmp_path / "serving", report


def _rows(db: Path, sql: str, params=None):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def _all_cells(db: Path):
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() ORDER BY ALL").fetchall()
        for schema, table in tables:
            for row in con.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall():
                yield from ((f"{schema}.{table}", cell) for cell in row)
    finally:
        con.close()


def test_no_real_id_anywhere_in_the_serving_copy(published):
    wh, serving, _ = published
    ids = set(employee_ids())
    # control: the pattern does find the ids in the warehouse
    assert ids <= {c for _, c in _all_cells(wh) if isinstance(c, str)}
    leaks = [(t, c) for t, c in _all_cells(serving / "scl.duckdb") if ID_PATTERN.search(str(c))]
    assert leaks == []
    pq = duckdb.connect()
    for path in (serving / "parquet").resolve().rglob("*.parquet"):
        for row in pq.execute("SELECT * FROM read_parquet($p)", {"p": str(path)}).fetchall():
            assert not any(ID_PATTERN.search(str(c)) for c in row), path


def test_pseudonyms_are_keyed_hmacs_stable_across_waves(published):
    wh, serving, _ = published
    source = _rows(wh, "SELECT employee_id, wave, in_degree, betweenness "
                       "FROM marts.person_wave_metrics ORDER BY ALL")
    expected = sorted((_hmac(e), w, d, b) for e, w, d, b in source)
    got = _rows(serving / "scl.duckdb", "SELECT employee_id, wave, in_degree, betweenness "
                                        "FROM marts.person_wave_metrics ORDER BY ALL")
    assert got == expected
    per_wave = _rows(serving / "scl.duckdb", "SELECT wave, list(employee_id ORDER BY employee_id) "
                                             "FROM marts.person_wave_metrics GROUP BY wave")
    assert len({tuple(ids) for _, ids in per_wave}) == 1 and len(per_wave) == 3


def test_same_id_same_pseudonym_across_tables_and_other_key_differs(tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    build_warehouse(wh)
    con = duckdb.connect(str(wh))
    con.execute("CREATE TABLE marts.resilience_scenarios AS SELECT wave, 'top2' AS scenario, "
                "list(employee_id ORDER BY in_degree DESC, employee_id)[1:2] AS removed_people "
                "FROM marts.person_wave_metrics GROUP BY wave")
    con.close()
    registry = {**REGISTRY, "resilience_scenarios": person(
        "resilience_scenarios", "wave", "scenario", ids=("removed_people",))}
    runs = {}
    for name, key in (("a", TEST_KEY), ("b", OTHER_KEY)):
        publish_serving(wh, tmp_path / name, PseudonymKey(key), registry=registry)
        runs[name] = _rows(
            tmp_path / name / "scl.duckdb",
            "SELECT r.wave, p, m.employee_id FROM marts.resilience_scenarios r, "
            "unnest(r.removed_people) u(p) LEFT JOIN marts.person_wave_metrics m "
            "ON m.employee_id = p AND m.wave = r.wave ORDER BY ALL")
    assert len(runs["a"]) == 6 and all(p == m for _, p, m in runs["a"])
    pseudos = {k: {p for _, p, _ in v} for k, v in runs.items()}
    assert not pseudos["a"] & pseudos["b"]


def test_small_groups_withheld_and_flagged(published):
    _, serving, report = published
    rows = _rows(serving / "scl.duckdb", "SELECT country, wave, people, internal_edges, ei, "
                                         "suppressed FROM marts.country_wave_bonds")
    assert len(rows) == len(COUNTRY_SIZES) * 3
    for country, _wave, people, internal, ei, suppressed in rows:
        small = COUNTRY_SIZES[country] < 5
        assert suppressed is small
        assert (people, internal, ei) == (None, None, None) if small else people == COUNTRY_SIZES[country]
        if not small:
            assert internal is not None and ei is not None
    bonds = next(t for t in report.tables if t.name == "country_wave_bonds")
    assert bonds.suppressed_rows == 3 * sum(1 for n in COUNTRY_SIZES.values() if n < 5)


def test_key_absent_from_report_metadata_manifest_and_logs(tmp_path, caplog):
    wh = tmp_path / "warehouse.duckdb"
    build_warehouse(wh)
    with caplog.at_level(logging.DEBUG):
        report = publish_serving(wh, tmp_path / "serving", PseudonymKey(TEST_KEY))
    texts = [caplog.text, repr(report), json.dumps(report.to_dict())]
    texts += [p.read_text() for p in (tmp_path / "serving").rglob("*.json")]
    texts += [str(c) for _, c in _all_cells(tmp_path / "serving" / "scl.duckdb")]
    assert caplog.text  # the publish did log
    assert not [t for t in texts if TEST_KEY in t]
    assert TEST_KEY.encode() not in (tmp_path / "serving" / "scl.duckdb").read_bytes()


def test_parquet_matches_duckdb_copy_with_hive_layout(published):
    _, serving, report = published
    root = (serving / "parquet").resolve()
    assert sorted(p.name for p in (root / "person_wave_metrics").iterdir()) == [
        "wave=2021-Q3", "wave=2021-Q4", "wave=2022-Q1"]
    assert (root / "person_wave_metrics" / "wave=2021-Q3" / "part-0.parquet").is_file()
    assert [p.name for p in (root / "data_quality").iterdir()] == ["part-0.parquet"]
    con = duckdb.connect(str(serving / "scl.duckdb"), read_only=True)
    for table in report.tables:
        cols = [r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name='marts' AND table_name=$t "
            "ORDER BY column_index", {"t": table.name}).fetchall()]
        select = ", ".join(f'"{c}"' for c in cols)
        pq = f"(SELECT {select} FROM read_parquet('{root / table.name}/**/*.parquet', hive_partitioning=true))"
        db = f'(SELECT {select} FROM marts."{table.name}")'
        assert con.execute(f"SELECT count(*) FROM {pq}").fetchall()[0][0] == table.rows > 0
        assert con.execute(f"SELECT count(*) FROM ({pq} EXCEPT ALL {db})").fetchall()[0][0] == 0
        assert con.execute(f"SELECT count(*) FROM ({db} EXCEPT ALL {pq})").fetchall()[0][0] == 0
    con.close()


def test_report_counts_and_unclassified_or_absent_marts(tmp_path, caplog):
    wh = tmp_path / "warehouse.duckdb"
    build_warehouse(wh, unclassified=True)
    with caplog.at_level(logging.WARNING):
        report = publish_serving(wh, tmp_path / "serving", PseudonymKey(TEST_KEY))
    n = len(employee_ids())
    assert report.row_counts == {"country_wave_bonds": 12, "data_quality": 1,
                                 "person_wave_metrics": 3 * n, "wave_summary": 3}
    assert report.unclassified == ("brand_new_mart",) and "brand_new_mart" in caplog.text
    # Every registered mart the helper warehouse lacks (country_mixing, role_thresholds, ...).
    assert report.registered_but_absent == tuple(sorted(set(REGISTRY) - set(report.row_counts)))
    assert {"country_mixing", "role_thresholds"} <= set(report.registered_but_absent)
    tables = _rows(tmp_path / "serving" / "scl.duckdb",
                   "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'")
    assert ("brand_new_mart",) not in tables
    assert serving_state(tmp_path / "serving")["db_rows"] == report.row_counts


def test_writer_can_open_warehouse_right_after_publish(published):
    wh, _, _ = published
    con = duckdb.connect(str(wh))  # read-write: fails if publish still held the file
    con.execute("INSERT INTO marts.data_quality VALUES ('run-2', 'f.csv', 'x', 0, 'passed')")
    con.close()


def test_versions_pruned_to_current_and_previous(tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    build_warehouse(wh)
    versions = [publish_serving(wh, tmp_path / "s", PseudonymKey(TEST_KEY)).version
                for _ in range(4)]
    kept = sorted(p.name for p in (tmp_path / "s" / "parquet_versions").iterdir())
    assert kept == versions[-2:]
    assert (tmp_path / "s" / "parquet").resolve().name == versions[-1]
    assert serving_state(tmp_path / "s")["db_version"] == versions[-1]


def test_bad_wave_value_is_refused_naming_table(tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    build_warehouse(wh)
    con = duckdb.connect(str(wh))
    con.execute("UPDATE marts.wave_summary SET wave = '2021/3' WHERE wave = '2021-Q3'")
    con.close()
    with pytest.raises(PublishError, match=r"marts.wave_summary.wave.*2021/3"):
        publish_serving(wh, tmp_path / "s", PseudonymKey(TEST_KEY))
    assert not (tmp_path / "s" / "scl.duckdb").exists()


def test_real_ids_in_an_undeclared_column_are_refused(tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    build_warehouse(wh)
    con = duckdb.connect(str(wh))
    con.execute("CREATE TABLE marts.roi AS SELECT wave, 'base' AS scenario, "
                "max(employee_id) AS top_person FROM marts.person_wave_metrics GROUP BY wave")
    con.close()
    registry = {**REGISTRY, "roi": aggregate("roi", "wave", "scenario")}
    with pytest.raises(CatalogError, match=r"marts.roi.top_person: 3 value"):
        publish_serving(wh, tmp_path / "s", PseudonymKey(TEST_KEY), registry=registry)


def test_registry_column_mismatch_is_refused(tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    build_warehouse(wh)
    registry = {**REGISTRY, "wave_summary": replace(aggregate("wave_summary", "wave", "metric"))}
    with pytest.raises(CatalogError, match=r"marts.wave_summary: registry names column\(s\) \['metric'\]"):
        publish_serving(wh, tmp_path / "s", PseudonymKey(TEST_KEY), registry=registry)


def test_parquet_path_that_is_a_real_directory_is_refused(tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    build_warehouse(wh)
    (tmp_path / "s" / "parquet").mkdir(parents=True)
    with pytest.raises(PublishError, match="not a symlink"):
        publish_serving(wh, tmp_path / "s", PseudonymKey(TEST_KEY))
    assert not (tmp_path / "s" / "scl.duckdb").exists()  # refused before anything was swapped


def test_missing_warehouse_is_a_clear_error(tmp_path):
    with pytest.raises(PublishError, match="does not exist"):
        publish_serving(tmp_path / "nope.duckdb", tmp_path / "s", PseudonymKey(TEST_KEY))
