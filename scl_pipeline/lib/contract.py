"""The landing contract (SPEC §1): the one definition of every landing file and its columns.

Readers, validation, the warehouse DDL, the demo generator and the test helpers all use these
specs, so a column is named in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Grain = Literal["wave", "program", "experiment"]

FORMATS: tuple[str, ...] = ("csv", "parquet", "xlsx")

# Lineage columns added to every loaded row.
SOURCE_FILE = "source_file"
SOURCE_ROW = "source_row"  # 1-based data row number in the source file (header not counted)
LOADED_AT = "loaded_at"
LINEAGE_COLUMNS: tuple[str, ...] = (SOURCE_FILE, SOURCE_ROW, LOADED_AT)


@dataclass(frozen=True)
class FileSpec:
    """One landing file kind: where it lives, its columns and their warehouse types."""

    name: str
    grain: Grain
    stem: str  # file name without extension
    required: tuple[str, ...]
    optional: tuple[str, ...]
    types: dict[str, str]  # warehouse (DuckDB) type of every column
    formats: tuple[str, ...] = FORMATS

    def __hash__(self) -> int:  # the dict field is unhashable; a spec is identified by its name
        return hash(self.name)

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional

    @property
    def table(self) -> str:
        """Fully qualified raw warehouse table."""
        return f"raw.{self.name}"


HR_EXPORT = FileSpec(
    name="hr_export",
    grain="wave",
    stem="hr_export",
    required=("employee_id", "country", "department", "level"),
    optional=(
        "manager_id",
        "site",
        "gender",
        "hire_date",
        "employment_status",
        "invited_to_survey",
    ),
    types={
        "employee_id": "VARCHAR",
        "country": "VARCHAR",
        "department": "VARCHAR",
        "level": "VARCHAR",
        "manager_id": "VARCHAR",
        "site": "VARCHAR",
        "gender": "VARCHAR",
        "hire_date": "DATE",
        "employment_status": "VARCHAR",
        "invited_to_survey": "BOOLEAN",
    },
)

ONA_SURVEY = FileSpec(
    name="ona_survey",
    grain="wave",
    stem="ona_survey",
    required=("respondent_id", "nominee_id"),
    optional=("relation", "strength", "answered_at"),
    types={
        "respondent_id": "VARCHAR",
        "nominee_id": "VARCHAR",
        "relation": "VARCHAR",
        "strength": "INTEGER",
        "answered_at": "TIMESTAMP",
    },
)

PARTICIPANTS = FileSpec(
    name="participants",
    grain="program",
    stem="participants",
    required=("employee_id", "cohort"),
    optional=("start_date", "end_date", "completed"),
    types={
        "employee_id": "VARCHAR",
        "cohort": "VARCHAR",
        "start_date": "DATE",
        "end_date": "DATE",
        "completed": "BOOLEAN",
    },
)

ASSIGNMENT = FileSpec(
    name="experiment_assignment",
    grain="experiment",
    stem="assignment",
    required=("employee_id", "group"),
    optional=(),
    types={"employee_id": "VARCHAR", "group": "VARCHAR"},
    formats=("csv",),
)

INTERACTIONS = FileSpec(
    name="experiment_interactions",
    grain="experiment",
    stem="interactions",
    required=("asker_id", "responder_id", "asked_at"),
    optional=("answered_at", "question_id"),
    types={
        "asker_id": "VARCHAR",
        "responder_id": "VARCHAR",
        "asked_at": "TIMESTAMP",
        "answered_at": "TIMESTAMP",
        "question_id": "VARCHAR",
    },
    formats=("csv",),
)

ALL_SPECS: tuple[FileSpec, ...] = (HR_EXPORT, ONA_SURVEY, PARTICIPANTS, ASSIGNMENT, INTERACTIONS)

# The columns holding employee ids, wherever they appear: canonicalised alike (id_matching),
# never quoted in messages (disclosure).
PERSON_ID_COLUMNS: frozenset[str] = frozenset(
    {"employee_id", "manager_id", "respondent_id", "nominee_id", "asker_id", "responder_id"}
)


def is_person_id_column(name: str) -> bool:
    """Whether a column called ``name`` holds employee ids, in a landing file or any table built
    from one: a contract person column, or a derived column named ``*employee_id`` (a mart may
    call its ids ``peer_employee_id``). The one definition previews and serving use; ingestion
    reads the contract's own :data:`PERSON_ID_COLUMNS`."""
    return name in PERSON_ID_COLUMNS or name.endswith("employee_id")


DEFAULT_RELATION = "trust"
# SPEC §2: a tie is strong from this strength on, unless the network settings say otherwise.
DEFAULT_STRONG_THRESHOLD = 4
KNOWN_RELATIONS: frozenset[str] = frozenset({"trust", "advice", "energy", "friendship", "work"})
EXPERIMENT_GROUPS: frozenset[str] = frozenset({"program", "control"})
STRENGTH_MIN, STRENGTH_MAX = 1, 5
