"""ROI assumptions: shipped defaults (``roi_assumptions.toml`` in this package) overridden by a
user's ``landing/roi_assumptions.toml``; every bad key fails with the file and key named.

Shape (docs/roi.md): top-level ``version`` and ``currency``; ``[common]`` inputs; and
``[scenarios.<name>]`` tables (low, mid, high by default) that may override any common input.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any

USER_FILE = "roi_assumptions.toml"
DEFAULT_RESOURCE = "roi_assumptions.toml"
SCENARIO_ORDER: tuple[str, ...] = ("low", "mid", "high")
BONDS_BETWEEN: tuple[str, ...] = ("participants", "participant_and_anyone", "anyone")


class RoiConfigError(ValueError):
    """An ROI assumptions file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class ScenarioInputs:
    """Every input of one ROI scenario (docs/roi.md)."""

    efficiency_gain: float
    hours_finding_expertise_per_year: float
    loaded_hourly_cost: float
    years: float
    reach_steps: int
    reach_decay: float
    bonds_between: str
    delivery_cost_per_participant: float
    program_hours_per_participant: float
    program_cost: float | None = None  # a known total delivery cost; replaces the per-participant figure


INPUT_KEYS: tuple[str, ...] = tuple(f.name for f in fields(ScenarioInputs))


@dataclass(frozen=True)
class RoiAssumptions:
    version: str
    currency: str
    scenarios: dict[str, ScenarioInputs]
    sources: tuple[str, ...]  # the files merged, defaults first


def _number(value: Any, where: str, *, low: float, high: float = math.inf, low_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RoiConfigError(f"{where}: expected a number, got {value!r}")
    value = float(value)
    too_low = value <= low if low_open else value < low
    if too_low or value > high or math.isnan(value):
        bounds = f"{'>' if low_open else '>='} {low:g}" + (f" and <= {high:g}" if high < math.inf else "")
        raise RoiConfigError(f"{where}: {value:g} is out of range (must be {bounds})")
    return value


def _check_input(key: str, value: Any, where: str) -> Any:
    if key == "efficiency_gain":
        return _number(value, where, low=0, high=1, low_open=True)
    if key == "reach_decay":
        return _number(value, where, low=0, high=1)
    if key == "reach_steps":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
            raise RoiConfigError(f"{where}: expected a whole number of steps from 0 to 6, got {value!r}")
        return value
    if key == "bonds_between":
        if value not in BONDS_BETWEEN:
            raise RoiConfigError(f"{where}: expected one of {list(BONDS_BETWEEN)}, got {value!r}")
        return value
    if key in ("loaded_hourly_cost", "years", "program_cost"):
        return _number(value, where, low=0, low_open=True)
    return _number(value, where, low=0)  # hours and per-participant cost may be 0


def _merge(base: dict, data: dict, label: str) -> dict:
    """Check ``data`` (one parsed file) and lay it over ``base``."""
    unknown = sorted(set(data) - {"version", "currency", "common", "scenarios"})
    if unknown:
        raise RoiConfigError(f"{label}: unknown key(s) {unknown}; use version, currency, [common], [scenarios.<name>]")
    out = {"version": base.get("version"), "currency": base.get("currency"),
           "common": dict(base.get("common", {})),
           "scenarios": {k: dict(v) for k, v in base.get("scenarios", {}).items()}}
    for key in ("version", "currency"):
        if key in data:
            if not isinstance(data[key], str) or not data[key].strip():
                raise RoiConfigError(f"{label}: key {key!r} must be a non-empty string, got {data[key]!r}")
            out[key] = data[key].strip()
    tables = [("common", data.get("common", {}))]
    scenarios = data.get("scenarios", {})
    if not isinstance(scenarios, dict):
        raise RoiConfigError(f"{label}: key 'scenarios' must hold tables [scenarios.<name>]")
    tables += [(f"scenarios.{name}", table) for name, table in scenarios.items()]
    for section, table in tables:
        if not isinstance(table, dict):
            raise RoiConfigError(f"{label}: [{section}] must be a table")
        for key, value in table.items():
            if key not in INPUT_KEYS:
                raise RoiConfigError(f"{label}: [{section}] unknown key {key!r}; known: {list(INPUT_KEYS)}")
            checked = _check_input(key, value, f"{label}: [{section}] {key}")
            if section == "common":
                out["common"][key] = checked
            else:
                out["scenarios"].setdefault(section.split(".", 1)[1], {})[key] = checked
    return out


def _parse(text: str, label: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RoiConfigError(f"{label}: not valid TOML: {exc}") from None


def default_text() -> str:
    return resources.files("scl_pipeline.lib.impact").joinpath(DEFAULT_RESOURCE).read_text(encoding="utf-8")


def _resolve(merged: dict, label: str) -> dict[str, ScenarioInputs]:
    names = [n for n in SCENARIO_ORDER if n in merged["scenarios"]]
    names += [n for n in merged["scenarios"] if n not in SCENARIO_ORDER]
    scenarios = {}
    for name in names:
        values = {**merged["common"], **merged["scenarios"][name]}
        missing = [k for k in INPUT_KEYS if k not in values and k != "program_cost"]
        if missing:
            raise RoiConfigError(f"{label}: scenario {name!r} has no value for {missing}")
        scenarios[name] = ScenarioInputs(**values)
    if not scenarios:
        raise RoiConfigError(f"{label}: no [scenarios.<name>] table")
    return scenarios


def load_roi_assumptions(landing_root: str | Path | None = None) -> RoiAssumptions:
    """The shipped defaults, overridden by ``<landing_root>/roi_assumptions.toml`` when it exists.

    A user file must set its own ``version`` (the mart stores it, so a changed assumption is
    never published under the defaults' name).
    """
    merged = _merge({}, _parse(default_text(), f"package default {DEFAULT_RESOURCE}"), f"package default {DEFAULT_RESOURCE}")
    sources = [f"package default {DEFAULT_RESOURCE}"]
    label = sources[0]
    path = Path(landing_root) / USER_FILE if landing_root is not None else None
    if path is not None and path.is_file():
        label = str(path)
        data = _parse(path.read_text(encoding="utf-8"), label)
        if "version" not in data:
            raise RoiConfigError(f"{label}: key 'version' is required: name this set of assumptions, e.g. version = \"2024-finance-review\"")
        merged = _merge(merged, data, label)
        sources.append(label)
    return RoiAssumptions(
        version=merged["version"], currency=merged["currency"], scenarios=_resolve(merged, label), sources=tuple(sources)
    )
