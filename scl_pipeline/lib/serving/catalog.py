"""The registry of mart tables published to BI and their privacy class (SPEC §3).

Every table in the warehouse schema ``marts`` must be registered here: an unregistered mart is
not published, and :func:`unclassified_tables` makes a test fail so nobody forgets to classify a
new one. Registering a table is one line.

Privacy classes:

- ``person``: rows describe people; the ``id_columns`` (employee ids, plain VARCHAR or VARCHAR[])
  are replaced by keyed pseudonyms in the serving copy. Its ``quasi_identifiers`` (country,
  department, ...) are withheld for the wave's small groups and their complements (see
  :func:`scl_pipeline.lib.serving.suppression.withheld_groups`); the ``population`` table's counts
  decide the wave's groups for every table.
- ``group``: rows describe groups of people; ``size_column`` counts the people in the group and a
  row whose group has fewer than ``MIN_GROUP_SIZE`` people has its value columns (every column
  except the ``key_columns``, the size column included) set NULL and ``suppressed`` set true.
  A row resting on several groups (participants against controls) also names ``small_flag``,
  the mart's own boolean "a group under ``MIN_GROUP_SIZE``" column: a true (or NULL) flag withholds it too.
  ``group_keys`` names key columns holding a population attribute (``country``): a row of a
  group the population table withholds in that wave is withheld too, whatever its own size.
- ``aggregate``: whole-population figures, published as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import duckdb

from scl_pipeline.lib.contract import is_person_id_column
from scl_pipeline.lib.small_groups import MIN_GROUP_SIZE

PrivacyClass = Literal["person", "group", "aggregate"]

MARTS_SCHEMA = "marts"
WAVE_COLUMN = "wave"
SUPPRESSED_COLUMN = "suppressed"


class CatalogError(ValueError):
    """A registry entry that does not fit the table it describes."""


@dataclass(frozen=True)
class MartTable:
    """One published mart table.

    ``key_columns`` is the grain (SPEC §3); a table whose grain includes ``wave`` is written to
    Parquet partitioned by wave.
    """

    name: str
    privacy: PrivacyClass
    key_columns: tuple[str, ...]
    id_columns: tuple[str, ...] = ()
    size_column: str | None = None
    small_flag: str | None = None
    min_group_size: int = MIN_GROUP_SIZE
    # Person tables: attributes that single out a person when few share the value (a country of
    # three people). In the serving copy a value shared by fewer than ``min_group_size`` people
    # of the same wave is withheld, with the row's ``suppressed`` flag set, and so is a value of a
    # group the population table withholds (its small groups and their complements,
    # suppression.register_withheld_groups). Absent ones are skipped.
    quasi_identifiers: tuple[str, ...] = ()
    # Person tables: a wave's rows are the wave's whole population, so counting its people per
    # quasi-identifier value gives the sizes of the wave's groups. The groups withheld there
    # (small ones and their complements) are withheld in every table that shows the attribute.
    population: bool = False
    # Group tables: (key column, population attribute) pairs, e.g. ("other_country", "country").
    group_keys: tuple[tuple[str, str], ...] = ()
    description: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.privacy not in ("person", "group", "aggregate"):
            raise CatalogError(f"{self.name}: unknown privacy class {self.privacy!r}")
        if self.privacy == "person" and not self.id_columns:
            raise CatalogError(f"{self.name}: a person table must name its id_columns")
        if self.privacy != "person" and self.id_columns:
            raise CatalogError(f"{self.name}: only person tables carry id_columns")
        if self.privacy != "person" and (self.quasi_identifiers or self.population):
            raise CatalogError(f"{self.name}: only person tables carry quasi_identifiers or population")
        if self.group_keys and self.privacy != "group":
            raise CatalogError(f"{self.name}: only group tables carry group_keys")
        outside = [c for c, _ in self.group_keys if c not in self.key_columns]
        if outside:
            raise CatalogError(f"{self.name}: group_keys {outside} must be key columns")
        if self.privacy == "group":
            if not self.size_column:
                raise CatalogError(f"{self.name}: a group table must name its size_column")
            if self.size_column in self.key_columns:
                raise CatalogError(f"{self.name}: size_column cannot be a key column")
        elif self.size_column or self.small_flag:
            raise CatalogError(f"{self.name}: only group tables carry a size_column or small_flag")
        if not self.key_columns:
            raise CatalogError(f"{self.name}: key_columns (the grain) must not be empty")

    @property
    def qualified_name(self) -> str:
        return f"{MARTS_SCHEMA}.{self.name}"

    @property
    def wave_partitioned(self) -> bool:
        return WAVE_COLUMN in self.key_columns

    @property
    def attributes(self) -> tuple[str, ...]:
        """Columns whose declared role is a shared attribute of people (a country, a level): their
        values name groups, never a person, so the id guard does not read a number in them as an
        id (issue 14)."""
        return (*self.quasi_identifiers, *(c for c, _ in self.group_keys))

    def withheld_columns(self, columns: Iterable[str]) -> tuple[str, ...]:
        """The columns set NULL in a suppressed row of a group table (everything but the key)."""
        if self.privacy != "group":
            return ()
        return tuple(c for c in columns if c not in self.key_columns)

    def check_columns(self, columns: Iterable[str]) -> None:
        """Raise :class:`CatalogError` when the entry names a column the table lacks, or the table
        holds an employee-id column the entry does not declare."""
        present = list(columns)
        named = set(self.key_columns) | set(self.id_columns)
        named |= {c for c in (self.size_column, self.small_flag) if c}
        missing = sorted(named - set(present))
        if missing:
            raise CatalogError(
                f"{self.qualified_name}: registry names column(s) {missing} that the table lacks; "
                f"its columns are {present}"
            )
        undeclared = sorted(
            c for c in present if is_person_id_column(c) and c not in self.id_columns
        )
        if undeclared:
            raise CatalogError(
                f"{self.qualified_name}: column(s) {undeclared} look like employee ids but the "
                f"registry does not declare them as id_columns of a person table"
            )
        if SUPPRESSED_COLUMN in present:
            raise CatalogError(
                f"{self.qualified_name}: column {SUPPRESSED_COLUMN!r} is reserved for the serving "
                "copy's suppression flag"
            )


def person(
    name: str,
    *key_columns: str,
    ids: tuple[str, ...] = ("employee_id",),
    quasi: tuple[str, ...] = (),
    population: bool = False,
) -> MartTable:
    return MartTable(
        name, "person", tuple(key_columns), id_columns=ids, quasi_identifiers=quasi, population=population
    )


def group(
    name: str, *key_columns: str, size: str, small: str | None = None, groups: Mapping[str, str] | None = None
) -> MartTable:
    return MartTable(
        name, "group", tuple(key_columns), size_column=size, small_flag=small,
        group_keys=tuple((groups or {}).items()),
    )


def aggregate(name: str, *key_columns: str) -> MartTable:
    return MartTable(name, "aggregate", tuple(key_columns))


# SPEC §3 grains of the marts the pipeline builds; a mart is registered in the change that builds
# it (definitions tests fail for a built mart missing here, and for an entry nothing builds).
REGISTRY: Mapping[str, MartTable] = {
    t.name: t
    for t in (
        aggregate("wave_summary", "wave"),
        person(
            "person_wave_metrics", "employee_id", "wave",
            quasi=("country", "department", "level", "cohort"), population=True,
        ),
        aggregate("role_thresholds", "wave", "role"),
        group("country_wave_bonds", "country", "wave", size="people", groups={"country": "country"}),
        group(
            "country_mixing", "wave", "country", "other_country", size="smaller_country_people",
            groups={"country": "country", "other_country": "country"},
        ),
        aggregate("data_quality", "run_id", "file", "check_name"),
        group("participant_network", "wave", size="participants", small="small_group"),
        group("impact_did", "wave", "metric", size="participants", small="small_group"),
        group("impact_balance", "wave", "control_group", "covariate", size="participants", small="small_group"),
        group("experiment_kbis", "experiment_id", "indicator", "group", size="members", small="small_group"),
        group("roi", "wave", "scenario", size="participants"),
        person("bridge_criticality", "wave", "scope", "employee_id", quasi=("country",)),
        group("resilience_scenarios", "wave", "scope", "scenario", size="removed_people"),
        group("robustness_curve", "wave", "scope", "strategy", "k", size="people"),
        group("robustness_summary", "wave", "scope", "strategy", size="people"),
    )
}


def mart_tables(con: duckdb.DuckDBPyConnection, catalog: str | None = None) -> list[str]:
    """Names of the tables in schema ``marts`` of ``catalog`` (default: the current database)."""
    database = catalog or con.execute("select current_database()").fetchall()[0][0]
    rows = con.execute(
        "select table_name from duckdb_tables() "
        "where database_name = $db and schema_name = $schema order by table_name",
        {"db": database, "schema": MARTS_SCHEMA},
    ).fetchall()
    return [r[0] for r in rows]


def unclassified_tables(
    con: duckdb.DuckDBPyConnection,
    registry: Mapping[str, MartTable] = REGISTRY,
    catalog: str | None = None,
) -> list[str]:
    """Mart tables present in the warehouse but missing from the registry (never published)."""
    return [t for t in mart_tables(con, catalog) if t not in registry]
