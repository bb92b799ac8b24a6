"""Read one landing file (CSV, Parquet or XLSX) into a frame of strings with canonical headers.

Every value stays a string (or missing) so that validation can still see a non-numeric strength
or an unparsable date; typing happens after validation (:mod:`.coerce`). Headers are read as
written (two ``department`` columns stay two, see :mod:`.headers`), then matched to the
contract; PII columns are dropped there and never reach the warehouse.

Text encodings: UTF-8 (with or without BOM) by default, UTF-16/UTF-32 when the file starts with
their byte-order mark (Excel's "Unicode text" export), or the landing root's ``[files] encoding``.
Workbooks: the one sheet with data, else the one sheet whose header has the required columns,
else the sheet named in ``[files.sheets]``; anything else is ambiguous and an error.

Large files stream: :func:`open_landing_file` reads the header and hands out the rows in chunks
(:meth:`StreamedFile.chunks`), so a survey of millions of rows is never whole in memory as
strings (CSV through pandas' chunked parser, Parquet by record batches). A workbook is read whole:
Excel caps a sheet at about a million rows and openpyxl has no chunked reader for pandas.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import logging
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from scl_pipeline.lib.ingestion.aliases import AliasMap
from scl_pipeline.lib.contract import SOURCE_FILE, SOURCE_ROW, FileSpec
from scl_pipeline.lib.ingestion.errors import LandingFileError
from scl_pipeline.lib.ingestion.headers import HEADER_SEARCH_ROWS, HeaderBelowError, HeaderError, find_header, map_headers
from scl_pipeline.lib.ingestion.values import by_distinct

log = logging.getLogger(__name__)

_DELIMITERS = ",;\t|"
# Longest first: the UTF-32 little-endian mark starts with the UTF-16 one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass
class LandedFile:
    """A landing file read into canonical string columns plus lineage columns."""

    path: Path
    spec: FileSpec
    frame: pd.DataFrame
    dropped_pii: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    header_row: int = 1  # the file's row (sheet row, text line) holding the header

    @property
    def rows(self) -> int:
        return len(self.frame)


# Rows per chunk of a streamed file. Measured on a 1.2-million-row survey (docs/scaling.md):
# twice as many rows a chunk raised the peak by a sixth in the same time; half as many saved
# little more and add per-chunk validation overhead.
CHUNK_ROWS = 100_000


@dataclass
class _Table:
    """A file as read: its header cells as written, and its rows as strings by position."""

    headers: list[str]
    rows: pd.DataFrame
    header_row: int = 1


@dataclass
class _Source:
    """A file opened for reading: its header cells as written, a reader of its rows as strings by
    position in chunks of at most the given number of rows, and how many data rows it has."""

    headers: list[str]
    read_rows: Callable[[int], Iterator[pd.DataFrame]]
    rows_estimate: int
    # European exports separate cells with ';' (or tabs) because ',' is their decimal mark.
    decimal_comma: bool = False
    header_row: int = 1  # below a title: the row (sheet row, text line) holding the header


@dataclass
class StreamedFile:
    """A landing file opened for reading in chunks of canonical string columns plus lineage.

    ``rows_estimate`` is the number of data rows from the file's metadata (Parquet, workbooks) or
    its line count (CSV: never fewer than its rows; more when it has blank lines, quoted cells with
    line breaks, or UTF-16 text whose bytes include a line feed); progress lines use it.
    """

    path: Path
    spec: FileSpec
    rows_estimate: int
    dropped_pii: list[str]
    ignored_columns: list[str]
    _columns: dict[int, str] = field(repr=False)
    _read_rows: Callable[[int], Iterator[pd.DataFrame]] = field(repr=False)
    # Size and modification time when opened: every pass over the rows reads the same file.
    _stamp: tuple[int, int] = field(default=(0, 0), repr=False)
    # The header cells as written, by position (read_other_columns).
    _headers: list[str] = field(default_factory=list, repr=False)
    # A text file delimited by ';' or tabs: ``4,0`` in a numeric column is the number 4.0.
    decimal_comma: bool = False
    # The row holding the header: 1, or below the title rows skipped (find_header).
    header_row: int = 1

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


def _open_source(path: Path, spec: FileSpec, aliases: AliasMap) -> tuple[_Source, tuple[int, int]]:
    """The file opened by its format, and its size and time when opened."""
    if not path.is_file():
        raise LandingFileError(path, "file is missing")
    if path.stat().st_size == 0:
        raise LandingFileError(path, "file is empty (0 bytes)")
    stamp = _file_stamp(path)
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "csv":
        return _open_csv(path, aliases.encoding, spec, aliases), stamp
    if suffix == "parquet":
        return _open_parquet(path), stamp
    if suffix == "xlsx":
        return _whole(_read_xlsx(path, spec, aliases)), stamp
    raise LandingFileError(path, f"unsupported format .{suffix}: use one of {', '.join(spec.formats)}")


def read_as_written(path: Path, spec: FileSpec, aliases: AliasMap | None = None) -> tuple[list[str], pd.DataFrame]:
    """A file's header cells as written and all its rows as strings by position (blank cells
    missing), nothing mapped to the contract: for a survey tool's export, whose layout
    :mod:`.survey_layouts` reads. Read whole: such exports have one row per respondent."""
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


def _whole(table: _Table) -> _Source:
    def read_rows(rows: int) -> Iterator[pd.DataFrame]:
        for start in range(0, len(table.rows), rows):
            yield table.rows.iloc[start : start + rows]

    return _Source(table.headers, read_rows, len(table.rows), header_row=table.header_row)


def decode_text(path: Path, data: bytes, encoding: str) -> str:
    """The file's text: a byte-order mark decides the codec, else zero bytes in every other
    position (UTF-16 without a mark), else ``encoding`` (UTF-8 by default)."""
    codec = _codec_of(data, encoding)
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LandingFileError(
            path,
            f"not valid {encoding} text: byte 0x{data[exc.start]:02x} on line {line}. Save the export as "
            "UTF-8, or set this landing folder's encoding in column_aliases.toml ([files] encoding = \"latin-1\").",
        ) from None


def _codec_of(data: bytes, encoding: str) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    head = data[:4096]
    if len(head) >= 4 and head.count(b"\x00") * 3 >= len(head):
        # ASCII text in UTF-16 has a zero byte beside every character.
        return "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
    # utf-8-sig also accepts files without a BOM.
    return "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding


def _open_csv(path: Path, encoding: str, spec: FileSpec, aliases: AliasMap) -> _Source:
    with path.open("rb") as handle:
        codec = _codec_of(handle.read(4096), encoding)
    lines = _first_lines(path, codec, encoding)
    if not lines:
        raise LandingFileError(path, "file has no content (only blank lines)")
    try:
        header_at = find_header([(skipped + 1, _cells(line)) for skipped, line in lines], spec, aliases)
    except HeaderBelowError as exc:
        raise LandingFileError(path, str(exc)) from None
    except HeaderError:
        header_at = 0  # the first row's problem is reported from its cells as pandas reads them
    skip, first = lines[header_at]
    delimiter = _delimiter_of(first)

    def parse(rows: int, width: int | None = None) -> Iterator[pd.DataFrame]:
        """The file's rows as written, ``width`` + 1 columns: the header and ``rows`` data rows,
        then ``rows`` at a time; without ``width``, the header row alone. A cell beyond the
        header's that is empty (a trailing delimiter) is dropped: it holds nothing. Errors name
        the file and what is wrong."""
        try:
            with path.open(encoding=codec, newline="") as text:
                for _ in range(skip):  # a title above the header, and blank lines
                    text.readline()
                reader = pd.read_csv(
                    text,
                    sep=delimiter,
                    header=None,  # headers as written: pandas would rename a second "department"
                    # Without names pandas takes each chunk's width from its first row: a short
                    # row there would make the next full row an error. One column more than the
                    # header catches a row with more cells than it, wherever it is.
                    names=None if width is None else range(width + 1),
                    dtype=str,
                    keep_default_na=False,
                    na_values=[""],
                    skipinitialspace=True,
                    quoting=csv.QUOTE_MINIMAL,
                    chunksize=None if width is None else rows,
                    nrows=1 if width is None else None,  # the header alone
                )
                if width is None:
                    yield reader
                    return
                with reader:
                    yield reader.get_chunk(rows + 1)
                    yield from reader
        except StopIteration:
            raise LandingFileError(path, "file has no header row") from None
        except UnicodeDecodeError:
            decode_text(path, path.read_bytes(), encoding)  # raises, naming the line
            raise
        except pd.errors.ParserError as exc:
            raise LandingFileError(path, f"cannot parse as CSV (delimiter {delimiter!r}): {exc}") from None
        except pd.errors.EmptyDataError:
            raise LandingFileError(path, "file has no header row") from None
        except OSError as exc:
            raise LandingFileError(path, f"cannot be read: {exc.strerror or exc}") from None

    with closing(parse(1)) as first_rows:
        header = next(first_rows, None)
    if header is None or header.empty:
        raise LandingFileError(path, "file has no header row")
    headers = _split_header(header).headers
    width = len(headers)

    def read_rows(rows: int) -> Iterator[pd.DataFrame]:
        done = 0
        for index, chunk in enumerate(parse(rows, width)):
            chunk = _split_header(chunk).rows if index == 0 else chunk
            longer = chunk[width].notna().to_numpy()
            if longer.any():
                numbers = ", ".join(str(done + 1 + i) for i in longer.nonzero()[0][:5])
                raise LandingFileError(path, f"data row(s) {numbers} have more cells than the header's {width}")
            done += len(chunk)
            yield chunk  # the extra column is empty, and no header maps to it

    return _Source(
        headers, read_rows, max(_line_count(path) - 1 - skip, 0), decimal_comma=delimiter != ",", header_row=skip + 1
    )


def _first_lines(path: Path, codec: str, encoding: str) -> list[tuple[int, str]]:
    """The file's first non-blank lines (as many as the header is looked for in), each with the
    number of lines before it; read up to the last of them only."""
    found: list[tuple[int, str]] = []
    try:
        with path.open(encoding=codec, newline="") as text:
            for number, line in enumerate(text):
                if line.strip():
                    found.append((number, line))
                    if len(found) == HEADER_SEARCH_ROWS:
                        break
    except UnicodeDecodeError:
        decode_text(path, path.read_bytes(), encoding)  # raises, naming the line
        raise
    return found


def _delimiter_of(line: str) -> str:
    """The delimiter a line uses most (',' when it has none)."""
    delimiter = max(_DELIMITERS, key=line.count)
    return delimiter if line.count(delimiter) else ","


def _cells(line: str) -> list[str]:
    """A line's cells by its own delimiter, stripped (to find the header; pandas reads the file)."""
    cells = next(csv.reader([line.rstrip("\r\n")], delimiter=_delimiter_of(line), skipinitialspace=True), [])
    return [c.strip() for c in cells]


def _line_count(path: Path) -> int:
    """Lines of the file (line feeds or, in an old Mac export, carriage returns; plus a last line
    without one), read a megabyte at a time."""
    feeds = returns = 0
    last = b"\n"
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            feeds, returns = feeds + block.count(b"\n"), returns + block.count(b"\r")
            last = block[-1:]
    return max(feeds, returns) + (last not in (b"\n", b"\r"))


def _split_header(frame: pd.DataFrame, header_row: int = 1) -> _Table:
    """First row as the header (row ``header_row`` of the file), the rest as data rows numbered from 0."""
    headers = ["" if pd.isna(h) else str(h).strip() for h in frame.iloc[0].tolist()] if len(frame) else []
    rows = frame.iloc[1:].reset_index(drop=True)
    rows.columns = range(rows.shape[1])
    return _Table(headers, rows, header_row)


def _open_parquet(path: Path) -> _Source:
    import pyarrow as pa
    import pyarrow.parquet as pq

    def corrupt(exc: Exception) -> LandingFileError:
        return LandingFileError(path, f"not a readable Parquet file (truncated or corrupt?): {exc}")

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise corrupt(exc) from None
    names = parquet.schema_arrow.names

    def read_rows(rows: int) -> Iterator[pd.DataFrame]:
        try:
            for batch in parquet.iter_batches(batch_size=rows):
                columns = {i: column.to_pandas() for i, column in enumerate(batch.columns)}
                yield _stringify(pd.DataFrame(columns, index=range(batch.num_rows)))
        except (pa.ArrowInvalid, OSError) as exc:
            raise corrupt(exc) from None

    return _Source([str(name) for name in names], read_rows, parquet.metadata.num_rows)


def _read_xlsx(path: Path, spec: FileSpec, aliases: AliasMap) -> _Table:
    import zipfile

    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="openpyxl")
    except (zipfile.BadZipFile, ValueError, KeyError, OSError) as exc:
        raise LandingFileError(path, f"not a readable Excel .xlsx file: {exc}") from None
    tables: dict[str, _Table] = {}
    problems: dict[str, HeaderBelowError] = {}  # a sheet whose header below a title is unusable
    for name, frame in sheets.items():
        if frame.notna().any().any():
            tables[name], problem = _sheet_table(_stringify(frame), spec, aliases)
            if problem is not None:
                problems[name] = problem
    wanted = aliases.sheets.get(spec.name)
    if wanted is not None:
        if wanted not in sheets:
            raise LandingFileError(
                path, f"has no sheet {wanted!r} (named in column_aliases.toml [files.sheets]); its sheets: {list(sheets)}"
            )
        if wanted not in tables:
            raise LandingFileError(path, f"sheet {wanted!r} (named in column_aliases.toml [files.sheets]) has no data")
        return _checked(path, tables, problems, wanted)
    if not tables:
        raise LandingFileError(path, "the workbook has no sheet with data")
    if len(tables) == 1:
        return _checked(path, tables, problems, next(iter(tables)))
    fitting = [name for name, table in tables.items() if _has_required_columns(table, spec, aliases)]
    if len(fitting) == 1:
        log.info("%s: reading sheet %r, the only one with the %s columns", path, fitting[0], spec.stem)
        return tables[fitting[0]]
    which = f"sheets {fitting} all have" if fitting else f"none of the sheets {list(tables)} has"
    raise LandingFileError(
        path,
        f"ambiguous workbook: {which} the {spec.stem} columns; name the sheet to read in "
        f"column_aliases.toml: [files.sheets] {spec.name} = \"<sheet>\"",
    )


def _sheet_table(frame: pd.DataFrame, spec: FileSpec, aliases: AliasMap) -> tuple[_Table, HeaderBelowError | None]:
    """A sheet's header (the first non-blank row, or the row below a title holding the contract
    columns: find_header) and its rows below it; with the problem of a header found below a
    title but unusable."""
    head = frame.head(HEADER_SEARCH_ROWS * 5)
    candidates = [
        (int(index) + 1, ["" if pd.isna(v) else str(v).strip() for v in row])
        for index, row in zip(head.index, head.itertuples(index=False, name=None))
        if any(pd.notna(v) and str(v).strip() for v in row)
    ]
    problem = None
    try:
        position = find_header(candidates, spec, aliases)
    except HeaderBelowError as exc:
        position, problem = 0, exc
    except HeaderError:
        position = 0
    number = candidates[position][0] if candidates else 1
    return _split_header(frame.iloc[number - 1 :], header_row=number), problem


def _checked(path: Path, tables: dict[str, _Table], problems: dict[str, HeaderBelowError], name: str) -> _Table:
    if name in problems:
        raise LandingFileError(path, f"sheet {name!r}: {problems[name]}")
    return tables[name]


def _has_required_columns(table: _Table, spec: FileSpec, aliases: AliasMap) -> bool:
    try:
        map_headers(table.headers, spec, aliases)
    except HeaderError:
        return False
    return True


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
        out[column] = text.astype(object).where(values.notna(), None)
    return pd.DataFrame(out, index=frame.index, columns=frame.columns)


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):  # also pd.Timestamp
        return value.isoformat() if (value.hour, value.minute, value.second) != (0, 0, 0) else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


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
