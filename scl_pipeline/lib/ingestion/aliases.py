"""Header alias mapping: which names in real exports mean which contract column.

Defaults ship in ``default_aliases.toml``; a landing root may add ``column_aliases.toml``
(same shape, plus an optional ``[files] encoding``) for its own exports.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from scl_pipeline.lib.ingestion.contract import ALL_SPECS, FileSpec
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

    @classmethod
    def default(cls) -> AliasMap:
        return cls.from_toml(_DEFAULTS.read_text())

    @classmethod
    def from_toml(cls, text: str, base: AliasMap | None = None) -> AliasMap:
        data = tomllib.loads(text)
        by_file = {kind: dict(mapping) for kind, mapping in (base.by_file if base else {}).items()}
        known = {spec.name: spec for spec in ALL_SPECS}
        for kind, columns in data.items():
            if kind == "files":
                continue
            if kind not in known:
                raise ValueError(f"alias file: unknown section [{kind}]; use one of {sorted(known)}")
            target = by_file.setdefault(kind, {})
            for column, names in columns.items():
                if column not in known[kind].columns:
                    raise ValueError(f"alias file: [{kind}] has no contract column {column!r}")
                for name in [names] if isinstance(names, str) else names:
                    target[canonical_header(name)] = column
        encoding = data.get("files", {}).get("encoding", base.encoding if base else "utf-8")
        return cls(by_file=by_file, encoding=encoding)

    @classmethod
    def for_landing_root(cls, landing_root: Path) -> AliasMap:
        """Defaults plus the landing root's own ``column_aliases.toml`` when it has one."""
        base = cls.default()
        custom = Path(landing_root) / LANDING_CONFIG_FILE
        if not custom.is_file():
            return base
        try:
            return cls.from_toml(custom.read_text(), base=base)
        except (tomllib.TOMLDecodeError, ValueError) as exc:
            raise LandingFileError(custom, f"the alias configuration is not valid: {exc}") from None

    def resolve(self, spec: FileSpec, header: str) -> str:
        """The contract column ``header`` stands for, or its canonical form when none."""
        name = canonical_header(header)
        if name in spec.columns:
            return name
        return self.by_file.get(spec.name, {}).get(name, name)
