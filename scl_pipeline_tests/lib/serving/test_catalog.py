
import duckdb
import pytest

from scl_pipeline.lib.contract import PERSON_ID_COLUMNS, is_person_id_column
from scl_pipeline.lib.serving.catalog import (
    REGISTRY,
    CatalogError,
    MartTable,
    group,
    person,
    unclassified_tables,
)

BUILT_MARTS = {
    "wave_summary", "person_wave_metrics", "role_thresholds", "country_wave_bonds",
    "country_mixing", "data_quality", "participant_network", "impact_did", "impact_balance", "experiment_kbis", "roi",
    "bridge_criticality", "resilience_scenarios", "robustness_curve", "robustness_summary",
}


def test_every_built_mart_is_registered_with_a_class():
    assert set(REGISTRY) == BUILT_MARTS
    assert REGISTRY["person_wave_metrics"].privacy == "person"
    assert REGISTRY["country_wave_bonds"].size_column == "people"
    assert all(t.wave_partitioned for n, t in REGISTRY.items() if n not in ("data_quality", "experiment_kbis"))
    assert REGISTRY["impact_did"].small_flag == REGISTRY["experiment_kbis"].small_flag == "small_group"
    assert REGISTRY["bridge_criticality"].privacy == "person"
    assert REGISTRY["resilience_scenarios"].size_column == "removed_people"
    # One population table counts the groups; the country tables' rows are its countries.
    assert [n for n, t in REGISTRY.items() if t.population] == ["person_wave_metrics"]
    assert REGISTRY["country_wave_bonds"].group_keys == (("country", "country"),)
    assert REGISTRY["country_mixing"].group_keys == (("country", "country"), ("other_country", "country"))
    assert set(REGISTRY["person_wave_metrics"].attributes) == {"country", "department", "level", "cohort"}
    assert REGISTRY["country_mixing"].attributes == ("country", "other_country")


def test_registry_entries_are_validated():
    with pytest.raises(CatalogError, match="id_columns"):
        MartTable("x", "person", ("wave",))
    with pytest.raises(CatalogError, match="size_column"):
        MartTable("x", "group", ("wave",))
    with pytest.raises(CatalogError, match="small_flag"):
        MartTable("x", "aggregate", ("wave",), small_flag="small_group")
    with pytest.raises(CatalogError, match="privacy class"):
        MartTable("x", "secret", ("wave",))  # type: ignore[arg-type]
    with pytest.raises(CatalogError, match="only person tables carry quasi_identifiers or population"):
        MartTable("x", "aggregate", ("wave",), population=True)
    with pytest.raises(CatalogError, match="only group tables carry group_keys"):
        MartTable("x", "aggregate", ("wave", "country"), group_keys=(("country", "country"),))
    with pytest.raises(CatalogError, match=r"group_keys \['site'\] must be key columns"):
        group("x", "wave", size="people", groups={"site": "site"})


def test_check_columns_names_missing_and_undeclared_id_columns():
    with pytest.raises(CatalogError, match=r"marts.g: registry names column\(s\) \['people'\]"):
        group("g", "country", "wave", size="people").check_columns(["country", "wave", "n"])
    with pytest.raises(CatalogError, match=r"\['manager_id'\] look like employee ids"):
        person("p", "employee_id").check_columns(["employee_id", "manager_id"])
    with pytest.raises(CatalogError, match=r"\['peer_employee_id'\] look like employee ids"):
        person("p", "employee_id").check_columns(["employee_id", "peer_employee_id"])
    with pytest.raises(CatalogError, match="reserved"):
        group("g", "c", size="n").check_columns(["c", "n", "suppressed"])


def test_unclassified_tables_lists_marts_missing_from_the_registry():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.wave_summary (wave VARCHAR)")
    con.execute("CREATE TABLE marts.new_thing (wave VARCHAR)")
    con.execute("CREATE TABLE main.not_a_mart (x INT)")
    assert unclassified_tables(con) == ["new_thing"]


def test_one_definition_of_person_id_columns_for_ingestion_previews_and_serving():
    # The landing contract's person columns, plus ids a mart derives under *employee_id names.
    assert all(is_person_id_column(c) for c in PERSON_ID_COLUMNS)
    assert is_person_id_column("peer_employee_id")
    assert not any(is_person_id_column(c) for c in ("country", "level", "employee_count", "manager"))
