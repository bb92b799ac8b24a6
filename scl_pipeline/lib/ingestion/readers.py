"""Read one landing file (CSV, Parquet or XLSX) into a frame of strings with canonical headers.

Every value stays a string (or missing) so that validation can still see a non-numeric strength
or an unparsable date; typing happens after validation (:mod:`.coerce`). Headers are read as
written (two ``department`` columns stay two, see :mod:`.headers`), then matched to the
contract; PII columns are dropped there and never reach the warehouse.

Text encodings: UTF-8 (with or without BOM) by default, UTF-16/UTF-32 when the file starts with
their byte-order mark (Excel's "Unicode text" export), or the landing root's ``[files] encoding``.
Workbooks: the one sheet with data, else the one sheet whose header has the required columns,
else the sheet named in ``[files.sheets]``; anything else is ambiguous and an error.

Each format has its module (:mod:`.csv_files`, :mod:`.typed_files`) opening the file as a
:class:`~.row_sources.RowSource`; this module maps its header to the contract and hands out
the rows with lineage columns.

Large files stream: :func:`open_landing_file` reads the header and hands out the rows in chunks
(:meth:`StreamedFile.chunks`), so a survey of millions of rows is never whole in memory as
strings (CSV through pandas' chunked parser, Parquet by record batches). A workbook is read whole:
Excel caps a sheet at about a million rows and openpyxl has no chunked reader for pandas.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from scl_pipeline.lib.ingestion.aliases import AliasMap
from scl_pipeline.lib.contract import SOURCE_FILE, SOURCE_ROW, FileSpec
from scl_pipeline.lib.ingestion.errors import LandingFileError
from scl_pipeline.lib.ingestion.csv_files import open_csv
from scl_pipeline.lib.ingestion.headers import HeaderError, map_headers
from scl_pipeline.lib.ingestion.row_sources import RowSource, whole
from scl_pipeline.lib.ingestion.typed_files import open_parquet, read_xlsx
from scl_pipeline.lib.ingestion.values import by_distinct

log = logging.getLogger(__name__)

@dataclass(kw_only=True)
class LandingRead:
    """What reading a landing file's header found, whatever holds its rows: the file, the
    contract file it is read as, the columns set aside, and the row holding the header."""

    path: Path
    spec: FileSpec
    dropped_pii: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    header_row: int = 1  # the file's row (sheet row, text line) holding the header


@dataclass(kw_only=True)
class LandedFile(LandingRead):
    """A landing file read into canonical string columns plus lineage columns."""

    frame: pd.DataFrame

    @property
    def rows(self) -> int:
        return len(self.frame)


# Rows per chunk of a streamed file. Measured on a 1.2-million-row survey (docs/scaling.md):
# twice as many rows a chunk raised the peak by a sixth in the same time; half as many saved
# little more and add per-chunk validation overhead.
CHUNK_ROWS = 100_000


@dataclass(kw_only=True)
class StreamedFile(LandingRead):
    """A landing file opened for reading in chunks of canonical string columns plus lineage.

    ``rows_estimate`` is the number of data rows from the file's metadata (Parquet, workbooks) or
    its line count (CSV: never fewer than its rows; more when it has blank lines, quoted cells with
    line breaks, or UTF-16 text whose bytes include a line feed); progress lines use it.
    """

    rows_estimate: int
    _columns: dict[int, str] = field(repr=False)
    _read_rows: Callable[[int], Iterator[pd.DataFrame]] = field(repr=False)
    # Size and modification time when opened: every pass over the rows reads the same file.
    _stamp: tuple[int, int] = field(default=(0, 0), repr=False)
    # The header cells as written, by position (read_other_columns).
    _headers: list[str] = field(default_factory=list, repr=False)
    # A text file delimited by ';' or tabs: ``4,0`` in a numeric column is the number 4.0.
    decimal_comma: bool = False

    def chunks(self, rows: int = CHUNK_ROWS, columns: Collection[str] | None = None) -> Iterator[pd.DataFrame]:
        """The file's rows, ``rows`` at a time, as the landing frame :func:`read_landing_file`
        gives (``source_row`` runs on across chunks), with only the contract ``columns`` given
        (all by default). Each call reads the file again from the start; a file with a header
        and no data rows raises :class:`LandingFileError`."""
        try:
            changed = self._stamp != _file_stamp(self.path)
        except OSError as exc:
            raise LandingFileError(self.path, f"is gone since it was opened ({exc.strerror or exc})") from None
        if changed:
            raise LandingFileError(self.path, "changed since it was opened; the next run reads the new file")
        wanted = {p: c for p, c in self._columns.items() if columns is None or c in columns}
        done = 0
        for chunk in self._read_rows(rows):
            if len(chunk):
                frame = _conform_rows(self.path, wanted, chunk, first_row=done + 1)
                yield _decimal_points(frame, self.spec) if self.decimal_comma else frame
                done += len(chunk)
        if done == 0:
            raise LandingFileError(self.path, "has a header but no data rows")

    @property
    def headers(self) -> list[str]:
        """The header cells as written, in file order."""
        return list(self._headers)

    def read_other_columns(self, names: Mapping[str, str]) -> pd.DataFrame:
        """Columns outside the contract, by header as written -> name given: read for a purpose
        that never stores them (an HR export's e-mails and names, to match survey answers,
        lib/ingestion/people_matching.py). Stripped strings, blanks missing, one row per data row."""
        positions = {i: names[h] for i, h in enumerate(self._headers) if h in names}
        frames = [
            _conform_rows(self.path, positions, chunk, first_row=1).drop(columns=[SOURCE_FILE, SOURCE_ROW])
            for chunk in self._read_rows(CHUNK_ROWS) if len(chunk)
        ]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(positions.values()))

    def read(self) -> LandedFile:
        """The whole file as one frame."""
        parts = list(self.chunks())
        frame = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
        return LandedFile(
            path=self.path, spec=self.spec, frame=frame, dropped_pii=self.dropped_pii, ignored_columns=self.ignored_columns,
            header_row=self.header_row,
        )


def read_landing_file(path: Path, spec: FileSpec, aliases: AliasMap | None = None) -> LandedFile:
    """Read ``path`` as a ``spec`` file. Raises :class:`LandingFileError` with a clear message."""
    return open_landing_file(path, spec, aliases).read()


def open_landing_file(path: Path, spec: FileSpec, aliases: AliasMap | None = None) -> StreamedFile:
    """Open ``path`` as a ``spec`` file: its header is read and matched to the contract now, its
    rows when :meth:`StreamedFile.chunks` is iterated. Raises :class:`LandingFileError`."""
    path = Path(path)
    aliases = aliases or AliasMap.default()
    source, stamp = _open_source(path, spec, aliases)
    try:
        mapping = map_headers(source.headers, spec, aliases)
    except HeaderError as exc:
        raise LandingFileError(path, str(exc)) from None
    if mapping.dropped_pii:
        log.warning("%s: dropped personal-data column(s) %s; they are never stored", path, mapping.dropped_pii)
    if source.header_row > 1:
        log.warning(
            "%s: the header is on row %d; the row(s) above it (a title?) are skipped, and data rows are "
            "numbered from the header", path, source.header_row,
        )
    return StreamedFile(
        path=path, spec=spec, rows_estimate=source.rows_estimate, dropped_pii=mapping.dropped_pii,
        ignored_columns=mapping.ignored, _columns=mapping.columns, _read_rows=source.read_rows, _stamp=stamp,
        _headers=source.headers, decimal_comma=source.decimal_comma, header_row=source.header_row,
    )


def _open_source(path: Path, spec: FileSpec, aliases: AliasMap) -> tuple[RowSource, tuple[int, int]]:
    """The file opened by its format, and its size and time when opened."""
    if not path.is_file():
        raise LandingFileError(path, "file is missing")
    if path.stat().st_size == 0:
        raise LandingFileError(path, "file is empty (0 bytes)")
    stamp = _file_stamp(path)
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "csv":
        return open_csv(path, aliases.encoding, spec, aliases), stamp
    if suffix == "parquet":
        return open_parquet(path), stamp
    if suffix == "xlsx":
        return whole(read_xlsx(path, spec, aliases)), stamp
    raise LandingFileError(path, f"unsupported format .{suffix}: use one of {', '.join(spec.formats)}")


def read_as_written(path: Path, spec: FileSpec, aliases: AliasMap | None = None) -> tuple[list[str], pd.DataFrame]:
    """A file's header cells as written and all its rows as strings by position (blank cells
    missing), nothing mapped to the contract: for a survey tool's export, whose layout
    :mod:`.survey_recognition` reads. Read whole: such exports have one row per respondent."""
    path = Path(path)
    source, _ = _open_source(path, spec, aliases or AliasMap.default())
    parts = [chunk for chunk in source.read_rows(CHUNK_ROWS) if len(chunk)]
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=range(len(source.headers)))
    rows = rows[[c for c in rows.columns if c < len(source.headers)]]
    rows = rows.apply(lambda col: col.str.strip() if col.dtype == object else col).replace({"": None})
    return list(source.headers), rows.astype(object).where(rows.notna(), None)


def _file_stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_size, status.st_mtime_ns


_DECIMAL_COMMA = re.compile(r"^([+-]?\d+),(\d+)$")
_NUMERIC_TYPES = frozenset({"INTEGER"})


def _decimal_points(frame: pd.DataFrame, spec: FileSpec) -> pd.DataFrame:
    """``frame`` with a decimal comma in its numeric columns written as a point (``4,0`` ->
    ``4.0``, which validation reads as 4; ``2,5`` -> ``2.5``, refused as not whole). Only for a
    file delimited by ';' or tabs: in a comma-delimited file ``4,000`` may be four thousand."""
    for column in frame.columns:
        if spec.types.get(column) in _NUMERIC_TYPES:
            frame[column] = by_distinct(frame[column], lambda v: _DECIMAL_COMMA.sub(r"\1.\2", str(v)))
    return frame


def _conform_rows(path: Path, columns: dict[int, str], rows: pd.DataFrame, first_row: int) -> pd.DataFrame:
    """The contract columns of ``rows`` (by position, ``columns``) stripped, blanks missing, with
    the lineage columns; ``first_row`` is the data row number of the first of them."""
    frame = rows[list(columns)].rename(columns=columns)
    frame = frame.apply(lambda col: col.str.strip() if col.dtype == object else col)
    frame = frame.replace({"": None})
    frame = frame.astype(object).where(frame.notna(), None)
    frame.insert(0, SOURCE_ROW, range(first_row, first_row + len(frame)))
    frame.insert(0, SOURCE_FILE, str(path))
    return frame.reset_index(drop=True)
