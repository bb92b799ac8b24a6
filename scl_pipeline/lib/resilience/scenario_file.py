"""User removal scenarios from ``landing/scenarios.toml`` (schema: docs/metric_dictionary.md).

    [[scenario]]
    name = "de_top_12"              # unique; no ":" (reserved for built-in scenario names)
    country = "DE"                  # ISO 3166 alpha-2/alpha-3 or English name ...
    top_k = 12                      # ... with its top k people by betweenness in each scope

    [[scenario]]
    name = "munich_leads"
    employee_ids = ["E000123", "E000456"]   # ... or an explicit list of ids
    scopes = ["organisation"]       # optional; default both scopes
    description = "free text"       # optional

A file that breaks the schema raises :class:`ScenarioFileError` naming the file and the entry.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from scl_pipeline.lib.ingestion.countries import normalise_country
from scl_pipeline.lib.ingestion.errors import LandingFileError
from scl_pipeline.lib.resilience.scopes import SCOPES

SCENARIOS_FILE = "scenarios.toml"
RESERVED_NAMES = frozenset({"baseline_single_bridges"})
_KEYS = frozenset({"name", "employee_ids", "country", "top_k", "scopes", "description"})


class ScenarioFileError(LandingFileError):
    """A scenario file a person must fix; the message names the file and the entry."""


@dataclass(frozen=True)
class ScenarioSpec:
    """One user scenario: either ``employee_ids`` or ``country`` (ISO alpha-2) with ``top_k``."""

    name: str
    employee_ids: tuple[str, ...] | None = None
    country: str | None = None
    top_k: int | None = None
    scopes: tuple[str, ...] = SCOPES
    description: str = ""


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _entry(source: str, position: int, raw: dict) -> ScenarioSpec:
    name = raw.get("name")
    label = f"scenario #{position}" + (f" ({name!r})" if isinstance(name, str) and name.strip() else "")

    def fail(problem: str) -> ScenarioFileError:
        return ScenarioFileError(source, f"{label}: {problem}")

    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise fail(f"unknown key(s) {unknown}; allowed: {sorted(_KEYS)}")
    if not isinstance(name, str) or not name.strip():
        raise fail("missing `name` (a non-empty text)")
    name = name.strip()
    if ":" in name or name in RESERVED_NAMES:
        raise fail(f"name {name!r} is reserved for built-in scenarios (no ':' and not {sorted(RESERVED_NAMES)})")
    has_ids, has_country = "employee_ids" in raw, "country" in raw
    if has_ids == has_country:
        raise fail("give either `employee_ids = [...]` or `country` with `top_k`, "
                   + ("not both" if has_ids else "neither is set"))
    ids = country = top_k = None
    if has_ids:
        if "top_k" in raw:
            raise fail("`top_k` goes with `country`, not with `employee_ids`")
        values = raw["employee_ids"]
        if not isinstance(values, list) or not values:
            raise fail("`employee_ids` must be a non-empty list of ids")
        bad = [v for v in values if not (isinstance(v, str) and v.strip()) and not _is_int(v)]
        if bad:
            raise fail(f"`employee_ids` holds values that are not ids: {bad[:5]}")
        ids = tuple(str(v).strip() for v in values)
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise fail(f"`employee_ids` names the same id twice: {dup[:5]}")
    else:
        value = raw["country"]
        country = normalise_country(value) if isinstance(value, str) else None
        if country is None:
            raise fail(f"unknown country {value!r} (use an ISO 3166 alpha-2/alpha-3 code or English name)")
        top_k = raw.get("top_k")
        if not _is_int(top_k) or top_k < 1:
            raise fail(f"`top_k` must be a positive integer with `country`, got {top_k!r}")
    scopes = raw.get("scopes", list(SCOPES))
    if (not isinstance(scopes, list) or not scopes or not all(s in SCOPES for s in scopes)
            or len(set(scopes)) != len(scopes)):
        raise fail(f"`scopes` must be a non-empty list of distinct values from {list(SCOPES)}, got {scopes!r}")
    description = raw.get("description", "")
    if not isinstance(description, str):
        raise fail("`description` must be text")
    return ScenarioSpec(name, ids, country, top_k, tuple(scopes), description)


def parse_scenarios(text: str, source: str | Path = SCENARIOS_FILE) -> tuple[ScenarioSpec, ...]:
    """Scenario specs from TOML ``text``; ``source`` names the file in error messages."""
    source = str(source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioFileError(source, f"not valid TOML: {exc}") from None
    extra = sorted(set(data) - {"scenario"})
    if extra:
        raise ScenarioFileError(source, f"unknown top-level key(s) {extra}; write each scenario as a [[scenario]] table")
    entries = data.get("scenario", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ScenarioFileError(source, "`scenario` must be an array of tables, one [[scenario]] per scenario")
    specs: list[ScenarioSpec] = []
    seen: dict[str, int] = {}
    for position, raw in enumerate(entries, start=1):
        spec = _entry(source, position, raw)
        if spec.name in seen:
            raise ScenarioFileError(
                source, f"scenario #{position} ({spec.name!r}): name already used by scenario #{seen[spec.name]}"
            )
        seen[spec.name] = position
        specs.append(spec)
    return tuple(specs)


def load_scenarios(path: str | Path) -> tuple[ScenarioSpec, ...]:
    """The scenarios in ``path``; none when the file does not exist (the file is optional)."""
    path = Path(path)
    if not path.is_file():
        return ()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioFileError(path, f"not UTF-8 text: {exc}") from None
    return parse_scenarios(text, path)
