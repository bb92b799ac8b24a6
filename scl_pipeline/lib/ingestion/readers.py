"""Read one landing file (CSV, Parquet or XLSX) into a frame of strings with canonical headers.

Every value stays a string (or missing) so that validation can still see a non-numeric strength
or an unparsable date; typing happens after validation (:mod:`.coerce`). Headers are matched
case- and space-insensitively and through the alias mapping; PII columns are dropped here and
never reach the warehouse.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from scl_pipeline.lib.ingestion.aliases import AliasMap, canonical_header
from scl_pipeline.lib.ingestion.errors import LandingFileError  # noqa: F401 (part of this module's API)
from scl_pipeline.lib.ingestion.contract import SOURCE_FILE, SOURCE_ROW, FileSpec

log = logging.getLogger(__name__)

# Normalised header names that carry names, e-mail addresses or phone numbers (SPEC §1).
_PII_RE = re.compile(
    r"(^|_)(name|names|full_?name|first_?name|last_?name|given_?name|surname|family_?name"
    r"|display_?name|e_?mail|mail|email_address|phone|phone_number|mobile|telephone|tel|cell)($|_)"
)
_DELIMITERS = ",;\t|"


@dataclass
class LandedFile:
    """A landing file read into canonical string columns plus lineage columns."""

    path: Path
    spec: FileSpec
    frame: pd.DataFrame
    dropped_pii: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.frame)


def is_pii_header(header: str) -> bool:
    return _PII_RE.search(canonical_header(header)) is not None


def find_landing_file(folder: Path, spec: FileSpec) -> Path:
    """The one file of ``spec`` in ``folder``, whatever its format."""
    if not folder.is_dir():
        raise LandingFileError(folder, f"folder is missing: no {spec.stem} can be read")
    found = [folder / f"{spec.stem}.{fmt}" for fmt in spec.formats if (folder / f"{spec.stem}.{fmt}").is_file()]
    if not found:
        options = ", ".join(f"{spec.stem}.{fmt}" for fmt in spec.formats)
        present = sorted(p.name for p in folder.iterdir()) or ["nothing"]
        raise LandingFileError(folder, f"missing file: expected one of {options}; found {', '.join(present)}")
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise LandingFileError(folder, f"ambiguous: several {spec.stem} files ({names}); keep exactly one")
    return found[0]


def read_landing_file(path: Path, spec: FileSpec, aliases: AliasMap | None = None) -> LandedFile:
    """Read ``path`` as a ``spec`` file. Raises :class:`LandingFileError` with a clear message."""
    path = Path(path)
    if not path.is_file():
        raise LandingFileError(path, "file is missing")
    if path.stat().st_size == 0:
        raise LandingFileError(path, "file is empty (0 bytes)")
    aliases = aliases or AliasMap.default()
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "csv":
        raw = _read_csv(path, aliases.encoding)
    elif suffix == "parquet":
        raw = _read_parquet(path)
    elif suffix == "xlsx":
        raw = _read_xlsx(path)
    else:
        raise LandingFileError(path, f"unsupported format .{suffix}: use one of {', '.join(spec.formats)}")
    return _conform(path, spec, raw, aliases)


def _read_csv(path: Path, encoding: str) -> pd.DataFrame:
    data = path.read_bytes()
    # utf-8-sig also accepts files without a BOM and strips it when present.
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LandingFileError(
            path,
            f"not valid {encoding} text: byte 0x{data[exc.start]:02x} on line {line}. Save the "
            "export as UTF-8, or set this landing folder's encoding in column_aliases.toml "
            "([files] encoding = \"latin-1\").",
        ) from None
    if not text.strip():
        raise LandingFileError(path, "file has no content (only blank lines)")
    header = text.splitlines()[0]
    delimiter = max(_DELIMITERS, key=header.count)
    if header.count(delimiter) == 0:
        delimiter = ","
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skipinitialspace=True,
            quoting=csv.QUOTE_MINIMAL,
        )
    except pd.errors.ParserError as exc:
        raise LandingFileError(path, f"cannot parse as CSV (delimiter {delimiter!r}): {exc}") from None
    except pd.errors.EmptyDataError:
        raise LandingFileError(path, "file has no header row") from None
    return frame


def _read_parquet(path: Path) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise LandingFileError(path, f"not a readable Parquet file (truncated or corrupt?): {exc}") from None
    return _stringify(table.to_pandas())


def _read_xlsx(path: Path) -> pd.DataFrame:
    import zipfile

    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=object, engine="openpyxl")
    except (zipfile.BadZipFile, ValueError, KeyError, OSError) as exc:
        raise LandingFileError(path, f"not a readable Excel .xlsx file: {exc}") from None
    sheets = {name: frame for name, frame in sheets.items() if not frame.columns.empty}
    if not sheets:
        raise LandingFileError(path, "the workbook has no sheet with data")
    # The first sheet with content is the export; others (notes, pivots) are ignored.
    name, frame = next(iter(sheets.items()))
    if len(sheets) > 1:
        log.info("%s: reading sheet %r, ignoring %s", path, name, list(sheets)[1:])
    return _stringify(frame)


def _stringify(frame: pd.DataFrame) -> pd.DataFrame:
    """Typed columns (Parquet, Excel) to the strings a CSV would have given."""
    out = {}
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
            values = values.astype("Int64")
        if pd.api.types.is_datetime64_any_dtype(values):
            text = values.dt.strftime("%Y-%m-%dT%H:%M:%S").str.replace("T00:00:00", "", regex=False)
        else:
            text = values.map(_cell_text, na_action="ignore")
        out[str(column)] = text.astype(object).where(values.notna(), None)
    return pd.DataFrame(out, index=frame.index)


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):  # also pd.Timestamp
        return value.isoformat() if (value.hour, value.minute, value.second) != (0, 0, 0) else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _conform(path: Path, spec: FileSpec, raw: pd.DataFrame, aliases: AliasMap) -> LandedFile:
    mapped: dict[str, str] = {}
    dropped_pii: list[str] = []
    ignored: list[str] = []
    for header in raw.columns:
        target = aliases.resolve(spec, str(header))
        if target in spec.columns:
            if target in mapped.values():
                first = next(h for h, t in mapped.items() if t == target)
                raise LandingFileError(
                    path, f"columns {first!r} and {header!r} both map to {target!r}; keep one"
                )
            mapped[str(header)] = target
        elif is_pii_header(str(header)):
            dropped_pii.append(str(header))
        else:
            ignored.append(str(header))
    missing = [column for column in spec.required if column not in mapped.values()]
    if missing:
        raise LandingFileError(
            path,
            f"missing required column(s) {', '.join(missing)}; the header has "
            f"{', '.join(repr(str(h)) for h in raw.columns)}. Map other names in column_aliases.toml.",
        )
    if raw.empty:
        raise LandingFileError(path, "has a header but no data rows")
    if dropped_pii:
        log.warning("%s: dropped personal-data column(s) %s; they are never stored", path, dropped_pii)
    frame = raw[list(mapped)].rename(columns=mapped)
    frame = frame.apply(lambda col: col.str.strip() if col.dtype == object else col)
    frame = frame.replace({"": None})
    frame = frame.astype(object).where(frame.notna(), None)
    frame.insert(0, SOURCE_ROW, range(1, len(frame) + 1))
    frame.insert(0, SOURCE_FILE, str(path))
    return LandedFile(path=path, spec=spec, frame=frame.reset_index(drop=True), dropped_pii=dropped_pii, ignored_columns=ignored)
