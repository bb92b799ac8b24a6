"""The landing root's reading configuration: which names in real exports mean which contract
column, and how its files are read.

Defaults ship in ``default_aliases.toml``; a landing root may add ``column_aliases.toml`` (same
shape) for its own exports, plus optional sections:

- ``[files] encoding = "latin-1"``: the text encoding of its CSV files;
- ``[files.sheets] hr_export = "Employees"``: the sheet of an Excel workbook holding that
  file kind, when a workbook has several sheets that could be it;
- ``[countries] "Blighty" = "GB"``: its own country spellings (see :mod:`.countries`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from scl_pipeline.lib.contract import ALL_SPECS, FileSpec
from scl_pipeline.lib.ingestion.countries import CountryAliasError, alias_table
from scl_pipeline.lib.ingestion.errors import LandingFileError

LANDING_CONFIG_FILE = "column_aliases.toml"
_DEFAULTS = Path(__file__).with_name("default_aliases.toml")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def canonical_header(header: str) -> str:
    """Case, surrounding spaces and punctuation never matter: ``' Employee ID'`` -> ``employee_id``."""
    return _NON_WORD.sub("_", str(header).strip().lower()).strip("_")


@dataclass(frozen=True)
class AliasMap:
    """Per file kind: canonical header -> contract column."""

    by_file: dict[str, dict[str, str]] = field(default_factory=dict)
    encoding: str = "utf-8"
    sheets: dict[str, str] = field(default_factory=dict)  # file kind -> workbook sheet
    countries: dict[str, str] = field(default_factory=dict)  # folded spelling -> ISO alpha-2

    @classmethod
    def default(cls) -> AliasMap:
        return cls.from_toml(_DEFAULTS.read_text())

    @classmethod
    def from_toml(cls, text: str, base: AliasMap | None = None) -> AliasMap:
        data = tomllib.loads(text)
        by_file = {kind: dict(mapping) for kind, mapping in (base.by_file if base else {}).items()}
        known = {spec.name: spec for spec in ALL_SPECS}
        for kind, columns in data.items():
            if kind in ("files", "countries"):
                continue
            if kind not in known:
                raise ValueError(f"alias file: unknown section [{kind}]; use one of {sorted(known)}")
            target = by_file.setdefault(kind, {})
            for column, names in columns.items():
                if column not in known[kind].columns:
                    raise ValueError(f"alias file: [{kind}] has no contract column {column!r}")
                for name in [names] if isinstance(names, str) else names:
                    target[canonical_header(name)] = column
        files = data.get("files", {})
        encoding = files.get("encoding", base.encoding if base else "utf-8")
        sheets = {**(base.sheets if base else {}), **files.get("sheets", {})}
        unknown = sorted(set(sheets) - set(known))
        if unknown:
            raise ValueError(f"[files.sheets] names unknown file kind(s) {unknown}; use one of {sorted(known)}")
        countries = {**(base.countries if base else {}), **alias_table(data.get("countries", {}))}
        return cls(by_file=by_file, encoding=encoding, sheets=sheets, countries=countries)

    @classmethod
    def for_landing_root(cls, landing_root: Path) -> AliasMap:
        """Defaults plus the landing root's own ``column_aliases.toml`` when it has one."""
        base = cls.default()
        custom = Path(landing_root) / LANDING_CONFIG_FILE
        if not custom.is_file():
            return base
        try:
            return cls.from_toml(custom.read_text(), base=base)
        except (tomllib.TOMLDecodeError, CountryAliasError, ValueError) as exc:
            raise LandingFileError(custom, f"the alias configuration is not valid: {exc}") from None

    def resolve(self, spec: FileSpec, header: str) -> str:
        """The contract column ``header`` stands for, or its canonical form when none."""
        name = canonical_header(header)
        if name in spec.columns:
            return name
        return self.by_file.get(spec.name, {}).get(name, name)
