"""Text landing files (CSV): codec (byte-order mark, UTF-16 without one, the landing root's
``[files] encoding``), delimiter, the header below a title, and the rows streamed by pandas'
chunked parser."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pandas as pd

from scl_pipeline.lib.contract import FileSpec
from scl_pipeline.lib.ingestion.aliases import AliasMap
from scl_pipeline.lib.ingestion.errors import LandingFileError
from scl_pipeline.lib.ingestion.headers import HEADER_SEARCH_ROWS, HeaderBelowError, HeaderError, find_header
from scl_pipeline.lib.ingestion.row_sources import RowSource, split_header

_DELIMITERS = ",;\t|"
# Longest first: the UTF-32 little-endian mark starts with the UTF-16 one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


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


def open_csv(path: Path, encoding: str, spec: FileSpec, aliases: AliasMap) -> RowSource:
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
    headers = split_header(header).headers
    width = len(headers)

    def read_rows(rows: int) -> Iterator[pd.DataFrame]:
        done = 0
        for index, chunk in enumerate(parse(rows, width)):
            chunk = split_header(chunk).rows if index == 0 else chunk
            longer = chunk[width].notna().to_numpy()
            if longer.any():
                numbers = ", ".join(str(done + 1 + i) for i in longer.nonzero()[0][:5])
                raise LandingFileError(path, f"data row(s) {numbers} have more cells than the header's {width}")
            done += len(chunk)
            yield chunk  # the extra column is empty, and no header maps to it

    return RowSource(
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
